import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.audit import log_access
from core.choices import ALL_ROLES, Role
from core.downloads import xlsx_response
from core.quarters import Quarter
from core.scoping import CHANGE, VIEW, can
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from organisations.models import Organisation
from workforce import actions, exports, reports, rules
from workforce.choices import Topic
from workforce.filters import StaffFilter
from workforce.forms import (
    AgreementForm,
    CapacityForm,
    ColumnMappingForm,
    CompetenceMappingForm,
    DbsCheckForm,
    ExtractUploadForm,
    PolicyForm,
    PopulationForm,
    RaiseActionForm,
    SessionContentForm,
    SessionForm,
    StaffMemberForm,
    TnaChangeForm,
)
from workforce.models import (
    AGGREGATE_READERS,
    CAPACITY_EDITORS,
    STAFF_MANAGERS,
    STAFF_READERS,
    ColumnMapping,
    CompetenceMapping,
    DbsCheck,
    ExtractUpload,
    FrameworkVersion,
    StaffMember,
    SupervisionSession,
    TnaRequirement,
    WorkforcePolicy,
)

PROVIDER_TRAINING_READERS = ALL_ROLES - {Role.AUDITOR}


def as_of_from(request):
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


class WorkforcePage(RoleRequiredMixin):
    """A page of the ICB's own workforce: the user's ICB, with its shipped defaults in place."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role in self.allowed_roles:
            self.icb = Organisation.objects.get(pk=request.user.organisation.icb_id)
            actions.ensure_icb_defaults(self.icb)
        return super().dispatch(request, *args, **kwargs)

    def staff(self, action="view"):
        return StaffMember.objects.restrict(self.request.user, action).filter(archived_at__isnull=True)


class WorkforceFormPage(WorkforcePage, ActionFormView):
    allowed_roles = STAFF_MANAGERS
    success_name = "workforce:compliance"

    def get_success_url(self):
        return reverse(self.success_name)


# ---------------------------------------------------------------------------------------------- compliance


class ComplianceView(WorkforcePage, TemplateView):
    allowed_roles = AGGREGATE_READERS
    template_name = "workforce/compliance.html"

    def get_context_data(self, **kwargs):
        user, as_of = self.request.user, as_of_from(self.request)
        result = reports.compliance_for(self.icb.pk, as_of)
        return super().get_context_data(
            result=result,
            headings=[reports.level_label(*column) for column in result.columns],
            choices=reports.policy_choices(result.policy),
            as_of=as_of,
            show_people=user.role in STAFF_READERS,
            can_manage=user.role in STAFF_MANAGERS,
            uploads=ExtractUpload.objects.restrict(user)[:5],
            **kwargs,
        )


class ComplianceExportView(WorkforcePage, View):
    allowed_roles = AGGREGATE_READERS

    def get(self, request):
        as_of = as_of_from(request)
        result = reports.compliance_for(self.icb.pk, as_of)
        people = request.user.role in STAFF_READERS
        return xlsx_response(exports.compliance_workbook(result, people=people), f"icb-staff-training-{as_of}.xlsx")


class RaiseComplianceActionView(WorkforceFormPage):
    """An action from one cell of the compliance table (usually a red one) to the tracker."""

    form_class = RaiseActionForm

    def cell(self):
        try:
            topic, level, group = (
                Topic(self.request.GET["topic"]),
                int(self.request.GET["level"]),
                self.request.GET["group"],
            )
        except (KeyError, ValueError) as error:
            raise Http404("Choose a cell of the compliance table.") from error
        result = reports.compliance_for(self.icb.pk, as_of_from(self.request))
        return result.cells.get((topic, level, group)) or rules.Cell(topic, level, group)

    @property
    def page_title(self):
        cell = self.cell()
        return f"Raise an action: {reports.level_label(cell.topic, cell.level)}, {cell.staff_group}"

    def get_initial(self):
        cell = self.cell()
        return {
            "title": f"Bring {reports.level_label(cell.topic, cell.level).lower()} for {cell.staff_group} to target "
            f"({cell.numerator}/{cell.denominator} up to date)"
        }

    def perform(self, form):
        cell = self.cell()
        policy = WorkforcePolicy.objects.get(icb=self.icb)
        label = (
            f"ICB staff training: {reports.level_label(cell.topic, cell.level)}, {cell.staff_group} "
            f"({cell.rating}, {cell.numerator}/{cell.denominator})"
        )
        return actions.do_raise_action(
            source=policy, icb=self.icb, acting_user=self.request.user, source_label=label, **form.cleaned_data
        )

    def get_success_url(self):
        messages.success(self.request, "Action raised in the tracker.")
        return reverse("action-detail", args=[self.result.pk])


class PolicyView(WorkforceFormPage):
    form_class = PolicyForm
    template_name = "workforce/policy.html"
    page_title = "Workforce settings: the ICB's choices"
    submit_label = "Save choices"

    def get_initial(self):
        policy = WorkforcePolicy.objects.get(icb=self.icb)
        return {
            "l1_refresher_months": policy.l1_refresher_months,
            "target_choice": policy.target_choice,
            "excluded_statuses": policy.excluded_statuses,
            "check_hours": policy.check_hours,
        }

    def perform(self, form):
        policy = WorkforcePolicy.objects.restrict(self.request.user, CHANGE).get(icb=self.icb)
        return actions.do_save_policy(policy, acting_user=self.request.user, **form.cleaned_data)


class TnaView(WorkforceFormPage):
    form_class = TnaChangeForm
    template_name = "workforce/tna.html"
    page_title = "Training needs analysis"
    submit_label = "Save change"
    success_name = "workforce:tna"

    def get_context_data(self, **kwargs):
        rows = TnaRequirement.objects.restrict(self.request.user)
        versions = FrameworkVersion.objects.prefetch_related("levels")
        return super().get_context_data(rows=rows, versions=versions, today=timezone.localdate(), **kwargs)

    def perform(self, form):
        return actions.do_change_tna(self.icb, acting_user=self.request.user, **form.cleaned_data)


# ----------------------------------------------------------------------------------------------- extract


class ExtractUploadView(WorkforceFormPage):
    form_class = ExtractUploadForm
    template_name = "workforce/extract.html"
    page_title = "Upload an ESR-shaped training extract"
    submit_label = "Upload extract"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            uploads=ExtractUpload.objects.restrict(self.request.user).select_related("uploaded_by")[:20],
            mapping_rows=[
                (label, required, ColumnMapping.objects.get(icb=self.icb).headers.get(name, ""))
                for name, (label, required) in rules.FIELDS.items()
            ],
            **kwargs,
        )

    def perform(self, form):
        upload = form.cleaned_data["file"]
        return actions.do_import_extract(
            icb=self.icb,
            upload=upload,
            name=upload.name,
            acting_user=self.request.user,
            full_extract=form.cleaned_data["full_extract"],
        )

    def get_success_url(self):
        messages.success(
            self.request,
            f"{self.result.file_name}: {self.result.rows} rows, {self.result.people} people, "
            f"{self.result.new_records} new completions (completions already held are not counted twice), "
            f"{self.result.changed_records} corrected, {self.result.leavers} leavers"
            + (f", {self.result.ended} ended as not in the full extract." if self.result.full_extract else "."),
        )
        return reverse("workforce:compliance")


class ColumnMappingView(WorkforceFormPage):
    form_class = ColumnMappingForm
    page_title = "Extract columns: the heading of each field in your file"
    submit_label = "Save headings"
    success_name = "workforce:extract"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "headers": ColumnMapping.objects.get(icb=self.icb).headers}

    def perform(self, form):
        mapping = ColumnMapping.objects.restrict(self.request.user, CHANGE).get(icb=self.icb)
        return actions.do_save_column_mapping(mapping, acting_user=self.request.user, **form.action_fields())


class CompetenceMappingView(WorkforceFormPage):
    form_class = CompetenceMappingForm
    template_name = "workforce/competences.html"
    page_title = "Competence names: which topic and level each counts as"
    submit_label = "Add competence name"
    success_name = "workforce:competences"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=CompetenceMapping.objects.restrict(self.request.user), **kwargs)

    def perform(self, form):
        return actions.do_add_competence_mapping(icb=self.icb, acting_user=self.request.user, **form.cleaned_data)


# ------------------------------------------------------------------------------------------------- staff


class StaffListView(WorkforcePage, TemplateView):
    allowed_roles = STAFF_READERS
    template_name = "workforce/staff_list.html"

    def get_context_data(self, **kwargs):
        filterset = StaffFilter(self.request.GET or None, queryset=self.staff(), request=self.request)
        return super().get_context_data(
            staff=filterset.qs, filter=filterset, can_manage=self.request.user.role in STAFF_MANAGERS, **kwargs
        )


class StaffExportView(WorkforcePage, View):
    allowed_roles = STAFF_READERS

    def get(self, request):
        return xlsx_response(exports.staff_workbook(self.staff(), timezone.localdate()), "icb-staff.xlsx")


class StaffDetailView(RoleRequiredMixin, ScopedObjectMixin, TemplateView):
    allowed_roles = STAFF_READERS
    model = StaffMember
    template_name = "workforce/staff_detail.html"

    def get_context_data(self, **kwargs):
        member, user = self.object, self.request.user
        today = timezone.localdate()
        return super().get_context_data(
            training=member.training.all(),
            hours=reports.hours_for(member, today),
            dbs=reports.dbs_rows(StaffMember.objects.filter(pk=member.pk), timezone.localdate())[0],
            sessions=SupervisionSession.objects.restrict(user).filter(supervisee=member),
            can_manage=can(user, StaffMember, CHANGE, member.icb),
            **kwargs,
        )


class StaffCreateView(WorkforceFormPage):
    form_class = StaffMemberForm
    page_title = "Add a member of ICB staff"
    submit_label = "Add"
    success_name = "workforce:staff"

    def perform(self, form):
        return actions.do_create_staff_member(icb=self.icb, acting_user=self.request.user, **form.cleaned_data)


# --------------------------------------------------------------------------------------------------- DBS


class DbsListView(WorkforcePage, TemplateView):
    allowed_roles = STAFF_READERS
    template_name = "workforce/dbs_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            rows=reports.dbs_rows(self.staff(), today),
            today=today,
            can_manage=self.request.user.role in STAFF_MANAGERS,
            **kwargs,
        )


class DbsExportView(WorkforcePage, View):
    allowed_roles = STAFF_READERS

    def get(self, request):
        rows = reports.dbs_rows(self.staff(), timezone.localdate())
        return xlsx_response(exports.dbs_workbook(rows), "icb-staff-dbs.xlsx")


class DbsCreateView(WorkforceFormPage):
    form_class = DbsCheckForm
    page_title = "Record a DBS check and safer-recruitment evidence"
    submit_label = "Save"
    success_name = "workforce:dbs"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "staff": self.staff(CHANGE)}

    def perform(self, form):
        return actions.do_record_dbs_check(acting_user=self.request.user, **form.cleaned_data)


class DbsEditView(WorkforcePage, ScopedObjectMixin, ActionFormView):
    allowed_roles = STAFF_MANAGERS
    model = DbsCheck
    scope_action = CHANGE
    form_class = DbsCheckForm
    submit_label = "Save changes"
    success_name = "workforce:dbs"

    @property
    def page_title(self):
        return f"Change the DBS check of {self.object.staff.staff_key} (certificate {self.object.masked_certificate})"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "staff": self.staff(CHANGE)}

    def perform(self, form):
        return actions.do_update_dbs_check(self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("workforce:dbs")


# ------------------------------------------------------------------------------------------- supervision


class SupervisionView(WorkforcePage, TemplateView):
    allowed_roles = STAFF_READERS
    template_name = "workforce/supervision.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = reports.supervision_rows(self.icb.pk, today)
        return super().get_context_data(
            rows=rows,
            compliance=reports.supervision_compliance(rows),
            rules=reports.supervision_rules().values(),
            sessions=SupervisionSession.objects.restrict(self.request.user).select_related("supervisee", "supervisor")[
                :30
            ],
            can_record=self.request.user.role in SupervisionSession.access.change,
            can_manage=self.request.user.role in STAFF_MANAGERS,
            **kwargs,
        )


class SupervisionExportView(WorkforcePage, View):
    allowed_roles = STAFF_READERS

    def get(self, request):
        rows = reports.supervision_rows(self.icb.pk, timezone.localdate())
        return xlsx_response(exports.supervision_workbook(rows), "icb-supervision.xlsx")


class AgreementCreateView(WorkforceFormPage):
    form_class = AgreementForm
    page_title = "Record a written supervision agreement"
    success_name = "workforce:supervision"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "staff": self.staff(CHANGE)}

    def perform(self, form):
        return actions.do_record_agreement(acting_user=self.request.user, **form.cleaned_data)


class SessionCreateView(WorkforceFormPage):
    allowed_roles = SupervisionSession.access.change
    form_class = SessionForm
    page_title = "Record a supervision session"
    success_name = "workforce:supervision"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "staff": self.staff()}

    def perform(self, form):
        return actions.do_record_session(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("workforce:session", args=[self.result.pk])


class SessionDetailView(ScopedObjectMixin, TemplateView):
    """A session's record. Its content is shown only to the supervisee, the supervisor and the designated
    professionals, and each showing is logged; others see the date and the parties."""

    model = SupervisionSession
    select_related = ("supervisee", "supervisor")
    template_name = "workforce/session_detail.html"

    def get_context_data(self, **kwargs):
        """Every view is logged, like casework's, saying whether the content was shown."""
        user, session = self.request.user, self.object
        content = session.may_read_content(user)
        log_access(user, session, how="view" if content else "view, no content")
        return super().get_context_data(
            content=content,
            can_edit=content,
            can_raise=content and user.role in STAFF_MANAGERS | {Role.DESIGNATED},
            **kwargs,
        )


