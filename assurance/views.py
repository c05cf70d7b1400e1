from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from assurance import actions, reports, rules, spreadsheets
from assurance.choices import EDITABLE_STATUSES, SHORTFALL_RATINGS, AssessmentStatus, ReviewDecision
from assurance.filters import AssessmentFilter, InspectionFilter
from assurance.forms import (
    ActionForm,
    ChildrenInCareSpecificationForm,
    CqcRegistrationForm,
    CycleCloseForm,
    CycleForm,
    EvidenceForm,
    FundingPanelForm,
    ImportForm,
    InspectionActionForm,
    InspectionForm,
    RegulatoryNoticeForm,
    ReplyForm,
    ReviewForm,
    SectionForm,
)
from assurance.models import (
    CYCLE_MANAGERS,
    INSPECTION_EDITORS,
    REVIEWERS,
    Assessment,
    ChildrenInCareSpecification,
    CqcRegistration,
    Cycle,
    Evidence,
    Framework,
    FundingPanelAssurance,
    Inspection,
    RegulatoryNotice,
    Response,
    ReviewComment,
    Section,
)
from core.audit import log_access
from core.banners import say_archived
from core.choices import ICB_ROLES
from core.downloads import file_attachment, xlsx_response
from core.models import TrackedAction
from core.scoping import CHANGE, allowed_organisations, can
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin

ASSESSMENT_RELATED = ("organisation", "cycle__framework", "signed_off_by")


class FrameworkListView(LoginRequiredMixin, TemplateView):
    template_name = "assurance/framework_list.html"

    def get_context_data(self, **kwargs):
        frameworks = Framework.objects.annotate(requirement_count=Count("requirements"))
        return super().get_context_data(frameworks=frameworks, **kwargs)


class FrameworkDetailView(LoginRequiredMixin, TemplateView):
    template_name = "assurance/framework_detail.html"

    def get_context_data(self, **kwargs):
        framework = get_object_or_404(Framework, pk=self.kwargs["pk"])
        sections = Section.objects.filter(framework=framework).prefetch_related("requirements")
        return super().get_context_data(framework=framework, sections=sections, **kwargs)


class AssessmentListView(LoginRequiredMixin, TemplateView):
    """Every assessment the user may see: a provider its own, ICB staff their ICB's."""

    template_name = "assurance/assessment_list.html"

    def get_context_data(self, **kwargs):
        queryset = Assessment.objects.restrict(self.request.user).select_related(*ASSESSMENT_RELATED)
        filterset = AssessmentFilter(
            self.request.GET or None, queryset=queryset.filter(cycle__archived_at=None), request=self.request
        )
        assessments = list(filterset.qs)
        rags = reports.assessment_rags(assessments)
        today = timezone.localdate()
        rows = [(a, rags[a.pk], rules.is_late(a.status, a.cycle.due_date, today)) for a in assessments]
        return super().get_context_data(filter=filterset, rows=rows, **kwargs)


class CycleListView(RoleRequiredMixin, TemplateView):
    allowed_roles = ICB_ROLES
    template_name = "assurance/cycle_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        unsubmitted = Q(assessments__status__in=EDITABLE_STATUSES)
        cycles = (
            Cycle.objects.restrict(self.request.user)
            .filter(archived_at=None, closed_at=None)
            .select_related("framework")
            .annotate(
                total=Count("assessments"),
                not_started=Count("assessments", filter=Q(assessments__status=AssessmentStatus.NOT_STARTED)),
                submitted=Count("assessments", filter=Q(assessments__status=AssessmentStatus.SUBMITTED)),
                signed_off=Count("assessments", filter=Q(assessments__status=AssessmentStatus.SIGNED_OFF)),
                unsubmitted=Count("assessments", filter=unsubmitted),
            )
        )
        cycles = list(cycles)
        for cycle in cycles:
            # every unsubmitted assessment of a cycle past its due date is late
            cycle.late = cycle.unsubmitted if rules.is_late(AssessmentStatus.IN_PROGRESS, cycle.due_date, today) else 0
        closed = (
            Cycle.objects.restrict(self.request.user)
            .filter(archived_at=None, closed_at__isnull=False)
            .select_related("framework")
            .order_by("-closed_at")
        )
        return super().get_context_data(
            cycles=cycles, closed=closed, today=today, can_open=self.request.user.role in CYCLE_MANAGERS, **kwargs
        )


