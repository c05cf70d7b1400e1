from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.audit import log_access
from core.banners import say_archived
from core.downloads import file_attachment, xlsx_response
from core.models import TrackedAction
from core.scoping import CHANGE, VIEW, can
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from governance import actions, reports, rules, spreadsheets
from governance.filters import AnnualReportFilter, MonitoringCheckFilter, PolicyFilter, RiskFilter
from governance.forms import (
    CheckDoneForm,
    CommitteeForm,
    DecisionForm,
    EscalationForm,
    ExpectReportsForm,
    MeetingForm,
    MonitoringCheckForm,
    PaperForm,
    PolicyDocumentForm,
    PolicyForm,
    ReceiveReportForm,
    RescoreForm,
    ReviewReportForm,
    RiskForm,
    TrackedActionForm,
)
from governance.models import (
    ANNUAL_REPORT_READERS,
    COMMITTEE_READERS,
    POLICY_READERS,
    RISK_READERS,
    AnnualReport,
    Committee,
    Decision,
    Meeting,
    MonitoringCheck,
    MonitoringCheckRecord,
    Policy,
    PolicyDocument,
    Risk,
)
from reporting.models import READERS as REPORT_READERS  # the reports to committees sit with governance

GOVERNANCE_READERS = COMMITTEE_READERS | POLICY_READERS | RISK_READERS | ANNUAL_REPORT_READERS


class IndexView(RoleRequiredMixin, TemplateView):
    """Governance at a glance: what needs attention and a link to each register the user may read."""

    allowed_roles = GOVERNANCE_READERS
    template_name = "governance/index.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        role = user.role
        attention = reports.attention(
            (Policy.objects.restrict(user), Risk.objects.restrict(user), AnnualReport.objects.restrict(user)),
            today,
            checks=MonitoringCheck.objects.restrict(user) if role in COMMITTEE_READERS else None,
        )
        return super().get_context_data(
            attention=attention,
            sees_committees=role in COMMITTEE_READERS,
            sees_policies=role in POLICY_READERS,
            sees_risks=role in RISK_READERS,
            sees_reports=role in ANNUAL_REPORT_READERS,
            sees_board_reports=role in REPORT_READERS,
            **kwargs,
        )


def _actions_for(source, user):
    return TrackedAction.objects.restrict(user).for_source(source).select_related("organisation")


def _actions_for_all(sources, model, user):
    """The tracked actions of several records of one model, in one query."""
    return TrackedAction.objects.restrict(user).filter(
        source_type=ContentType.objects.get_for_model(model), source_id__in=[s.pk for s in sources]
    )


class CreateView(RoleRequiredMixin, ActionFormView):
    """A page that adds a record through one action (403 for roles that may not change `model`)."""

    model = None

    @property
    def allowed_roles(self):
        return self.model.access.change

    def get_success_url(self):
        return self.result.get_absolute_url()


class ChildFormView(ScopedObjectMixin, ActionFormView):
    """A form page on a record that changes it: 404 when out of scope, 403 when it may only be viewed."""

    scope_action = CHANGE

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- Committees -----------------------------------------------------------------------------


class CommitteeListView(RoleRequiredMixin, TemplateView):
    allowed_roles = COMMITTEE_READERS
    template_name = "governance/committee_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        committees = Committee.objects.restrict(user).filter(archived_at__isnull=True)
        meetings = Meeting.objects.restrict(user).filter(archived_at__isnull=True).select_related("committee")[:20]
        return super().get_context_data(
            committees=committees, meetings=meetings, can_add=can(user, Committee, CHANGE), **kwargs
        )


class CommitteeCreateView(CreateView):
    model = Committee
    form_class = CommitteeForm
    page_title = "Add a committee"
    submit_label = "Add committee"

    def perform(self, form):
        return actions.do_create_committee(acting_user=self.request.user, **form.cleaned_data)


class CommitteeDetailView(ScopedObjectMixin, TemplateView):
    model = Committee
    template_name = "governance/committee_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            meetings=Meeting.objects.restrict(user).filter(committee=self.object, archived_at__isnull=True),
            can_edit=can(user, Committee, CHANGE) and not self.object.archived_at,
            **kwargs,
        )


class CommitteeEditView(ChildFormView):
    model = Committee
    form_class = CommitteeForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object.name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return actions.do_update_committee(self.object, acting_user=self.request.user, **form.changed_fields())