class SessionEditView(ScopedObjectMixin, ActionFormView):
    """The supervisee, the supervisor or a designated professional changes a session's record."""

    model = SupervisionSession
    scope_action = CHANGE
    select_related = ("supervisee", "supervisor")
    form_class = SessionContentForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change the supervision of {self.object.supervisee.staff_key} on {rules.fmt(self.object.held_on)}"

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "instance": self.object,
            "party": self.object.party(user),
            "designated": user.role == Role.DESIGNATED,
        }

    def perform(self, form):
        return actions.do_update_session(self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("workforce:session", args=[self.object.pk])


class MySessionsView(RoleRequiredMixin, TemplateView):
    """The sessions the signed-in person took part in, as supervisee or supervisor, whatever their role."""

    allowed_roles = SupervisionSession.party_roles
    template_name = "workforce/my_sessions.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        sessions = (
            SupervisionSession.objects.restrict(user)
            .filter(Q(supervisee__user=user) | Q(supervisor__user=user), archived_at__isnull=True)
            .select_related("supervisee", "supervisor")
        )
        return super().get_context_data(page_title="My supervision sessions", sessions=sessions, **kwargs)


class SessionActionView(WorkforcePage, ScopedObjectMixin, ActionFormView):
    model = SupervisionSession
    scope_action = VIEW
    allowed_roles = frozenset({Role.DESIGNATED})
    form_class = RaiseActionForm

    @property
    def page_title(self):
        session = self.object
        return f"Raise an action from the supervision of {session.supervisee.staff_key} on {rules.fmt(session.held_on)}"

    def perform(self, form):
        return actions.do_raise_action(
            source=self.object,
            icb=self.icb,
            acting_user=self.request.user,
            source_label=str(self.object),
            **form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("action-detail", args=[self.result.pk])


# ----------------------------------------------------------------------------------------------- capacity


class CapacityView(WorkforcePage, TemplateView):
    allowed_roles = AGGREGATE_READERS
    template_name = "workforce/capacity.html"

    def get_context_data(self, **kwargs):
        rows, population = reports.capacity_rows(self.icb.pk)
        conv = reports.conversions()
        total = sum((r.hours for r in rows), 0)
        return super().get_context_data(
            rows=rows,
            population=population,
            conversions=conv,
            per_10000=reports.per_10000_children(total, population),
            total=total,
            can_edit=self.request.user.role in CAPACITY_EDITORS,
            **kwargs,
        )


class CapacityExportView(WorkforcePage, View):
    allowed_roles = AGGREGATE_READERS

    def get(self, request):
        rows, population = reports.capacity_rows(self.icb.pk)
        return xlsx_response(exports.capacity_workbook(rows, population), "designated-capacity.xlsx")


class CapacityCreateView(WorkforceFormPage):
    allowed_roles = CAPACITY_EDITORS
    form_class = CapacityForm
    page_title = "Record capacity in post for a designated role"
    success_name = "workforce:capacity"

    def perform(self, form):
        return actions.do_record_capacity(icb=self.icb, acting_user=self.request.user, **form.cleaned_data)


class PopulationCreateView(WorkforceFormPage):
    allowed_roles = CAPACITY_EDITORS
    form_class = PopulationForm
    page_title = "Enter population figures"
    success_name = "workforce:capacity"

    def perform(self, form):
        return actions.do_record_population(icb=self.icb, acting_user=self.request.user, **form.cleaned_data)


# -------------------------------------------------------------------------------------- provider training


class ProviderTrainingView(RoleRequiredMixin, TemplateView):
    """Each provider's training figures from its quarterly returns, over time: read from the returns, never
    entered twice. A provider user sees its own organisation only (the returns' own scoping)."""

    allowed_roles = PROVIDER_TRAINING_READERS
    template_name = "workforce/providers.html"

    def get_context_data(self, **kwargs):
        try:
            quarter = Quarter.parse(self.request.GET["quarter"])
        except (KeyError, ValueError):
            quarter = reports.default_quarter()
        quarters, metrics, rows = reports.provider_training(self.request.user, quarter)
        return super().get_context_data(quarter=quarter, quarters=quarters, metrics=metrics, rows=rows, **kwargs)
