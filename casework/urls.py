from django.urls import path

from casework import views

app_name = "casework"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("due/", views.DueView.as_view(), name="due"),
    path("access-log/", views.AccessIndexView.as_view(), name="access-index"),
    path("access-log/<slug:register>/<int:pk>/", views.AccessLogView.as_view(), name="access-log"),
    path("escalations/report/", views.EscalationReportView.as_view(), name="escalation-report"),
    path("escalations/<int:pk>/stages/add/", views.StageAddView.as_view(), name="stage-add"),
    path("complex-health-needs/<int:pk>/requests/add/", views.InformationRequestAddView.as_view(), name="request-add"),
    path("information-requests/<int:pk>/returned/", views.InformationReturnedView.as_view(), name="request-returned"),
    path("serious-incidents/<int:pk>/actions/add/", views.IncidentActionAddView.as_view(), name="incident-action-add"),
    path("<slug:register>/", views.RegisterListView.as_view(), name="list"),
    path("<slug:register>/add/", views.RecordCreateView.as_view(), name="add"),
    path("<slug:register>/export/", views.ExportView.as_view(), name="export"),
    path("<slug:register>/<int:pk>/", views.RecordDetailView.as_view(), name="detail"),
    path("<slug:register>/<int:pk>/edit/", views.RecordEditView.as_view(), name="edit"),
    path("<slug:register>/<int:pk>/archive/", views.RecordArchiveView.as_view(), name="archive"),
]