class MeetingCreateView(ChildFormView):
    model = Committee
    form_class = MeetingForm
    submit_label = "Record meeting"

    @property
    def page_title(self):
        return f"Record a meeting of the {self.object.name}"

    def perform(self, form):
        return actions.do_record_meeting(self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()


class MeetingDetailView(ScopedObjectMixin, TemplateView):
    model = Meeting
    select_related = ("committee",)
    template_name = "governance/meeting_detail.html"

    def get_context_data(self, **kwargs):
        user, meeting = self.request.user, self.object
        decisions = list(meeting.decisions.filter(archived_at__isnull=True).select_related("paper"))
        tracked = {}
        for action in _actions_for_all(decisions, Decision, user):
            tracked.setdefault(action.source_id, []).append(action)
        action_rows = [(d, tracked.get(d.pk, [])) for d in decisions]
        return super().get_context_data(
            papers=meeting.papers.filter(archived_at__isnull=True),
            decisions=action_rows,
            can_edit=can(user, Meeting, CHANGE) and not meeting.archived_at,
            can_decide=can(user, Decision, CHANGE) and not meeting.archived_at,
            can_raise=can(user, TrackedAction, CHANGE) and can(user, Meeting, CHANGE),
            **kwargs,
        )


class PaperCreateView(ChildFormView):
    model = Meeting
    select_related = ("committee",)
    form_class = PaperForm
    submit_label = "Add paper"

    @property
    def page_title(self):
        return f"Add a paper to {self.object}"

    def perform(self, form):
        return actions.do_add_paper(self.object, acting_user=self.request.user, **form.cleaned_data)


class DecisionCreateView(ChildFormView):
    """Designated professionals, administrators and the executive lead record decisions."""

    model = Meeting
    select_related = ("committee",)
    form_class = DecisionForm
    submit_label = "Record decision"

    scope_action = VIEW

    def get_object(self):
        meeting = super().get_object()
        if self.request.user.role not in Decision.access.change:
            raise PermissionDenied("Your role cannot record decisions.")
        return meeting

    @property
    def page_title(self):
        return f"Record a decision of {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.object}

    def perform(self, form):
        return actions.do_record_decision(self.object, acting_user=self.request.user, **form.cleaned_data)


class RaiseActionView(ChildFormView):
    """A SMART action in the tracker from a decision or a risk (`model`)."""

    form_class = TrackedActionForm
    submit_label = "Add action"

    @property
    def page_title(self):
        return f"Add an action: {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.do_raise_action(self.object, acting_user=self.request.user, **form.cleaned_data)


class DecisionActionView(RaiseActionView):
    model = Decision
    select_related = ("meeting__committee",)
    scope_action = CHANGE

    def get_object(self):
        obj = super().get_object()
        if self.request.user.role not in Meeting.access.change:
            raise PermissionDenied("Only the safeguarding team raises actions.")
        return obj


# --- Policies -------------------------------------------------------------------------------


class PolicyListView(RoleRequiredMixin, TemplateView):
    allowed_roles = POLICY_READERS
    template_name = "governance/policy_list.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        queryset = Policy.objects.restrict(user).select_related("organisation", "approving_committee")
        filterset = PolicyFilter(self.request.GET or None, queryset=queryset, request=self.request)
        policies = filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True)
        return super().get_context_data(
            filter=filterset,
            rows=[(p, p.review_state_on(today)) for p in policies],
            labels=rules.REVIEW_LABELS,
            tags=rules.REVIEW_TAGS,
            can_add=can(user, Policy, CHANGE),
            **kwargs,
        )


class PolicyExportView(RoleRequiredMixin, View):
    allowed_roles = POLICY_READERS

    def get(self, request):
        policies = list(
            Policy.objects.restrict(request.user)
            .filter(archived_at__isnull=True)
            .select_related("organisation", "approving_committee")
        )
        for policy in policies:
            log_access(request.user, policy, how="export")
        return xlsx_response(spreadsheets.policy_register(policies, timezone.localdate()), "policy-register.xlsx")


class PolicyCreateView(CreateView):
    model = Policy
    form_class = PolicyForm
    page_title = "Add a policy"
    submit_label = "Add policy"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.do_add_policy(acting_user=self.request.user, **form.action_fields())


class PolicyDetailView(ScopedObjectMixin, TemplateView):
    model = Policy
    select_related = ("organisation", "approving_committee")
    template_name = "governance/policy_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            documents=PolicyDocument.objects.restrict(user).filter(policy=self.object, archived_at__isnull=True),
            can_edit=can(user, Policy, CHANGE) and not self.object.archived_at,
            **kwargs,
        )


class PolicyEditView(ChildFormView):
    model = Policy
    form_class = PolicyForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def perform(self, form):
        return actions.do_update_policy(self.object, acting_user=self.request.user, **form.action_fields())


class PolicyDocumentCreateView(ChildFormView):
    model = Policy
    form_class = PolicyDocumentForm
    submit_label = "Upload"

    @property
    def page_title(self):
        return f"Upload a version of {self.object.title}"

    def perform(self, form):
        return actions.do_add_policy_document(self.object, acting_user=self.request.user, **form.cleaned_data)


