"""Pages of the restricted registers. Lists show pseudonymous summaries (not logged); opening a
record, its edit form or an export logs who saw it (core.audit.log_access)."""

from auditlog.models import LogEntry
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from casework import actions, exports, reports
from casework.apps import CASEWORK_ROLES
from casework.filters import filter_for
from casework.forms import IncidentActionForm, InformationRequestForm, ReturnedForm, StageForm
from casework.models import Escalation, HealthNeedsConcern, InformationRequest, SeriousIncident
from casework.registers import BY_SLUG, REGISTERS, display_value, label, readable_by
from core.audit import entries_for_icb, history_for, log_access
from core.banners import say_archived
from core.choices import Role
from core.downloads import xlsx_response
from core.forms import FinancialQuarterForm
from core.models import TrackedAction, working_calendar
from core.scoping import CHANGE, VIEW
from core.views import ActionFormView, RoleRequiredMixin


def _remote_addr(request):
    return request.META.get("REMOTE_ADDR")


class RegisterMixin(LoginRequiredMixin):
    """Resolves the register from the URL; a role that does not read it gets 403."""

    need = VIEW

    def dispatch(self, request, *args, **kwargs):
        register = BY_SLUG.get(kwargs.get("register", getattr(self, "register_slug", "")))
        if register is None:
            raise Http404("No such register.")
        self.register = register
        if request.user.is_authenticated:
            roles = register.readers if self.need == VIEW else register.editors
            if request.user.role not in roles:
                raise PermissionDenied("Your role cannot open this register.")
        return super().dispatch(request, *args, **kwargs)

    def records(self, action=VIEW):
        register = self.register
        return (
            register.model.objects.restrict(self.request.user, action)
            .select_related(*register.select_related)
            .prefetch_related(*register.prefetch_related)
        )

    def get_record(self, action=VIEW):
        """404 when the user may not see the record; 403 when they see it but may not change it."""
        try:
            record = self.records(VIEW).get(pk=self.kwargs["pk"])
        except self.register.model.DoesNotExist as missing:
            raise Http404("Not found, or not yours to see.") from missing
        if action == CHANGE and not self.records(CHANGE).filter(pk=record.pk).exists():
            raise PermissionDenied("You can see this record but not change it.")
        return record

    def get_context_data(self, **kwargs):
        kwargs["register"] = self.register  # replaces the slug from the URL
        return super().get_context_data(**kwargs)


class IndexView(RoleRequiredMixin, TemplateView):
    allowed_roles = CASEWORK_ROLES
    template_name = "casework/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        rows = []
        for register in readable_by(user):
            open_records = register.model.objects.restrict(user).filter(archived_at__isnull=True)
            if hasattr(register.model, "closed_on"):
                open_records = open_records.filter(closed_on__isnull=True)
            rows.append((register, open_records.count()))
        followed = reports.rules_followed(user.organisation.icb) if user.organisation_id else []
        return super().get_context_data(rows=rows, followed=followed, **kwargs)


class RegisterListView(RegisterMixin, TemplateView):
    template_name = "casework/list.html"

    def get_context_data(self, **kwargs):
        register, params = self.register, self.request.GET
        queryset = self.records()
        if params.get("archived") != "true":
            queryset = queryset.filter(archived_at__isnull=True)
        records = filter_for(register.model)(params, queryset=queryset, request=self.request).qs
        columns = [label(register.model, name) for name in register.summary]
        rows = [(record, [display_value(record, name) for name in register.summary]) for record in records[:500]]
        return super().get_context_data(
            columns=columns,
            rows=rows,
            can_add=self.request.user.role in register.editors,
            has_status=hasattr(register.model, "closed_on"),
            params=params,
            **kwargs,
        )


