from django.urls import path

from assurance import views
from assurance.models import CqcRegistration, Inspection, RegulatoryNotice

app_name = "assurance"
urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="assessments"),
    path("frameworks/", views.FrameworkListView.as_view(), name="frameworks"),
    path("frameworks/<int:pk>/", views.FrameworkDetailView.as_view(), name="framework"),
    path("cycles/", views.CycleListView.as_view(), name="cycles"),
    path("cycles/open/", views.CycleOpenView.as_view(), name="cycle-open"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle"),
    path("cycles/<int:pk>/close/", views.CycleCloseView.as_view(), name="cycle-close"),
    path("roll-up/", views.RollUpView.as_view(), name="rollup"),
    path("icb-duties/", views.IcbDutiesView.as_view(), name="icb-duties"),
    path("icb-duties/cic-specifications/add/", views.SpecificationCreateView.as_view(), name="cic-spec-add"),
    path("icb-duties/cic-specifications/<int:pk>/edit/", views.SpecificationEditView.as_view(), name="cic-spec-edit"),
    path("icb-duties/funding-panels/add/", views.FundingPanelCreateView.as_view(), name="funding-panel-add"),
    path("icb-duties/funding-panels/<int:pk>/edit/", views.FundingPanelEditView.as_view(), name="funding-panel-edit"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment"),
    path("assessments/<int:pk>/sections/<int:section_pk>/", views.SectionEditView.as_view(), name="section"),
    path("assessments/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("assessments/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("assessments/<int:pk>/sign-off/", views.SignOffView.as_view(), name="sign-off"),
    path("assessments/<int:pk>/export.xlsx", views.ExportView.as_view(), name="export"),
    path("assessments/<int:pk>/import/", views.ImportView.as_view(), name="import"),
    path("responses/<int:pk>/actions/add/", views.ActionAddView.as_view(), name="action-add"),
    path("responses/<int:pk>/evidence/add/", views.EvidenceAddView.as_view(), name="evidence-add"),
    path("responses/<int:pk>/reply/", views.ReplyView.as_view(), name="reply"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("evidence/<int:pk>/archive/", views.EvidenceArchiveView.as_view(), name="evidence-archive"),
]
urlpatterns += [
    path("inspections/", views.InspectionRegisterView.as_view(), name="inspections"),
    path("inspections/xlsx/", views.InspectionExportView.as_view(), name="inspections-xlsx"),
    path("inspections/add/", views.InspectionCreateView.as_view(), name="inspection-add"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("inspections/<int:pk>/edit/", views.InspectionEditView.as_view(), name="inspection-edit"),
    path(
        "inspections/<int:pk>/actions/add/",
        views.InspectionActionAddView.as_view(model=Inspection, select_related=("organisation",)),
        name="inspection-action-add",
    ),
    path(
        "inspections/<int:pk>/archive/",
        views.InspectionRecordArchiveView.as_view(model=Inspection),
        name="inspection-archive",
    ),
    path("notices/add/", views.NoticeCreateView.as_view(), name="notice-add"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/edit/", views.NoticeEditView.as_view(), name="notice-edit"),
    path(
        "notices/<int:pk>/actions/add/",
        views.InspectionActionAddView.as_view(model=RegulatoryNotice, select_related=("provider",)),
        name="notice-action-add",
    ),
    path(
        "notices/<int:pk>/archive/",
        views.InspectionRecordArchiveView.as_view(model=RegulatoryNotice),
        name="notice-archive",
    ),
    path("registrations/add/", views.RegistrationCreateView.as_view(), name="registration-add"),
    path("registrations/<int:pk>/edit/", views.RegistrationEditView.as_view(), name="registration-edit"),
    path(
        "registrations/<int:pk>/archive/",
        views.InspectionRecordArchiveView.as_view(model=CqcRegistration),
        name="registration-archive",
    ),
]