class PolicyDocumentDownloadView(ScopedObjectMixin, View):
    """A policy document, served only to those who may see its policy."""

    model = PolicyDocument
    select_related = ("policy",)

    def get(self, request, pk):
        log_access(request.user, self.object, how="export")
        return file_attachment(self.object.file)


# --- Risks ----------------------------------------------------------------------------------


class RiskListView(RoleRequiredMixin, TemplateView):
    allowed_roles = RISK_READERS
    template_name = "governance/risk_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = Risk.objects.restrict(user)
        filterset = RiskFilter(self.request.GET or None, queryset=queryset, request=self.request)
        summary = reports.risk_summary(filterset.qs, timezone.localdate())
        return super().get_context_data(
            filter=filterset,
            summary=summary,
            likelihood_labels=rules.LIKELIHOOD_LABELS,
            consequence_labels=rules.CONSEQUENCE_LABELS,
            can_add=can(user, Risk, CHANGE),
            **kwargs,
        )


class RiskExportView(RoleRequiredMixin, View):
    allowed_roles = RISK_READERS

    def get(self, request):
        rows = reports.risk_rows(Risk.objects.restrict(request.user), timezone.localdate())
        for row in rows:
            log_access(request.user, row.risk, how="export")
        return xlsx_response(spreadsheets.risk_register(rows), "risk-register.xlsx")


class RiskCreateView(CreateView):
    model = Risk
    form_class = RiskForm
    page_title = "Add a risk"
    submit_label = "Add risk"

    def perform(self, form):
        return actions.do_add_risk(acting_user=self.request.user, **form.action_fields())


class RiskDetailView(ScopedObjectMixin, TemplateView):
    model = Risk
    template_name = "governance/risk_detail.html"

    def get_context_data(self, **kwargs):
        user, risk = self.request.user, self.object
        (row,) = reports.risk_rows(Risk.objects.filter(pk=risk.pk), timezone.localdate()) or (None,)
        can_edit = can(user, Risk, CHANGE) and not risk.archived_at
        return super().get_context_data(
            row=row,
            bands=reports.risk_bands(),
            scores=risk.scores.select_related("recorded_by"),
            escalations=risk.escalations.select_related("committee", "escalated_by"),
            tracked_actions=_actions_for(risk, user),
            can_edit=can_edit,
            threshold=reports.escalation_threshold(),
            **kwargs,
        )


class RiskEditView(ChildFormView):
    model = Risk
    form_class = RiskForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return actions.do_update_risk(self.object, acting_user=self.request.user, **form.action_fields())


class RiskRescoreView(ChildFormView):
    model = Risk
    form_class = RescoreForm
    submit_label = "Record score"

    @property
    def page_title(self):
        return f"Re-score {self.object}"

    def get_initial(self):
        return {"likelihood": self.object.current_likelihood, "consequence": self.object.current_consequence}

    def perform(self, form):
        return actions.do_rescore_risk(self.object, acting_user=self.request.user, **form.cleaned_data)


class RiskEscalateView(ChildFormView):
    model = Risk
    form_class = EscalationForm
    submit_label = "Record escalation"

    @property
    def page_title(self):
        return f"Escalate {self.object} to a committee"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.do_escalate_risk(self.object, acting_user=self.request.user, **form.cleaned_data)


class RiskActionView(RaiseActionView):
    model = Risk


# --- Provider annual reports ----------------------------------------------------------------


class AnnualReportListView(RoleRequiredMixin, TemplateView):
    allowed_roles = ANNUAL_REPORT_READERS
    template_name = "governance/annual_report_list.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        queryset = AnnualReport.objects.restrict(user)
        filterset = AnnualReportFilter(self.request.GET or None, queryset=queryset, request=self.request)
        summary = reports.annual_report_summary(filterset.qs, today)
        return super().get_context_data(
            filter=filterset,
            summary=summary,
            labels=rules.REPORT_LABELS,
            tags=rules.REPORT_TAGS,
            can_edit=can(user, AnnualReport, CHANGE),
            **kwargs,
        )