class CycleOpenView(RoleRequiredMixin, ActionFormView):
    allowed_roles = CYCLE_MANAGERS
    form_class = CycleForm
    template_name = "assurance/cycle_form.html"
    page_title = "Open an assessment cycle"
    submit_label = "Open cycle"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "frameworks": Framework.objects.all(),
            "organisations": allowed_organisations(self.request.user),
            "cycles": Cycle.objects.restrict(self.request.user).filter(archived_at=None).select_related("framework"),
        }

    def get_initial(self):
        """`?from=<cycle>`: roll that cycle forward (the newest version of its framework, the same organisations)."""
        previous = self.previous_cycle()
        if previous is None:
            return super().get_initial()
        newest = Framework.objects.filter(key=previous.framework.key).order_by("-effective_date").first()
        return {
            "roll_forward_from": previous,
            "framework": newest,
            "organisations": list(previous.assessments.values_list("organisation_id", flat=True)),
        }

    def previous_cycle(self):
        raw = self.request.GET.get("from", "")
        if not raw.isdigit() or len(raw) > 18:
            return None
        return Cycle.objects.restrict(self.request.user).filter(pk=int(raw), archived_at=None).first()

    def perform(self, form):
        return actions.do_open_cycle(
            icb=self.request.user.organisation.icb, acting_user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("assurance:cycle", args=[self.result.pk])


class CycleDetailView(RoleRequiredMixin, ScopedObjectMixin, TemplateView):
    """Progress of a cycle: who has not started, submitted, been signed off, and who is late."""

    allowed_roles = ICB_ROLES
    model = Cycle
    select_related = ("framework", "rolled_from", "closed_by")
    template_name = "assurance/cycle_detail.html"

    def get_context_data(self, **kwargs):
        assessments = Assessment.objects.restrict(self.request.user).filter(cycle=self.object)
        progress = reports.cycle_progress(self.object, assessments, timezone.localdate())
        counts = [(AssessmentStatus(s).label, n) for s, n in progress.counts.items()]
        return super().get_context_data(
            progress=progress, counts=counts, can_manage=self.request.user.role in CYCLE_MANAGERS, **kwargs
        )


class CycleCloseView(RoleRequiredMixin, ScopedObjectMixin, ActionFormView):
    """Close a cycle: it leaves the open cycles (a reason when an assessment is not signed off)."""

    allowed_roles = CYCLE_MANAGERS
    model = Cycle
    scope_action = CHANGE
    select_related = ("framework",)
    form_class = CycleCloseForm
    submit_label = "Close cycle"

    @property
    def page_title(self):
        return f"Close the cycle {self.object.framework.name}, {self.object.period_label}"

    def perform(self, form):
        cycle = actions.do_close_cycle(self.object, reason=form.cleaned_data["reason"], acting_user=self.request.user)
        messages.success(self.request, "Cycle closed.")
        return cycle

    def get_success_url(self):
        return reverse("assurance:cycle", args=[self.object.pk])


class AssessmentMixin(ScopedObjectMixin):
    model = Assessment
    select_related = ASSESSMENT_RELATED


class CompleterMixin:
    """Pages that change an assessment's answers: only the assessed organisation's users (403 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not hasattr(self, "object"):
                self.object = self.get_object()
            assessment = self.object if isinstance(self.object, Assessment) else self.object.assessment
            if not actions.may_complete(request.user, assessment):
                raise PermissionDenied("Only the assessed organisation completes its self-assessment.")
            self.assessment = assessment
        return super().dispatch(request, *args, **kwargs)


def assessment_history(assessment, response_ids):
    """Audit entries for the assessment, its responses, their evidence and review comments."""
    types = ContentType.objects.get_for_models(Assessment, Response, Evidence, ReviewComment, TrackedAction)

    def keys(ids):
        return [str(pk) for pk in ids]

    evidence_ids = Evidence.objects.filter(response_id__in=response_ids).values_list("pk", flat=True)
    comment_ids = ReviewComment.objects.filter(response_id__in=response_ids).values_list("pk", flat=True)
    action_ids = TrackedAction.objects.filter(source_type=types[Response], source_id__in=response_ids).values_list(
        "pk", flat=True
    )
    return (
        LogEntry.objects.filter(
            Q(content_type=types[Assessment], object_pk=str(assessment.pk))
            | Q(content_type=types[Response], object_pk__in=keys(response_ids))
            | Q(content_type=types[Evidence], object_pk__in=keys(evidence_ids))
            | Q(content_type=types[ReviewComment], object_pk__in=keys(comment_ids))
            | Q(content_type=types[TrackedAction], object_pk__in=keys(action_ids))
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:200]
    )


def responses_with_detail(assessment):
    responses = list(
        assessment.responses.select_related("requirement__section").prefetch_related("evidence", "comments__author")
    )
    tracked = {}
    for action in TrackedAction.objects.filter(
        source_type=ContentType.objects.get_for_model(Response), source_id__in=[r.pk for r in responses]
    ).filter(archived_at=None):
        tracked.setdefault(action.source_id, []).append(action)
    sections = []
    for response in responses:
        response.actions = tracked.get(response.pk, [])
        response.live_evidence = [e for e in response.evidence.all() if e.archived_at is None]
        response.needs_action = response.rating in SHORTFALL_RATINGS and not response.actions
        if not sections or sections[-1][0] != response.requirement.section:
            sections.append((response.requirement.section, []))
        sections[-1][1].append(response)
    return responses, sections


class AssessmentDetailView(AssessmentMixin, TemplateView):
    template_name = "assurance/assessment_detail.html"

    def get_context_data(self, **kwargs):
        user, assessment = self.request.user, self.object
        responses, sections = responses_with_detail(assessment)
        editable = assessment.status in EDITABLE_STATUSES and assessment.cycle.closed_at is None
        can_complete = editable and actions.may_complete(user, assessment)
        today = timezone.localdate()
        problems = actions.submission_problems(assessment) if can_complete else {}
        return super().get_context_data(
            assessment=assessment,
            sections=sections,
            challenged=[r for r in responses if r.review_decision == ReviewDecision.CHALLENGED],
            problem_rows=[(r, problems[r.requirement.code]) for r in responses if r.requirement.code in problems],
            late=rules.is_late(assessment.status, assessment.cycle.due_date, today),
            can_complete=can_complete,
            can_reply=actions.may_complete(user, assessment) and assessment.status != AssessmentStatus.SIGNED_OFF,
            can_review=user.role in REVIEWERS and assessment.status == AssessmentStatus.SUBMITTED,
            problems=problems,
            history=assessment_history(assessment, [r.pk for r in responses]),
            today=today,
            **kwargs,
        )


class SectionEditView(AssessmentMixin, CompleterMixin, ActionFormView):
    """One section of the framework: a rating, N/A reason and narrative per requirement."""

    form_class = SectionForm
    template_name = "assurance/section_form.html"
    edits_object_children = True

    @cached_property
    def section(self):
        return get_object_or_404(Section, pk=self.kwargs["section_pk"], framework_id=self.object.cycle.framework_id)

    def get_form_kwargs(self):
        responses = self.object.responses.filter(requirement__section=self.section).select_related("requirement")
        return {**super().get_form_kwargs(), "responses": responses}

    def get_context_data(self, **kwargs):
        sections = Section.objects.filter(framework_id=self.object.cycle.framework_id)
        following = sections.filter(order__gt=self.section.order).first()
        return super().get_context_data(assessment=self.object, section=self.section, next_section=following, **kwargs)

    def perform(self, form):
        return actions.do_save_responses(self.object, form.answers(), acting_user=self.request.user)

    def get_success_url(self):
        messages.success(self.request, f"Draft saved: {self.section.title}.")
        if "next" in self.request.POST:
            following = Section.objects.filter(
                framework_id=self.object.cycle.framework_id, order__gt=self.section.order
            ).first()
            if following:
                return reverse("assurance:section", args=[self.object.pk, following.pk])
        return reverse("assurance:assessment", args=[self.object.pk]) + f"#section-{self.section.pk}"


class ResponseMixin(ScopedObjectMixin):
    model = Response
    select_related = ("requirement", "assessment__organisation", "assessment__cycle__framework")

    def get_success_url(self):
        return reverse("assurance:assessment", args=[self.object.assessment_id]) + f"#req-{self.object.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(response=self.object, **kwargs)


class ActionAddView(ResponseMixin, CompleterMixin, ActionFormView):
    form_class = ActionForm
    template_name = "assurance/response_form.html"
    submit_label = "Add action"
    page_title = "Add a SMART action"

    def perform(self, form):
        return actions.do_add_shortfall_action(self.object, acting_user=self.request.user, **form.cleaned_data)


class EvidenceAddView(ResponseMixin, CompleterMixin, ActionFormView):
    form_class = EvidenceForm
    template_name = "assurance/response_form.html"
    submit_label = "Add evidence"
    page_title = "Add evidence"

    def perform(self, form):
        data = form.cleaned_data
        if data.get("upload"):
            return actions.do_add_evidence_file(
                self.object, upload=data["upload"], description=data["description"], acting_user=self.request.user
            )
        return actions.do_add_evidence_link(
            self.object, url=data["url"], description=data["description"], acting_user=self.request.user
        )


class ReplyView(ResponseMixin, CompleterMixin, ActionFormView):
    form_class = ReplyForm
    template_name = "assurance/response_form.html"
    submit_label = "Send answer"
    page_title = "Answer the challenge"

    def perform(self, form):
        return actions.do_answer_challenge(self.object, acting_user=self.request.user, **form.cleaned_data)


class EvidenceDownloadView(ScopedObjectMixin, View):
    """Evidence files are served only here, to users who may see the assessment (never from /media/)."""

    model = Evidence
    select_related = ("response__assessment__organisation",)

    def get(self, request, pk):
        evidence = self.object
        if evidence.kind != "file" or not evidence.file:
            raise Http404("No file.")
        log_access(request.user, evidence, how="export")
        return file_attachment(evidence.file, evidence.original_name)


class EvidenceArchiveView(ScopedObjectMixin, View):
    model = Evidence
    select_related = ("response__assessment__organisation",)

    def post(self, request, pk):
        assessment = self.object.response.assessment
        try:
            actions.do_archive_evidence(self.object, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            say_archived(request, self.object)
        return redirect(reverse("assurance:assessment", args=[assessment.pk]) + f"#req-{self.object.response_id}")


class SubmitView(AssessmentMixin, CompleterMixin, TemplateView):
    template_name = "assurance/submit.html"

    def get_context_data(self, **kwargs):
        editable = self.object.status in EDITABLE_STATUSES
        problems = actions.submission_problems(self.object) if editable else {}
        return super().get_context_data(
            assessment=self.object, problems=sorted(problems.items()), editable=editable, **kwargs
        )

    def post(self, request, pk):
        try:
            actions.do_submit_assessment(self.object, acting_user=request.user)
        except ValidationError:
            return self.get(request, pk)
        messages.success(request, "Submitted to the ICB for review.")
        return redirect("assurance:assessment", pk=pk)


class ReviewView(RoleRequiredMixin, AssessmentMixin, ActionFormView):
    allowed_roles = REVIEWERS
    form_class = ReviewForm
    template_name = "assurance/review.html"

    def get_form_kwargs(self):
        pending = self.object.responses.exclude(review_decision=ReviewDecision.ACCEPTED).select_related("requirement")
        return {**super().get_form_kwargs(), "responses": pending}

    def get_context_data(self, **kwargs):
        responses, sections = responses_with_detail(self.object)
        return super().get_context_data(
            assessment=self.object,
            sections=sections,
            reviewable=self.object.status == AssessmentStatus.SUBMITTED,
            sign_off_problem=actions.sign_off_problem(self.object),
            shortfall_ratings=SHORTFALL_RATINGS,
            today=timezone.localdate(),
            **kwargs,
        )

    def perform(self, form):
        decisions = form.decisions()
        if not decisions and not form.accept_rest:
            raise ValidationError("Choose accept or challenge for at least one requirement.")
        pending = {response.pk for response in form.responses}
        result = actions.do_review(
            self.object,
            decisions,
            accept_rest=form.accept_rest,
            smart_actions=form.smart_actions(),
            acting_user=self.request.user,
        )
        self.decided = dict(
            self.object.responses.filter(pk__in=pending)
            .exclude(review_decision="")
            .values_list("requirement__code", "review_decision")
        )
        self.raised = [response.requirement.code for response in form.smart_actions()]
        return result

    def get_success_url(self):
        def codes(decision):
            return ", ".join(sorted(code for code, made in self.decided.items() if made == decision))

        actions_raised = f" SMART action raised on {', '.join(self.raised)}." if self.raised else ""
        if self.object.status == AssessmentStatus.RETURNED:
            messages.success(
                self.request,
                f"Challenged: {codes(ReviewDecision.CHALLENGED)}. The assessment is returned to the provider."
                + actions_raised,
            )
            return reverse("assurance:assessment", args=[self.object.pk])
        accepted = codes(ReviewDecision.ACCEPTED)
        messages.success(self.request, f"Review recorded. Accepted: {accepted or 'none'}." + actions_raised)
        return reverse("assurance:review", args=[self.object.pk])


class SignOffView(RoleRequiredMixin, AssessmentMixin, View):
    allowed_roles = REVIEWERS

    def post(self, request, pk):
        try:
            actions.do_sign_off(self.object, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("assurance:review", pk=pk)
        messages.success(request, "Assessment signed off.")
        return redirect("assurance:assessment", pk=pk)


class ExportView(AssessmentMixin, View):
    def get(self, request, pk):
        log_access(request.user, self.object, how="export")
        content = spreadsheets.export_assessment(self.object)
        code = self.object.organisation.ods_code or self.object.organisation_id
        return xlsx_response(content, f"assessment-{self.object.pk}-{code}.xlsx")


class ImportView(AssessmentMixin, CompleterMixin, ActionFormView):
    form_class = ImportForm
    template_name = "assurance/import.html"
    submit_label = "Import"

    def get_context_data(self, **kwargs):
        return super().get_context_data(assessment=self.object, **kwargs)

    def perform(self, form):
        return spreadsheets.do_import_assessment(
            self.object, form.cleaned_data["upload"], acting_user=self.request.user
        )

    def get_success_url(self):
        answers, new_actions = self.result
        messages.success(self.request, f"Imported {answers} answers and {new_actions} new actions as a draft.")
        return reverse("assurance:assessment", args=[self.object.pk])


class RollUpView(RoleRequiredMixin, TemplateView):
    allowed_roles = ICB_ROLES
    template_name = "assurance/rollup.html"

    def get_context_data(self, **kwargs):
        assessments = Assessment.objects.restrict(self.request.user)
        choices = sorted(
            set(
                assessments.filter(cycle__archived_at=None).values_list(
                    "cycle__framework__key", "cycle__framework__name"
                )
            )
        )
        chosen = self.request.GET.get("framework", "")
        if chosen in {key for key, _ in choices}:
            assessments = assessments.filter(cycle__framework__key=chosen)
        else:
            chosen = ""
        result = reports.rollup(assessments)
        rows = [
            (entry, [entry.by_framework.get(key) for key, _ in result.frameworks]) for entry in result.organisations
        ]
        return super().get_context_data(rollup=result, rows=rows, framework_choices=choices, framework=chosen, **kwargs)


# --- The ICB's own duties: children-in-care specification, funding panels and the MCA -------------


class IcbDutiesView(RoleRequiredMixin, TemplateView):
    """The ICB's children-in-care health service specification [DDICB Looked after Children] and its funding
    panels documented as MCA-compliant [DDICB Chief Executive Officer], each with its gaps."""

    allowed_roles = ICB_ROLES
    template_name = "assurance/icb_duties.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        duties = reports.icb_duties(
            ChildrenInCareSpecification.objects.restrict(user),
            FundingPanelAssurance.objects.restrict(user),
            timezone.localdate(),
        )
        return super().get_context_data(duties=duties, can_edit=user.role in CYCLE_MANAGERS, **kwargs)


class _IcbDutyCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = CYCLE_MANAGERS
    create = None

    def perform(self, form):
        return type(self).create(acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        return reverse("assurance:icb-duties")


class _IcbDutyEditView(ScopedObjectMixin, ActionFormView):
    scope_action = CHANGE
    submit_label = "Save changes"
    update = None

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return type(self).update(self.object, acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        return reverse("assurance:icb-duties")


class SpecificationCreateView(_IcbDutyCreateView):
    form_class = ChildrenInCareSpecificationForm
    page_title = "Record the children-in-care health service specification"
    submit_label = "Save specification"
    create = staticmethod(actions.do_add_cic_specification)


class SpecificationEditView(_IcbDutyEditView):
    model = ChildrenInCareSpecification
    form_class = ChildrenInCareSpecificationForm
    update = staticmethod(actions.do_update_cic_specification)


class FundingPanelCreateView(_IcbDutyCreateView):
    form_class = FundingPanelForm
    page_title = "Record a funding panel's Mental Capacity Act assurance"
    submit_label = "Save panel"
    create = staticmethod(actions.do_add_funding_panel)


class FundingPanelEditView(_IcbDutyEditView):
    model = FundingPanelAssurance
    form_class = FundingPanelForm
    update = staticmethod(actions.do_update_funding_panel)


def _inspection_editor(user):
    return can(user, Inspection, CHANGE)


class InspectionRegisterView(LoginRequiredMixin, TemplateView):
    """The register of inspections and reviews, the conditions and notices in force, and CQC registrations."""

    template_name = "assurance/inspection_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = Inspection.objects.restrict(user).select_related("organisation")
        filterset = InspectionFilter(self.request.GET or None, queryset=queryset, request=self.request)
        inspections = list(filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True))
        counts = reports.inspection_action_counts(inspections)
        notices = reports.notice_rows(RegulatoryNotice.objects.restrict(user).filter(archived_at__isnull=True))
        registrations = (
            CqcRegistration.objects.restrict(user).filter(archived_at__isnull=True).select_related("provider")
        )
        return super().get_context_data(
            filter=filterset,
            rows=[(i, counts.get(i.pk, 0)) for i in inspections],
            notices=notices,
            registrations=[(r, rules.rating_tag(r.current_rating)) for r in registrations],
            can_edit=_inspection_editor(user),
            **kwargs,
        )


class InspectionExportView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        inspections = list(
            Inspection.objects.restrict(user).filter(archived_at__isnull=True).select_related("organisation")
        )
        notices = reports.notice_rows(RegulatoryNotice.objects.restrict(user).filter(archived_at__isnull=True))
        registrations = list(
            CqcRegistration.objects.restrict(user).filter(archived_at__isnull=True).select_related("provider")
        )
        for record in [*inspections, *(row.notice for row in notices), *registrations]:
            log_access(user, record, how="export")
        content = spreadsheets.inspection_register(
            inspections, reports.inspection_action_counts(inspections), notices, registrations
        )
        return xlsx_response(content, "inspection-register.xlsx")


class InspectionCreateBase(RoleRequiredMixin, ActionFormView):
    allowed_roles = INSPECTION_EDITORS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": allowed_organisations(self.request.user)}

    def get_success_url(self):
        return self.result.get_absolute_url()


class InspectionCreateView(InspectionCreateBase):
    form_class = InspectionForm
    page_title = "Add an inspection or review"
    submit_label = "Add to the register"

    def perform(self, form):
        return actions.do_record_inspection(acting_user=self.request.user, **form.action_fields())


class InspectionDetailView(ScopedObjectMixin, TemplateView):
    model = Inspection
    select_related = ("organisation", "created_by")
    template_name = "assurance/inspection_detail.html"

    def get_context_data(self, **kwargs):
        user, inspection = self.request.user, self.object
        return super().get_context_data(
            notices=reports.notice_rows(
                RegulatoryNotice.objects.restrict(user).filter(inspection=inspection, archived_at__isnull=True)
            ),
            tracked_actions=TrackedAction.objects.restrict(user).for_source(inspection).select_related("organisation"),
            can_edit=_inspection_editor(user) and inspection.archived_at is None,
            **kwargs,
        )


class RecordEditView(ScopedObjectMixin, ActionFormView):
    """A form page that changes a record of the register: 404 when out of scope, 403 when only readable."""

    scope_action = CHANGE
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.object,
            "organisations": allowed_organisations(self.request.user),
        }

    def get_success_url(self):
        return self.object.get_absolute_url()


class InspectionEditView(RecordEditView):
    model = Inspection
    select_related = ("organisation",)
    form_class = InspectionForm

    def perform(self, form):
        return actions.do_update_inspection(self.object, acting_user=self.request.user, **form.action_fields())


class InspectionActionAddView(ScopedObjectMixin, ActionFormView):
    """A SMART action in the tracker from an inspection or a notice (`model`)."""

    scope_action = CHANGE
    form_class = InspectionActionForm
    submit_label = "Add action"

    @property
    def page_title(self):
        return f"Add an action: {self.object}"

    def get_form_kwargs(self):
        default = getattr(self.object, "organisation_id", None) or self.object.provider_id
        return {
            **super().get_form_kwargs(),
            "organisations": allowed_organisations(self.request.user),
            "default": default,
        }

    def perform(self, form):
        return actions.do_raise_inspection_action(self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, "Action added to the tracker.")
        return self.object.get_absolute_url()


class InspectionRecordArchiveView(ScopedObjectMixin, View):
    scope_action = CHANGE

    def post(self, request, pk):
        actions.do_archive_inspection_record(self.object, acting_user=request.user)
        return redirect("assurance:inspections")


class NoticeCreateView(InspectionCreateBase):
    form_class = RegulatoryNoticeForm
    page_title = "Record a condition, requirement notice or enforcement"
    submit_label = "Record"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspections": Inspection.objects.restrict(self.request.user)}

    def get_initial(self):
        raw = self.request.GET.get("inspection", "")
        inspection = None
        if raw.isdigit() and len(raw) < 18:
            inspection = Inspection.objects.restrict(self.request.user).filter(pk=int(raw)).first()
        return {"inspection": inspection, "provider": inspection.organisation_id} if inspection else {}

    def perform(self, form):
        return actions.do_record_notice(acting_user=self.request.user, **form.action_fields())


class NoticeDetailView(ScopedObjectMixin, TemplateView):
    model = RegulatoryNotice
    select_related = ("provider", "inspection")
    template_name = "assurance/notice_detail.html"

    def get_context_data(self, **kwargs):
        user, notice = self.request.user, self.object
        (row,) = reports.notice_rows(RegulatoryNotice.objects.filter(pk=notice.pk))
        return super().get_context_data(
            row=row,
            tracked_actions=TrackedAction.objects.restrict(user).for_source(notice).select_related("organisation"),
            can_edit=_inspection_editor(user) and notice.archived_at is None,
            **kwargs,
        )


class NoticeEditView(RecordEditView):
    model = RegulatoryNotice
    select_related = ("provider",)
    form_class = RegulatoryNoticeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspections": Inspection.objects.restrict(self.request.user)}

    def perform(self, form):
        return actions.do_update_notice(self.object, acting_user=self.request.user, **form.action_fields())


class RegistrationCreateView(InspectionCreateBase):
    form_class = CqcRegistrationForm
    page_title = "Record a provider's CQC registration"
    submit_label = "Record registration"

    def perform(self, form):
        return actions.do_record_registration(acting_user=self.request.user, **form.action_fields())


class RegistrationEditView(RecordEditView):
    model = CqcRegistration
    select_related = ("provider",)
    form_class = CqcRegistrationForm

    def perform(self, form):
        return actions.do_update_registration(self.object, acting_user=self.request.user, **form.action_fields())
