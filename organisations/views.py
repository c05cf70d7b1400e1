from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from core.banners import say_archived
from core.choices import ICB_ROLES
from core.scoping import CHANGE, can
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from organisations import actions, reports
from organisations.choices import SafeguardingRole
from organisations.filters import ContractFilter, OrganisationFilter
from organisations.forms import ContractForm, OrganisationForm, RoleHolderForm
from organisations.models import Contract, Organisation, RoleHolder


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
        return super().get_context_data(
            holders=holders,
            gaps=reports.gaps_for(organisation),
            contracts=contracts,
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
