"""Pages of the reporting module: the list, a new report, the report page (status, versions, narrative, build
progress, downloads and the HTML view), the workflow steps and the downloads. Views validate, fetch through
`restrict`, call an action and respond."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.audit import log_access
from core.downloads import file_attachment
from core.quarters import Quarter, last_ended_quarter
from core.scoping import CHANGE
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from governance.models import Meeting
from reporting import actions, rules
from reporting.choices import FileKind
from reporting.filters import ReportFilter
from reporting.forms import ConfirmForm, NarrativeForm, NewReportForm, PresentForm, ReturnForm
from reporting.models import NHS_ENGLAND_READERS, READERS, Report, ReportFile, ReportNarrative
from reporting.spreadsheets import nhse_assurance_xlsx

LIST_READERS = READERS | NHS_ENGLAND_READERS
QUARTERLY = "quarterly-assurance"


class ReportListView(RoleRequiredMixin, TemplateView):
    allowed_roles = LIST_READERS
    open_to_nhs_england = True  # regional and national read the frozen regional annual reports (ReportQuerySet)
    template_name = "reporting/report_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        reports = Report.objects.restrict(user).filter(archived_at__isnull=True)
        filterset = ReportFilter(self.request.GET or None, queryset=reports, request=self.request)
        shown = filterset.qs if filterset.is_bound and filterset.is_valid() else reports
        return super().get_context_data(
            filter=filterset,
            reports=shown.select_related("report_type", "organisation"),
            can_add=user.role in rules.TEAM | rules.REGIONAL,
            nhs_england=user.role in NHS_ENGLAND_READERS,
            nhs_england_quarters=nhs_england_quarters() if user.role in NHS_ENGLAND_RETURN_MAKERS else [],
            **kwargs,
        )


NHS_ENGLAND_RETURN_MAKERS = rules.TEAM | rules.EXECUTIVE
QUARTERS_OFFERED = 4


def nhs_england_quarters():
    """The last four ended quarters, newest first: those an ICB sends or resends NHS England."""
    latest = last_ended_quarter(timezone.localdate())
    return [latest.previous(n) for n in range(QUARTERS_OFFERED)]


class NhsEnglandAssuranceView(RoleRequiredMixin, View):
    """The ICB's quarterly position for NHS England (issue 11 item 10) as XLSX, built from the modules' read sides
    with small numbers suppressed. An aggregate of a few queries, so it is built on request like the register
    exports; a quarter that has not ended is not offered (404)."""

    allowed_roles = NHS_ENGLAND_RETURN_MAKERS

    def get(self, request, quarter):
        try:
            chosen = Quarter.parse(quarter)
        except ValueError:
            raise Http404("Not a quarter.") from None
        if not chosen.has_ended(timezone.localdate()):
            raise Http404("This quarter has not ended.")
        icb = request.user.organisation
        content = nhse_assurance_xlsx(icb=icb, period_start=chosen.start, period_end=chosen.end, as_at=timezone.now())
        log_access(request.user, icb, how="export")
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        filename = f"nhs-england-safeguarding-assurance-{icb.ods_code or icb.pk}-{chosen.slug}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class NewReportView(RoleRequiredMixin, ActionFormView):
    """An ICB's report for the safeguarding team; the region's annual report for the regional lead."""

    allowed_roles = rules.TEAM | rules.REGIONAL
    open_to_nhs_england = True
    form_class = NewReportForm
    page_title = "Start a report"
    submit_label = "Start report"
    success_message = "Report started: {result}. Write the narrative, then build it."

    def get_form_kwargs(self):
        level = rules.REGION_LEVEL if self.request.user.role in rules.REGIONAL else rules.ICB_LEVEL
        return {**super().get_form_kwargs(), "level": level}

    def perform(self, form):
        return actions.do_create_report(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()


class ReportObjectMixin(ScopedObjectMixin):
    model = Report
    select_related = ("report_type", "organisation", "supersedes")


class ReportDetailView(ReportObjectMixin, TemplateView):
    template_name = "reporting/report_detail.html"
    open_to_nhs_england = True

    def get_context_data(self, **kwargs):
        user, report = self.request.user, self.object
        narratives = {n.key: n for n in ReportNarrative.objects.restrict(user).filter(report=report)}
        sections = [
            {**section, "narrative": narratives.get(section["key"])}
            for section in report.report_type.sections
            if section["kind"] == "narrative"
        ]
        files = ReportFile.objects.restrict(user).filter(report=report)
        frozen = {f.kind: f for f in files if f.frozen}
        draft_files = {}
        for record in files:
            if not record.frozen and record.kind not in draft_files:
                draft_files[record.kind] = record
        versions = (
            Report.objects.restrict(user)
            .filter(organisation=report.organisation, report_type=report.report_type, period_start=report.period_start)
            .select_related("report_type")  # each version's status is named for its level
        )
        job = report.build_job
        building = job is not None and job.status in ("queued", "running")
        role, level = user.role, report.level
        may_change = Report.objects.restrict(user, CHANGE).filter(pk=report.pk).exists()
        makers = rules.makers(level)
        return super().get_context_data(
            report=report,
            narrative_sections=sections if role in rules.narrative_readers(level) else [],
            can_write=role in rules.writers(level) and report.is_editable,
            can_build=role in makers and report.is_editable,
            can_new_version=role in makers and report.is_frozen and not is_superseded(report),
            # the ICB's quarterly assurance return to its region (regions/) is the approved quarterly report
            can_send_to_region=role in rules.TEAM and report.is_frozen and report.report_type.code == QUARTERLY,
            steps=[
                (name, rules.transition_label(name, level))
                for name in rules.available_transitions(report.status, role, level)
            ]
            if may_change
            else [],
            files=frozen if report.is_frozen else draft_files,
            frozen_files=frozen,
            versions=versions,
            job=job,
            building=building,
            snapshot=report.snapshot,
            **kwargs,
        )


def is_superseded(report):
    return Report.objects.filter(supersedes=report).exists()


class NarrativeView(ReportObjectMixin, ActionFormView):
    scope_action = CHANGE
    form_class = NarrativeForm
    submit_label = "Save draft"
    open_to_nhs_england = True  # a region's annual report: the regional lead writes it

    def get_object(self):
        report = ReportObjectMixin.get_object(self)  # 404 before 403 for a record out of scope
        if self.request.user.role not in rules.writers(report.level):
            raise PermissionDenied("Your role does not write this report's narrative.")
        return report

    def section(self):
        for section in self.object.report_type.narrative_sections:
            if section["key"] == self.kwargs["key"]:
                return section
        raise Http404("This report has no such section.")

    @property
    def page_title(self):
        return f"{self.section()['title']}: {self.object}"

    def narrative(self):
        return ReportNarrative.objects.filter(report=self.object, key=self.section()["key"]).first()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "label": self.section()["title"], "version_of": self.narrative()}

    def get_initial(self):
        narrative = self.narrative()
        return {"text": narrative.text} if narrative else {}

    def perform(self, form):
        return actions.do_save_narrative(
            self.object, key=self.section()["key"], text=form.cleaned_data["text"], acting_user=self.request.user
        )

    def get_success_message(self):
        return f"Draft saved: {self.section()['title']}. Build the report again to see it in the PDF."

    def get_success_url(self):
        return self.object.get_absolute_url()


class StepView(ReportObjectMixin, ActionFormView):
    """One step of the workflow (or a build, or a new version) on a report: 403 for a role that may not take it."""

    scope_action = CHANGE
    form_class = ConfirmForm
    step = ""
    template_name = "reporting/step.html"
    open_to_nhs_england = True  # a region's annual report: the regional lead and the national team take steps

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
            if request.user.role not in self.roles():
                raise PermissionDenied("Your role cannot take this step.")
        return super(ScopedObjectMixin, self).dispatch(request, *args, **kwargs)

    def roles(self):
        return rules.transition_roles(self.step, self.object.level)

    @property
    def page_title(self):
        return f"{self.submit_label}: {self.object}"

    @property
    def submit_label(self):
        return rules.transition_label(self.step, self.object.level)

    def perform(self, form):
        return actions.TRANSITION_ACTIONS[self.step](self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.object}: {self.object.status_name.lower()}."

    def get_success_url(self):
        return self.object.get_absolute_url()


class ReturnView(StepView):
    step = rules.RETURN
    form_class = ReturnForm


class PresentView(StepView):
    step = rules.PRESENT
    form_class = PresentForm

    def get_form_kwargs(self):
        meetings = Meeting.objects.restrict(self.request.user).filter(archived_at__isnull=True)
        return {**super().get_form_kwargs(), "meetings": meetings.select_related("committee")}


class BuildView(StepView):
    step = "build"
    submit_label = "Build the report"
    page_title = "Build the report"

    def roles(self):
        return rules.makers(self.object.level)

    def perform(self, form):
        return actions.do_request_build(self.object, acting_user=self.request.user)

    def get_success_message(self):
        return "The report is being built: this page shows its progress."


class NewVersionView(BuildView):
    step = "new-version"
    submit_label = "Start a new version"
    page_title = "Start a new version"

    def perform(self, form):
        return actions.do_new_version(self.object, acting_user=self.request.user)

    def get_success_message(self):
        return f"New version started: {self.result}. The approved version stays readable."

    def get_success_url(self):
        return self.result.get_absolute_url()


class FileView(ReportObjectMixin, View):
    """A download of a report's file: the frozen file of an approved report, else the draft's latest build."""

    open_to_nhs_england = True
    kind = FileKind.PDF

    def get(self, request, pk):
        files = ReportFile.objects.restrict(request.user).filter(report=self.object, kind=self.kind)
        record = files.filter(frozen=True).first() if self.object.is_frozen else files.filter(frozen=False).first()
        if record is None:
            raise Http404("This report has not been built yet.")
        log_access(request.user, self.object, how="export")
        return file_attachment(record.file, record.filename)
