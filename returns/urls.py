from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.ReturnListView.as_view(), name="list"),
    path("start/", views.StartReturnView.as_view(), name="start"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("thresholds/", views.OverrideListView.as_view(), name="overrides"),
    path("thresholds/add/", views.OverrideCreateView.as_view(), name="override-add"),
    path("provider/<int:provider>/", views.TrendView.as_view(), name="trend"),
    path("provider/<int:provider>/chart/<str:code>.png", views.TrendChartView.as_view(), name="trend-chart"),
    path("<int:pk>/", views.ReturnDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReturnEditView.as_view(), name="edit"),
    path("<int:pk>/submit/", views.ReturnSubmitView.as_view(), name="submit"),
    path("<int:pk>/send-back/", views.ReturnSendBackView.as_view(), name="send-back"),
    path("<int:pk>/accept/", views.ReturnAcceptView.as_view(), name="accept"),
    path("<int:pk>/template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("<int:pk>/upload/", views.UploadView.as_view(), name="upload"),
    path("<int:pk>/evidence/", views.EvidenceEditView.as_view(), name="evidence"),
    path("<int:pk>/evidence/attach/", views.EvidenceAttachView.as_view(), name="evidence-attach"),
    path("evidence-file/<int:pk>/", views.EvidenceFileView.as_view(), name="evidence-file"),
    path("<int:pk>/judge/<str:code>/", views.JudgeView.as_view(), name="judge"),
    path("<int:pk>/metric/<str:code>/", views.CellView.as_view(), name="cell"),
    path("<int:pk>/metric/<str:code>/action/", views.OpenActionView.as_view(), name="open-action"),
]