class RecordDetailView(RegisterMixin, TemplateView):
    template_name = "casework/detail.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_record()
        log_access(request.user, self.object, how="view", remote_addr=_remote_addr(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        record, user = self.object, self.request.user
        now = timezone.localtime()
        calendar = working_calendar(user.organisation.icb_id)
        clocks = [(clock, clock.status(now)) for clock in reports.clocks_for(record, calendar)]
        can_edit = (
            user.role in self.register.editors
            and record.archived_at is None
            and self.records(CHANGE).filter(pk=record.pk).exists()
        )
        context = {
            "object": record,
            "fields": [(label(record, name), display_value(record, name)) for name in self.register.fields],
            "clocks": clocks,
            "can_edit": can_edit,
        }
        if isinstance(record, HealthNeedsConcern) and record.return_deadline:
            context["meeting_window"] = reports.meeting_window(record.return_deadline, calendar)
            context["can_request"] = can_edit and user.role in InformationRequest.access.change
        if isinstance(record, Escalation):
            context["procedure"] = reports.procedure_of(record)
            context["designated_flag"] = next(
                (c.label for c, _ in clocks if c.label.startswith("Inform the designated") and not c.done), ""
            )
        if isinstance(record, SeriousIncident):
            context["tracked_actions"] = TrackedAction.objects.restrict(user).for_source(record)
        return super().get_context_data(**context, **kwargs)


class RecordCreateView(RegisterMixin, ActionFormView):
    need = CHANGE

    @property
    def page_title(self):
        return f"Record {'an' if self.register.singular[0] in 'aeiou' else 'a'} {self.register.singular}"

    submit_label = "Save"

    def get_form_class(self):
        return self.register.form_class

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        user = self.request.user
        return {"organisation": user.organisation_id}

    def perform(self, form):
        return self.register.create(
            acting_user=self.request.user,
            acknowledge_warnings=form.cleaned_data.get("acknowledge_warnings", False),
            **form.action_fields(),
        )

    def get_success_url(self):
        if self.records().filter(pk=self.result.pk).exists():
            return reverse("casework:detail", args=[self.register.slug, self.result.pk])
        return reverse("casework:list", args=[self.register.slug])  # routed to the executive lead


class RecordEditView(RegisterMixin, ActionFormView):
    need = CHANGE
    submit_label = "Save changes"

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.object = self.get_record(CHANGE)
        log_access(request.user, self.object, how="view", remote_addr=_remote_addr(request))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_record(CHANGE)
        return super().post(request, *args, **kwargs)

    @property
    def page_title(self):
        return f"Change {self.object.reference}"

    def get_form_class(self):
        return self.register.form_class

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def perform(self, form):
        return self.register.update(
            self.object,
            acting_user=self.request.user,
            acknowledge_warnings=form.cleaned_data.get("acknowledge_warnings", False),
            **form.action_fields(changed_only=True),
        )

    def get_success_url(self):
        if self.records().filter(pk=self.object.pk).exists():
            return reverse("casework:detail", args=[self.register.slug, self.object.pk])
        return reverse("casework:list", args=[self.register.slug])


class RecordArchiveView(RegisterMixin, View):
    need = CHANGE

    def post(self, request, register, pk):
        record = self.get_record(CHANGE)
        self.register.archive(record, acting_user=request.user)
        say_archived(request, record)
        return redirect("casework:list", register)


class ExportView(RegisterMixin, View):
    """The register as XLSX, for its readers only; each exported record is logged."""

    def get(self, request, register):
        records = self.records().filter(archived_at__isnull=True)
        content = exports.register_workbook(self.register, records, request.user)
        return xlsx_response(content, f"{self.register.slug}-{timezone.localdate().isoformat()}.xlsx")


class ChildFormView(RegisterMixin, ActionFormView):
    """A form on one record of a register (add a stage, request information...)."""

    need = CHANGE

    def setup_object(self):
        self.object = self.get_record(CHANGE)

    def get(self, request, *args, **kwargs):
        self.setup_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_object()
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("casework:detail", args=[self.register.slug, self.object.pk])


class StageAddView(ChildFormView):
    register_slug = "escalations"
    form_class = StageForm
    submit_label = "Record stage"

    @property
    def page_title(self):
        return f"Record a stage reached: {self.object.reference}"

    def get_initial(self):
        reached = set(self.object.stages.values_list("stage", flat=True))
        stage = min(set(range(max(reached, default=0) + 1, 6)), default=5)
        defined = reports.procedure_of(self.object).stage(stage)
        who = {"raised_by": defined.raised_by, "raised_with": defined.raised_with} if defined else {}
        return {"stage": stage, **who}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "procedure": reports.procedure_of(self.object)}

    def perform(self, form):
        return actions.do_record_stage(self.object, acting_user=self.request.user, **form.action_fields())


class InformationRequestAddView(ChildFormView):
    register_slug = "complex-health-needs"
    form_class = InformationRequestForm
    submit_label = "Record request"

    def setup_object(self):
        super().setup_object()
        if self.request.user.role not in InformationRequest.access.change:
            raise PermissionDenied("Only the ICB safeguarding team requests information from health agencies.")

    @property
    def page_title(self):
        return f"Request information from a health agency: {self.object.reference}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"requested_on": timezone.localdate(), "return_by": self.object.return_deadline}

    def perform(self, form):
        return actions.do_request_information(self.object, acting_user=self.request.user, **form.cleaned_data)


class InformationReturnedView(ChildFormView):
    register_slug = "complex-health-needs"
    form_class = ReturnedForm
    submit_label = "Record as returned"

    def setup_object(self):
        requests = InformationRequest.objects.restrict(self.request.user, VIEW).select_related("concern")
        self.information_request = requests.filter(pk=self.kwargs["pk"]).first()
        if self.information_request is None:
            raise Http404("Not found, or not yours to see.")
        if self.request.user.role not in InformationRequest.access.change:
            raise PermissionDenied("Only the ICB safeguarding team records returns.")
        self.kwargs["pk"] = self.information_request.concern_id
        super().setup_object()

    @property
    def page_title(self):
        return f"Information returned: {self.object.reference}"

    def get_initial(self):
        return {"returned_on": timezone.localdate()}

    def perform(self, form):
        return actions.do_record_information_returned(
            self.information_request, acting_user=self.request.user, **form.cleaned_data
        )


class IncidentActionAddView(ChildFormView):
    register_slug = "serious-incidents"
    form_class = IncidentActionForm
    submit_label = "Add action"

    @property
    def page_title(self):
        return f"Add an action: {self.object.reference}"

    def perform(self, form):
        return actions.do_add_incident_action(self.object, acting_user=self.request.user, **form.cleaned_data)


class EscalationReportView(RegisterMixin, TemplateView):
    """Quarterly counts by highest stage reached, theme and local authority."""

    register_slug = "escalations"
    template_name = "casework/escalation_report.html"

    def quarter(self):
        from casework.rules import quarter_of

        default_year, default_quarter = quarter_of(timezone.localdate())
        form = FinancialQuarterForm(self.request.GET or {"year": default_year, "quarter": default_quarter})
        if form.is_valid():
            return form.cleaned_data["year"], form.cleaned_data["quarter"]
        return default_year, default_quarter

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            counts = reports.escalation_counts(self.records(), *self.quarter())
            return xlsx_response(exports.escalation_counts_workbook(counts), f"escalations-{counts.start:%Y-%m}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        year, quarter = self.quarter()
        counts = reports.escalation_counts(self.records(), year, quarter)
        return super().get_context_data(counts=counts, year=year, quarter=quarter, **kwargs)


class DueView(RoleRequiredMixin, TemplateView):
    """What needs doing: every due or overdue clock in the registers the user may read."""

    allowed_roles = CASEWORK_ROLES
    template_name = "casework/due.html"

    def get_context_data(self, **kwargs):
        from casework.registers import BY_MODEL

        items = [(item, BY_MODEL[type(item.record)]) for item in reports.due_items(self.request.user)]
        return super().get_context_data(items=items, **kwargs)


class AccessIndexView(RoleRequiredMixin, TemplateView):
    """For the auditor: every restricted record (reference only) with how often it was opened or exported."""

    allowed_roles = frozenset({Role.AUDITOR})
    template_name = "casework/access_index.html"

    def get_context_data(self, **kwargs):
        icb_id = self.request.user.organisation.icb_id
        entries = (
            entries_for_icb(icb_id)
            .filter(action=LogEntry.Action.ACCESS)
            .values("content_type__model", "object_pk")
            .annotate(count=Count("id"))
        )
        counts = {(e["content_type__model"], str(e["object_pk"])): e["count"] for e in entries}
        sections = []
        for register in REGISTERS:
            model = register.model
            records = model.objects.filter(**{model.access.org_lookup("icb_id"): icb_id}).only(
                "pk", "reference", "created_at"
            )
            rows = [(r, counts.get((model._meta.model_name, str(r.pk)), 0)) for r in records]
            sections.append((register, rows))
        return super().get_context_data(sections=sections, **kwargs)


class AccessLogView(RoleRequiredMixin, TemplateView):
    """For the auditor: who opened, exported or changed one record, and when (never its content)."""

    allowed_roles = frozenset({Role.AUDITOR})
    template_name = "casework/access_log.html"

    def get_context_data(self, **kwargs):
        register = BY_SLUG.get(self.kwargs["register"])
        if register is None:
            raise Http404("No such register.")
        model = register.model
        icb_id = self.request.user.organisation.icb_id
        record = model.objects.filter(**{model.access.org_lookup("icb_id"): icb_id}, pk=self.kwargs["pk"]).first()
        if record is None:
            raise Http404("Not found, or not yours to see.")
        entries = history_for(record).select_related("content_type")
        views = [e for e in entries if e.action == LogEntry.Action.ACCESS]
        kwargs["register"] = register
        return super().get_context_data(record=record, entries=entries, views=views, **kwargs)
