from django.urls import path

from governance import views
from governance.models import AnnualReport, Committee, MonitoringCheck, Policy, Risk

app_name = "governance"


def archive(model, back):
    return views.ArchiveView.as_view(model=model, back=back)


urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("committees/", views.CommitteeListView.as_view(), name="committees"),
    path("committees/add/", views.CommitteeCreateView.as_view(), name="committee-add"),
    path("committees/<int:pk>/", views.CommitteeDetailView.as_view(), name="committee-detail"),
    path("committees/<int:pk>/edit/", views.CommitteeEditView.as_view(), name="committee-edit"),
    path("committees/<int:pk>/archive/", archive(Committee, "governance:committees"), name="committee-archive"),
    path("committees/<int:pk>/meetings/add/", views.MeetingCreateView.as_view(), name="meeting-add"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/papers/add/", views.PaperCreateView.as_view(), name="paper-add"),
    path("meetings/<int:pk>/decisions/add/", views.DecisionCreateView.as_view(), name="decision-add"),
    path("decisions/<int:pk>/actions/add/", views.DecisionActionView.as_view(), name="decision-action-add"),
    path("policies/", views.PolicyListView.as_view(), name="policies"),
    path("policies/xlsx/", views.PolicyExportView.as_view(), name="policies-xlsx"),
    path("policies/add/", views.PolicyCreateView.as_view(), name="policy-add"),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="policy-detail"),
    path("policies/<int:pk>/edit/", views.PolicyEditView.as_view(), name="policy-edit"),
    path("policies/<int:pk>/archive/", archive(Policy, "governance:policies"), name="policy-archive"),
    path("policies/<int:pk>/documents/add/", views.PolicyDocumentCreateView.as_view(), name="policy-document-add"),
    path("policy-documents/<int:pk>/", views.PolicyDocumentDownloadView.as_view(), name="policy-document"),
    path("risks/", views.RiskListView.as_view(), name="risks"),
    path("risks/xlsx/", views.RiskExportView.as_view(), name="risks-xlsx"),
    path("risks/add/", views.RiskCreateView.as_view(), name="risk-add"),
    path("risks/<int:pk>/", views.RiskDetailView.as_view(), name="risk-detail"),
    path("risks/<int:pk>/edit/", views.RiskEditView.as_view(), name="risk-edit"),
    path("risks/<int:pk>/rescore/", views.RiskRescoreView.as_view(), name="risk-rescore"),
    path("risks/<int:pk>/escalate/", views.RiskEscalateView.as_view(), name="risk-escalate"),
    path("risks/<int:pk>/actions/add/", views.RiskActionView.as_view(), name="risk-action-add"),
    path("risks/<int:pk>/archive/", archive(Risk, "governance:risks"), name="risk-archive"),
    path("annual-reports/", views.AnnualReportListView.as_view(), name="annual-reports"),
    path("annual-reports/expect/", views.AnnualReportExpectView.as_view(), name="annual-reports-expect"),
    path("annual-reports/<int:pk>/", views.AnnualReportDetailView.as_view(), name="annual-report-detail"),
    path("annual-reports/<int:pk>/receive/", views.AnnualReportReceiveView.as_view(), name="annual-report-receive"),
    path("annual-reports/<int:pk>/review/", views.AnnualReportReviewView.as_view(), name="annual-report-review"),
    path("annual-reports/<int:pk>/document/", views.AnnualReportDocumentView.as_view(), name="annual-report-document"),
    path("monitoring/", views.MonitoringListView.as_view(), name="monitoring"),
    path("monitoring/xlsx/", views.MonitoringExportView.as_view(), name="monitoring-xlsx"),
    path("monitoring/add/", views.MonitoringCreateView.as_view(), name="monitoring-add"),
    path("monitoring/<int:pk>/", views.MonitoringDetailView.as_view(), name="monitoring-detail"),
    path("monitoring/<int:pk>/edit/", views.MonitoringEditView.as_view(), name="monitoring-edit"),
    path("monitoring/<int:pk>/record/", views.MonitoringRecordView.as_view(), name="monitoring-record"),
    path("monitoring/<int:pk>/actions/add/", views.MonitoringActionView.as_view(), name="monitoring-action-add"),
    path("monitoring/<int:pk>/archive/", archive(MonitoringCheck, "governance:monitoring"), name="monitoring-archive"),
    path(
        "annual-reports/<int:pk>/archive/",
        archive(AnnualReport, "governance:annual-reports"),
        name="annual-report-archive",
    ),
]
