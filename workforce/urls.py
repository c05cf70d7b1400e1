from django.urls import path

from workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.ComplianceView.as_view(), name="compliance"),
    path("xlsx/", views.ComplianceExportView.as_view(), name="compliance-xlsx"),
    path("action/", views.RaiseComplianceActionView.as_view(), name="compliance-action"),
    path("settings/", views.PolicyView.as_view(), name="policy"),
    path("tna/", views.TnaView.as_view(), name="tna"),
    path("extract/", views.ExtractUploadView.as_view(), name="extract"),
    path("extract/columns/", views.ColumnMappingView.as_view(), name="columns"),
    path("extract/competences/", views.CompetenceMappingView.as_view(), name="competences"),
    path("staff/", views.StaffListView.as_view(), name="staff"),
    path("staff/xlsx/", views.StaffExportView.as_view(), name="staff-xlsx"),
    path("staff/add/", views.StaffCreateView.as_view(), name="staff-add"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path("dbs/", views.DbsListView.as_view(), name="dbs"),
    path("dbs/xlsx/", views.DbsExportView.as_view(), name="dbs-xlsx"),
    path("dbs/add/", views.DbsCreateView.as_view(), name="dbs-add"),
    path("dbs/<int:pk>/edit/", views.DbsEditView.as_view(), name="dbs-edit"),
    path("supervision/", views.SupervisionView.as_view(), name="supervision"),
    path("supervision/xlsx/", views.SupervisionExportView.as_view(), name="supervision-xlsx"),
    path("supervision/agreements/add/", views.AgreementCreateView.as_view(), name="agreement-add"),
    path("supervision/sessions/add/", views.SessionCreateView.as_view(), name="session-add"),
    path("supervision/sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session"),
    path("supervision/sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session-edit"),
    path("supervision/mine/", views.MySessionsView.as_view(), name="my-sessions"),
    path("supervision/sessions/<int:pk>/action/", views.SessionActionView.as_view(), name="session-action"),
    path("capacity/", views.CapacityView.as_view(), name="capacity"),
    path("capacity/xlsx/", views.CapacityExportView.as_view(), name="capacity-xlsx"),
    path("capacity/add/", views.CapacityCreateView.as_view(), name="capacity-add"),
    path("capacity/population/", views.PopulationCreateView.as_view(), name="population-add"),
    path("providers/", views.ProviderTrainingView.as_view(), name="providers"),
]
