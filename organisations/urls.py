from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path("add/", views.OrganisationCreateView.as_view(), name="add"),
    path("gaps/", views.GapListView.as_view(), name="gaps"),
    path("contracts/", views.ContractListView.as_view(), name="contracts"),
    path("contracts/add/", views.ContractCreateView.as_view(), name="contract-add"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract-edit"),
    path("contacts/", views.ContactListView.as_view(), name="contacts"),
    path("contacts/xlsx/", views.ContactExportView.as_view(), name="contacts-xlsx"),
    path("contacts/add/", views.ContactCreateView.as_view(), name="contact-add"),
    path("contacts/<int:pk>/edit/", views.ContactEditView.as_view(), name="contact-edit"),
    path("contacts/<int:pk>/archive/", views.ContactArchiveView.as_view(), name="contact-archive"),
    path("role-holders/<int:pk>/edit/", views.RoleHolderEditView.as_view(), name="holder-edit"),
    path("role-holders/<int:pk>/archive/", views.RoleHolderArchiveView.as_view(), name="holder-archive"),
    path("commissioning/", views.CommissioningIndexView.as_view(), name="commissioning"),
    path("commissioning/xlsx/", views.CommissioningExportView.as_view(), name="commissioning-xlsx"),
    path("commissioning/add/", views.CommissioningEventCreateView.as_view(), name="commissioning-add"),
    path("commissioning/<int:pk>/", views.CommissioningEventDetailView.as_view(), name="commissioning-detail"),
    path("commissioning/<int:pk>/edit/", views.CommissioningEventEditView.as_view(), name="commissioning-edit"),
    path("commissioning/<int:pk>/consult/", views.ConsultationAddView.as_view(), name="commissioning-consult"),
    path("commissioning/<int:pk>/action/", views.CommissioningEventActionView.as_view(), name="commissioning-action"),
    path(
        "commissioning/<int:pk>/archive/", views.CommissioningEventArchiveView.as_view(), name="commissioning-archive"
    ),
    path("specifications/", views.SpecificationListView.as_view(), name="specifications"),
    path("specifications/add/", views.SpecificationCreateView.as_view(), name="specification-add"),
    path("specifications/<int:pk>/", views.SpecificationDetailView.as_view(), name="specification-detail"),
    path("specifications/<int:pk>/edit/", views.SpecificationEditView.as_view(), name="specification-edit"),
    path("specifications/<int:pk>/action/", views.SpecificationActionView.as_view(), name="specification-action"),
    path("subcontractors/add/", views.SubcontractorCreateView.as_view(), name="subcontractor-add"),
    path("subcontractors/<int:pk>/edit/", views.SubcontractorEditView.as_view(), name="subcontractor-edit"),
    path("associate-notifications/add/", views.NotificationCreateView.as_view(), name="notification-add"),
    path("associate-notifications/<int:pk>/edit/", views.NotificationEditView.as_view(), name="notification-edit"),
    path("modern-slavery/add/", views.StatementCreateView.as_view(), name="statement-add"),
    path("modern-slavery/<int:pk>/edit/", views.StatementEditView.as_view(), name="statement-edit"),
    path("due-diligence/add/", views.DueDiligenceCreateView.as_view(), name="due-diligence-add"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OrganisationEditView.as_view(), name="edit"),
    path("<int:pk>/archive/", views.OrganisationArchiveView.as_view(), name="archive"),
    path("<int:pk>/role-holders/add/", views.RoleHolderAddView.as_view(), name="holder-add"),
]
