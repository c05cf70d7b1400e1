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
    path("contacts/add/", views.ContactCreateView.as_view(), name="contact-add"),
    path("contacts/<int:pk>/edit/", views.ContactEditView.as_view(), name="contact-edit"),
    path("contacts/<int:pk>/archive/", views.ContactArchiveView.as_view(), name="contact-archive"),
    path("role-holders/<int:pk>/edit/", views.RoleHolderEditView.as_view(), name="holder-edit"),
    path("role-holders/<int:pk>/archive/", views.RoleHolderArchiveView.as_view(), name="holder-archive"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OrganisationEditView.as_view(), name="edit"),
    path("<int:pk>/archive/", views.OrganisationArchiveView.as_view(), name="archive"),
    path("<int:pk>/role-holders/add/", views.RoleHolderAddView.as_view(), name="holder-add"),
]
