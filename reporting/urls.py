from django.urls import path

from reporting import rules, views
from reporting.choices import FileKind

app_name = "reporting"


def step(name, view=views.StepView):
    return view.as_view(step=name) if view is views.StepView else view.as_view()


urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("new/", views.NewReportView.as_view(), name="new"),
    path("nhs-england/<str:quarter>.xlsx", views.NhsEnglandAssuranceView.as_view(), name="nhs-england"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/narrative/<slug:key>/", views.NarrativeView.as_view(), name="narrative"),
    path("<int:pk>/build/", views.BuildView.as_view(), name="build"),
    path("<int:pk>/new-version/", views.NewVersionView.as_view(), name="new-version"),
    path("<int:pk>/submit/", step(rules.SUBMIT), name="submit"),
    path("<int:pk>/approve/", step(rules.APPROVE), name="approve"),
    path("<int:pk>/return/", step(rules.RETURN, views.ReturnView), name="return"),
    path("<int:pk>/present/", step(rules.PRESENT, views.PresentView), name="present"),
    path("<int:pk>/publish/", step(rules.PUBLISH), name="publish"),
    path("<int:pk>/report.pdf", views.FileView.as_view(kind=FileKind.PDF), name="pdf"),
    path("<int:pk>/appendix.xlsx", views.FileView.as_view(kind=FileKind.XLSX), name="xlsx"),
    path("<int:pk>/report.html", views.FileView.as_view(kind=FileKind.HTML), name="html"),
    path("<int:pk>/snapshot.json", views.FileView.as_view(kind=FileKind.JSON), name="snapshot"),
]