class AnnualReportExpectView(RoleRequiredMixin, ActionFormView):
    allowed_roles = AnnualReport.access.change
    form_class = ExpectReportsForm
    page_title = "Expect providers' annual safeguarding reports for a year"
    submit_label = "Expect reports"

    def get_initial(self):
        return {"year": timezone.localdate().year - 1}

    def perform(self, form):
        return actions.do_expect_annual_reports(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("governance:annual-reports")


class AnnualReportDetailView(ScopedObjectMixin, TemplateView):
    model = AnnualReport
    select_related = ("provider", "reviewed_by")
    template_name = "governance/annual_report_detail.html"

    def get_context_data(self, **kwargs):
        log_access(self.request.user, self.object)
        return super().get_context_data(
            can_edit=can(self.request.user, AnnualReport, CHANGE) and not self.object.archived_at, **kwargs
        )


class AnnualReportReceiveView(ChildFormView):
    model = AnnualReport
    select_related = ("provider",)
    form_class = ReceiveReportForm
    submit_label = "Record as received"

    @property
    def page_title(self):
        return f"Receive: {self.object}"

    def get_initial(self):
        return {"received_on": self.object.received_on or timezone.localdate()}

    def perform(self, form):
        return actions.do_receive_annual_report(self.object, acting_user=self.request.user, **form.cleaned_data)


class AnnualReportReviewView(ChildFormView):
    model = AnnualReport
    select_related = ("provider",)
    form_class = ReviewReportForm
    submit_label = "Record review"

    @property
    def page_title(self):
        return f"Review: {self.object}"

    def get_initial(self):
        return {"reviewed_on": timezone.localdate(), "feedback": self.object.feedback}

    def perform(self, form):
        return actions.do_review_annual_report(self.object, acting_user=self.request.user, **form.cleaned_data)


class AnnualReportDocumentView(ScopedObjectMixin, View):
    model = AnnualReport

    def get(self, request, pk):
        if not self.object.document:
            raise Http404("No document.")
        log_access(request.user, self.object, how="export")
        return file_attachment(self.object.document)


# --- The monitoring schedule ----------------------------------------------------------------


class MonitoringListView(RoleRequiredMixin, TemplateView):
    """The recurring internal checks, the next due first; overdue ones tagged red."""

    allowed_roles = COMMITTEE_READERS
    template_name = "governance/monitoring_list.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        queryset = MonitoringCheck.objects.restrict(user)
        filterset = MonitoringCheckFilter(self.request.GET or None, queryset=queryset, request=self.request)
        return super().get_context_data(
            filter=filterset,
            rows=reports.monitoring_rows(filterset.qs, today),
            can_add=can(user, MonitoringCheck, CHANGE),
            **kwargs,
        )


class MonitoringExportView(RoleRequiredMixin, View):
    """The monitoring schedule as XLSX (core.spreadsheets): the active checks as the list shows them, and every check
    done on them."""

    allowed_roles = COMMITTEE_READERS

    def get(self, request):
        checks = MonitoringCheck.objects.restrict(request.user)
        rows = reports.monitoring_rows(checks, timezone.localdate())
        records = (
            MonitoringCheckRecord.objects.restrict(request.user)
            .filter(monitoring_check__in=[row.check for row in rows])
            .select_related("monitoring_check", "reported_to__committee")
            .order_by("monitoring_check__title", "-done_on", "-pk")
        )
        for row in rows:
            log_access(request.user, row.check, how="export")
        return xlsx_response(spreadsheets.monitoring_schedule(rows, records), "monitoring-schedule.xlsx")


class MonitoringCreateView(CreateView):
    model = MonitoringCheck
    form_class = MonitoringCheckForm
    page_title = "Add a check to the monitoring schedule"
    submit_label = "Add check"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.do_add_monitoring_check(acting_user=self.request.user, **form.action_fields())


class MonitoringDetailView(ScopedObjectMixin, TemplateView):
    model = MonitoringCheck
    select_related = ("reviewing_committee",)
    template_name = "governance/monitoring_detail.html"

    def get_context_data(self, **kwargs):
        user, check = self.request.user, self.object
        can_edit = can(user, MonitoringCheck, CHANGE) and not check.archived_at
        return super().get_context_data(
            records=check.records.select_related("reported_to__committee", "recorded_by"),
            tracked_actions=_actions_for(check, user),
            can_edit=can_edit,
            can_raise=can_edit and can(user, TrackedAction, CHANGE),
            **kwargs,
        )


class MonitoringEditView(ChildFormView):
    model = MonitoringCheck
    form_class = MonitoringCheckForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def perform(self, form):
        return actions.do_update_monitoring_check(self.object, acting_user=self.request.user, **form.action_fields())


class MonitoringRecordView(ChildFormView):
    model = MonitoringCheck
    form_class = CheckDoneForm
    submit_label = "Record check"

    @property
    def page_title(self):
        return f"Record a check done: {self.object}"

    def get_initial(self):
        return {"done_on": timezone.localdate(), "done_by": self.object.owner}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.do_record_check_done(self.object, acting_user=self.request.user, **form.cleaned_data)


class MonitoringActionView(RaiseActionView):
    model = MonitoringCheck


class ArchiveView(ScopedObjectMixin, View):
    """POST: archive a record (never delete); back to its register."""

    scope_action = CHANGE
    back = ""

    def post(self, request, pk):
        actions.do_archive_record(self.object, acting_user=request.user)
        say_archived(request, self.object)
        return redirect(self.back)
