from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.banners import say_archived
from core.choices import ALL_ROLES, ICB_ROLES
from core.downloads import xlsx_response
from core.models import TrackedAction
from core.scoping import CHANGE, can
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from organisations import actions, reports, rules, spreadsheets
from organisations.choices import SafeguardingRole
from organisations.filters import (
    CommissioningEventFilter,
    ContractFilter,
    OrganisationFilter,
    SafeguardingContactFilter,
    ServiceSpecificationFilter,
)
from organisations.forms import (
    AssociateNotificationForm,
    CommissioningActionForm,
    CommissioningEventForm,
    ConsultationForm,
    ContractForm,
    DueDiligenceForm,
    OrganisationForm,
    RoleHolderForm,
    SafeguardingContactForm,
    SpecificationForm,
    StatementForm,
    SubcontractorForm,
)
from organisations.models import (
    COMMISSIONING_MANAGERS,
    AssociateNotification,
    CommissioningEvent,
    Contract,
    ModernSlaveryStatement,
    Organisation,
    RoleHolder,
    SafeguardingContact,
    ServiceSpecification,
    Subcontractor,
)


class OrganisationListView(LoginRequiredMixin, TemplateView):
    template_name = "organisations/organisation_list.html"

    def get_context_data(self, **kwargs):
        queryset = Organisation.objects.restrict(self.request.user).select_related("parent")
        filterset = OrganisationFilter(self.request.GET or None, queryset=queryset, request=self.request)
        organisations = filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True)
        return super().get_context_data(
            filter=filterset,
            organisations=organisations,
            can_add=can(self.request.user, Organisation, CHANGE),
            **kwargs,
        )


class OrganisationDetailView(ScopedObjectMixin, TemplateView):
    model = Organisation
    select_related = ("parent", "icb")
    template_name = "organisations/organisation_detail.html"

    def get_context_data(self, **kwargs):
        user, organisation = self.request.user, self.object
        holders = RoleHolder.objects.restrict(user).filter(organisation=organisation, archived_at__isnull=True)
        contracts = (
            Contract.objects.restrict(user)
            .filter(provider=organisation)
            .select_related("lead_commissioner")
            .prefetch_related("associate_commissioners")
        )
        specifications = (
            ServiceSpecification.objects.restrict(user)
            .filter(contract__provider=organisation, archived_at__isnull=True)
            .select_related("contract")
        )
        return super().get_context_data(
            holders=holders,
            gaps=reports.gaps_for(organisation),
            contracts=contracts,
            specifications=specifications,
            children=organisation.children.filter(archived_at__isnull=True),
            history=reports.organisation_history(organisation),
            can_edit=can(user, Organisation, CHANGE, organisation) and not organisation.is_archived,
            can_edit_holders=can(user, RoleHolder, CHANGE, organisation) and not organisation.is_archived,
            can_add_contract=can(user, Contract, CHANGE, organisation) and organisation.is_provider,
            **kwargs,
        )


class OrganisationCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = Organisation.access.change
    form_class = OrganisationForm
    page_title = "Add an organisation"
    submit_label = "Add organisation"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.do_create_organisation(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("organisations:detail", args=[self.result.pk])


class OrganisationEditView(ScopedObjectMixin, ActionFormView):
    model = Organisation
    scope_action = CHANGE
    form_class = OrganisationForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object.name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        return actions.do_update_organisation(self.object, acting_user=self.request.user, **fields)

    def get_success_url(self):
        return reverse("organisations:detail", args=[self.object.pk])


class OrganisationArchiveView(ScopedObjectMixin, View):
    model = Organisation
    scope_action = CHANGE

    def post(self, request, pk):
        actions.do_archive_organisation(self.object, acting_user=request.user)
        say_archived(request, self.object)
        return redirect("organisations:detail", pk=pk)


class RoleHolderAddView(ScopedObjectMixin, ActionFormView):
    """Add a holder (or a vacant post) to an organisation's register."""

    model = Organisation
    form_class = RoleHolderForm
    submit_label = "Add to register"

    def get(self, request, *args, **kwargs):
        self.check_can_change()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_can_change()
        return super().post(request, *args, **kwargs)

    def check_can_change(self):
        if not can(self.request.user, RoleHolder, CHANGE, self.object):
            raise PermissionDenied("You cannot change this organisation's register.")

    @property
    def page_title(self):
        return f"Add a role holder: {self.object.name}"

    def get_initial(self):
        role = self.request.GET.get("role")
        return {"role": role} if role in SafeguardingRole.values else {}

    def perform(self, form):
        return actions.do_add_role_holder(organisation=self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("organisations:detail", args=[self.object.pk])


class RoleHolderEditView(ScopedObjectMixin, ActionFormView):
    model = RoleHolder
    scope_action = CHANGE
    select_related = ("organisation",)
    form_class = RoleHolderForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object.get_role_display()}: {self.object.organisation.name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        return actions.do_update_role_holder(self.object, acting_user=self.request.user, **fields)

    def get_success_url(self):
        return reverse("organisations:detail", args=[self.object.organisation_id])


class RoleHolderArchiveView(ScopedObjectMixin, View):
    model = RoleHolder
    scope_action = CHANGE

    def post(self, request, pk):
        actions.do_archive_role_holder(self.object, acting_user=request.user)
        say_archived(request, self.object)
        return redirect("organisations:detail", pk=self.object.organisation_id)


class GapListView(RoleRequiredMixin, TemplateView):
    """ICB-wide: which organisations lack which roles ("which providers have no Prevent lead?")."""

    allowed_roles = ICB_ROLES
    template_name = "organisations/gap_list.html"

    def get_context_data(self, **kwargs):
        role = self.request.GET.get("role", "")
        entries = reports.gaps_by_organisation(Organisation.objects.restrict(self.request.user))
        if role:
            entries = [reports.OrganisationGaps(e.organisation, [g for g in e.gaps if g.role == role]) for e in entries]
            entries = [e for e in entries if e.gaps]
        return super().get_context_data(entries=entries, roles=SafeguardingRole.choices, role=role, **kwargs)


class ContractListView(LoginRequiredMixin, TemplateView):
    template_name = "organisations/contract_list.html"

    def get_context_data(self, **kwargs):
        queryset = (
            Contract.objects.restrict(self.request.user)
            .filter(archived_at__isnull=True)
            .select_related("provider", "lead_commissioner")
        )
        filterset = ContractFilter(self.request.GET or None, queryset=queryset, request=self.request)
        return super().get_context_data(
            contracts=filterset.qs,
            missing_count=reports.contracts_without_schedule(queryset).count(),
            can_add=can(self.request.user, Contract, CHANGE),
            **kwargs,
        )


class ContractCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = Contract.access.change
    form_class = ContractForm
    page_title = "Add a contract"
    submit_label = "Add contract"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {
            "provider": self.request.GET.get("provider"),
            "lead_commissioner": self.request.user.organisation.icb_id,
        }

    def perform(self, form):
        return actions.do_create_contract(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("organisations:detail", args=[self.result.provider_id])


class ContractEditView(ScopedObjectMixin, ActionFormView):
    model = Contract
    scope_action = CHANGE
    form_class = ContractForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change contract {self.object.reference}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        return actions.do_update_contract(self.object, acting_user=self.request.user, **fields)

    def get_success_url(self):
        return reverse("organisations:detail", args=[self.object.provider_id])


# --- Commissioning with safeguarding in it [NEL 3.1, 5.1; SAAF 4.7.1; CPCCG 6.8; DDICB Scope, Modern Slavery] ---

INDEX = "organisations:commissioning"


class _AddView(RoleRequiredMixin, ActionFormView):
    """Add a record through one action; the form's choices are scoped to the user."""

    allowed_roles = COMMISSIONING_MANAGERS
    action = None
    success = INDEX

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return type(self).action(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse(self.success)


class _EditView(ScopedObjectMixin, ActionFormView):
    """Change a versioned record: 404 out of scope, 403 when it may only be read; a stale save is refused."""

    scope_action = CHANGE
    action = None
    submit_label = "Save changes"
    with_user = True

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "instance": self.object}
        return {**kwargs, "user": self.request.user} if self.with_user else kwargs

    def perform(self, form):
        return type(self).action(self.object, acting_user=self.request.user, **form.changed_fields())

    def get_success_url(self):
        return reverse(INDEX)


class _RaiseActionView(ScopedObjectMixin, ActionFormView):
    """A SMART action in the one tracker from a record with a commissioning gap."""

    scope_action = CHANGE
    form_class = CommissioningActionForm
    submit_label = "Add action"

    @property
    def page_title(self):
        return f"Add an action: {self.object}"

    def action_organisation(self):
        raise NotImplementedError

    def perform(self, form):
        return actions.do_raise_commissioning_action(
            self.object, organisation=self.action_organisation(), acting_user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("action-detail", args=[self.result.pk])


def _actions_for(record, user):
    return TrackedAction.objects.restrict(user).for_source(record).select_related("organisation")


# --- The commissioning register ---------------------------------------------------------------------------------


class CommissioningIndexView(RoleRequiredMixin, TemplateView):
    """Every commissioning event with its gaps, and the registers beside the contracts."""

    allowed_roles = ICB_ROLES
    template_name = "organisations/commissioning.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        events = CommissioningEvent.objects.restrict(user)
        filterset = CommissioningEventFilter(self.request.GET or None, queryset=events, request=self.request)
        rows = reports.event_rows(filterset.qs if filterset.is_bound else events)
        return super().get_context_data(
            filter=filterset,
            rows=rows,
            gaps=reports.commissioning_gaps(user),
            subcontractors=Subcontractor.objects.restrict(user)
            .filter(archived_at__isnull=True)
            .select_related("contract__provider"),
            notifications=AssociateNotification.objects.restrict(user)
            .filter(archived_at__isnull=True)
            .select_related("contract__provider", "associate_commissioner"),
            due_diligence=reports.due_diligence_rows(Contract.objects.restrict(user)),
            statements=ModernSlaveryStatement.objects.restrict(user).filter(archived_at__isnull=True),
            can_manage=can(user, CommissioningEvent, CHANGE),
            **kwargs,
        )


class CommissioningExportView(RoleRequiredMixin, View):
    allowed_roles = ICB_ROLES

    def get(self, request):
        user = request.user
        live = {"archived_at__isnull": True}
        content = spreadsheets.commissioning_register(
            events=reports.event_rows(CommissioningEvent.objects.restrict(user)),
            specifications=ServiceSpecification.objects.restrict(user)
            .filter(**live)
            .select_related("contract__provider"),
            subcontractors=Subcontractor.objects.restrict(user).filter(**live).select_related("contract__provider"),
            notifications=AssociateNotification.objects.restrict(user)
            .filter(**live)
            .select_related("contract__provider", "associate_commissioner"),
            due_diligence=reports.due_diligence_rows(Contract.objects.restrict(user)),
        )
        return xlsx_response(content, f"commissioning-{timezone.localdate():%Y-%m-%d}.xlsx")


# --- Commissioning events ---------------------------------------------------------------------------------------


class CommissioningEventCreateView(_AddView):
    form_class = CommissioningEventForm
    action = staticmethod(actions.do_create_commissioning_event)
    page_title = "Add a commissioning event"
    submit_label = "Add event"

    def get_success_url(self):
        return self.result.get_absolute_url()


class CommissioningEventDetailView(ScopedObjectMixin, TemplateView):
    model = CommissioningEvent
    select_related = ("icb", "provider", "contract")
    template_name = "organisations/commissioning_event.html"

    def get_context_data(self, **kwargs):
        user, event = self.request.user, self.object
        consultations = list(event.consultations.filter(archived_at__isnull=True))
        return super().get_context_data(
            consultations=consultations,
            gaps=rules.commissioning_gaps(
                stage=event.stage,
                consulted_stages=[c.stage for c in consultations],
                signed_off_on=event.specification_signed_off_on,
            ),
            tracked_actions=_actions_for(event, user),
            can_manage=can(user, CommissioningEvent, CHANGE) and not event.archived_at,
            **kwargs,
        )


class CommissioningEventEditView(_EditView):
    model = CommissioningEvent
    form_class = CommissioningEventForm
    action = staticmethod(actions.do_update_commissioning_event)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ConsultationAddView(ScopedObjectMixin, ActionFormView):
    """Record a designated professional's consultation on an event."""

    model = CommissioningEvent
    scope_action = CHANGE
    form_class = ConsultationForm
    submit_label = "Record consultation"

    @property
    def page_title(self):
        return f"Record a designated professional's consultation: {self.object.title}"

    def get_initial(self):
        return {"stage": self.object.stage, "consulted_on": timezone.localdate()}

    def perform(self, form):
        return actions.do_record_consultation(self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class CommissioningEventActionView(_RaiseActionView):
    model = CommissioningEvent
    select_related = ("icb", "provider")

    def action_organisation(self):
        """Consulting the designated professionals and signing off the specification are the ICB's to do."""
        return self.object.icb


class CommissioningEventArchiveView(ScopedObjectMixin, View):
    model = CommissioningEvent
    scope_action = CHANGE

    def post(self, request, pk):
        actions.do_archive_commissioning_record(self.object, acting_user=request.user)
        return redirect(INDEX)


# --- Specifications and SLAs -------------------------------------------------------------------------------------


class SpecificationListView(RoleRequiredMixin, TemplateView):
    """Service specifications and SLAs beside the contracts; a provider sees its own only."""

    allowed_roles = ALL_ROLES
    template_name = "organisations/specification_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = (
            ServiceSpecification.objects.restrict(user)
            .filter(archived_at__isnull=True)
            .select_related("contract__provider")
        )
        filterset = ServiceSpecificationFilter(self.request.GET or None, queryset=queryset, request=self.request)
        return super().get_context_data(
            filter=filterset,
            specifications=filterset.qs,
            can_manage=can(user, ServiceSpecification, CHANGE),
            **kwargs,
        )


class SpecificationCreateView(_AddView):
    form_class = SpecificationForm
    action = staticmethod(actions.do_add_specification)
    page_title = "Add a service specification or SLA"
    submit_label = "Add specification"
    success = "organisations:specifications"

    def get_initial(self):
        return {"contract": self.request.GET.get("contract")}


class SpecificationDetailView(ScopedObjectMixin, TemplateView):
    model = ServiceSpecification
    select_related = ("contract__provider",)
    template_name = "organisations/specification_detail.html"

    def get_context_data(self, **kwargs):
        user, specification = self.request.user, self.object
        checklist = [
            (label, source, getattr(specification, name)) for name, label, source in rules.SPECIFICATION_CHECKLIST
        ]
        return super().get_context_data(
            checklist=checklist,
            tracked_actions=_actions_for(specification, user),
            can_manage=can(user, ServiceSpecification, CHANGE) and not specification.archived_at,
            **kwargs,
        )


class SpecificationEditView(_EditView):
    model = ServiceSpecification
    select_related = ("contract__provider",)
    form_class = SpecificationForm
    action = staticmethod(actions.do_update_specification)

    def get_success_url(self):
        return self.object.get_absolute_url()


class SpecificationActionView(_RaiseActionView):
    model = ServiceSpecification
    select_related = ("contract__provider",)

    def action_organisation(self):
        return self.object.contract.provider


# --- Subcontractors, associate notifications, modern slavery ------------------------------------------------------


class SubcontractorCreateView(_AddView):
    form_class = SubcontractorForm
    action = staticmethod(actions.do_add_subcontractor)
    page_title = "Add a subcontractor"
    submit_label = "Add subcontractor"


class SubcontractorEditView(_EditView):
    model = Subcontractor
    select_related = ("contract__provider",)
    form_class = SubcontractorForm
    action = staticmethod(actions.do_update_subcontractor)


class NotificationCreateView(_AddView):
    form_class = AssociateNotificationForm
    action = staticmethod(actions.do_record_associate_notification)
    page_title = "Record a matter to tell an associate commissioner of"
    submit_label = "Record"


class NotificationEditView(_EditView):
    model = AssociateNotification
    select_related = ("contract__provider", "associate_commissioner")
    form_class = AssociateNotificationForm
    action = staticmethod(actions.do_update_associate_notification)


class StatementCreateView(_AddView):
    form_class = StatementForm
    action = staticmethod(actions.do_add_statement)
    page_title = "Add the ICB's modern slavery statement"
    submit_label = "Add statement"

    def get_form_kwargs(self):
        return ActionFormView.get_form_kwargs(self)

    def get_initial(self):
        return {"financial_year": rules.financial_year_of(timezone.localdate())}


class StatementEditView(_EditView):
    model = ModernSlaveryStatement
    form_class = StatementForm
    action = staticmethod(actions.do_update_statement)
    with_user = False


class DueDiligenceCreateView(_AddView):
    form_class = DueDiligenceForm
    action = staticmethod(actions.do_record_due_diligence)
    page_title = "Record modern slavery due diligence on a supplier"
    submit_label = "Record due diligence"

    def get_initial(self):
        return {"contract": self.request.GET.get("contract")}


class ContactListView(LoginRequiredMixin, TemplateView):
    """Who to call: single points of access, emergency duty teams, police, on-call paediatricians, child death
    and domestic abuse leads, for each local authority and partnership (linked from every casework page)."""

    template_name = "organisations/contact_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = SafeguardingContact.objects.restrict(user).select_related("organisation")
        filterset = SafeguardingContactFilter(self.request.GET or None, queryset=queryset, request=self.request)
        contacts = filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True)
        groups = {}
        for contact in contacts:
            groups.setdefault(contact.organisation, []).append(contact)
        return super().get_context_data(
            filter=filterset,
            groups=list(groups.items()),
            contacts=contacts,
            can_add=can(user, SafeguardingContact, CHANGE),
            **kwargs,
        )


class ContactExportView(LoginRequiredMixin, View):
    """The directory as XLSX (core.spreadsheets), with the list page's filter applied."""

    def get(self, request):
        queryset = SafeguardingContact.objects.restrict(request.user).select_related("organisation")
        filterset = SafeguardingContactFilter(request.GET or None, queryset=queryset, request=request)
        contacts = filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True)
        content = spreadsheets.contacts_directory(contacts)
        return xlsx_response(content, f"safeguarding-contacts-{timezone.localdate():%Y-%m-%d}.xlsx")


class ContactCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = SafeguardingContact.access.change
    form_class = SafeguardingContactForm
    page_title = "Add a safeguarding contact"
    submit_label = "Add contact"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.do_add_contact(acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        return self.result.get_absolute_url()


class ContactEditView(ScopedObjectMixin, ActionFormView):
    model = SafeguardingContact
    scope_action = CHANGE
    select_related = ("organisation",)
    form_class = SafeguardingContactForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def perform(self, form):
        return actions.do_update_contact(self.object, acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ContactArchiveView(ScopedObjectMixin, View):
    model = SafeguardingContact
    scope_action = CHANGE

    def post(self, request, pk):
        actions.do_archive_contact(self.object, acting_user=request.user)
        return redirect("organisations:contacts")
