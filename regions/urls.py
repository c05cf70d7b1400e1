from django.urls import path

from regions import views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="index"),
    path("<int:pk>/", views.RegionDetailView.as_view(), name="region"),
    path("<int:pk>/xlsx/", views.RegionExportView.as_view(), name="region-xlsx"),
    path("icbs/<int:pk>/", views.IcbRollupView.as_view(), name="icb"),
    path("returns/", views.ReturnListView.as_view(), name="returns"),
    path("returns/send/", views.SendReturnView.as_view(), name="return-send"),
    path("returns/<int:pk>/", views.ReturnDetailView.as_view(), name="return"),
    path("returns/<int:pk>/review/", views.ReturnReviewView.as_view(), name="return-review"),
    path("returns/<int:pk>/withdraw/", views.ReturnWithdrawView.as_view(), name="return-withdraw"),
    path("returns/<int:pk>/resend/", views.ReturnResendView.as_view(), name="return-resend"),
]
