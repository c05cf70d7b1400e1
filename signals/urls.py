from django.urls import path

from signals import views

app_name = "signals"
urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("tasks/xlsx/", views.TasksExportView.as_view(), name="tasks-xlsx"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task"),
    path("tasks/<int:pk>/outcome/", views.TaskOutcomeView.as_view(), name="outcome"),
    path("children/<int:pk>/", views.ChildView.as_view(), name="child"),
    path("households/<int:pk>/", views.HouseholdView.as_view(), name="household"),
    path("uploads/", views.UploadListView.as_view(), name="uploads"),
    path("uploads/jobs/<int:pk>/", views.UploadJobView.as_view(), name="upload-job"),
    path("uploads/<slug:feed>/", views.UploadView.as_view(), name="upload"),
    path("rules/", views.RulesView.as_view(), name="rules"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule-edit"),
]
