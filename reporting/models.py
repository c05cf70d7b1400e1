"""Board-grade reports: report types (data), reports with their approval workflow and versions, the narrative the
safeguarding team writes, and the files each build and each approval stores.

Glossary:
- Report type: a kind of report (quarterly assurance, exception, annual, children in care, regional annual), its
  audience, period and sections, loaded from reporting/data/report_types.json.
- Snapshot: every figure of the report as one JSON document (built by reporting.sections.build_snapshot).
- Frozen: an approved report's PDF, HTML, XLSX and snapshot, stored once with a SHA-256 and never regenerated.
- Version: a report is corrected by a new version (a new Report that supersedes it); both stay readable.

Who reads what (Access plus ReportQuerySet): the safeguarding team (designated, administrator) and the executive
lead read every report of their ICB; the Board and the auditor read approved, presented and published reports
only; providers, contracts and HR none. A region's annual report (type regional-annual) is NHS England's: the
regional lead reads and changes its own region's (drafts included), the national team reads and changes every
region's once submitted; no ICB role reads it (docs/reporting.md).
"""

from django.db import models
from django.urls import reverse

from core.choices import Role
from core.models import Job, User
from core.scoping import CHANGE, VIEW, Access, AuditScopeMixin, ScopedQuerySet, restrict
from core.versioning import Versioned
from organisations.models import Organisation
from reporting import rules
from reporting.choices import FileKind, OrganisationLevel, PeriodKind, ReportStatus

TEAM = rules.TEAM
DRAFT_READERS = TEAM | {Role.EXECUTIVE}
FROZEN_READERS = frozenset({Role.BOARD, Role.AUDITOR})
READERS = DRAFT_READERS | FROZEN_READERS
EDITORS = DRAFT_READERS  # may change a report at all; which step each takes is rules.TRANSITIONS
NHS_ENGLAND_READERS = frozenset({Role.REGIONAL, Role.NATIONAL})
REGIONAL_TYPE = "regional-annual"


class ReportType(models.Model):
    """Reference data shared by every ICB (no Access): loaded from data/report_types.json by a migration."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=200)
    period_kind = models.CharField(max_length=20, choices=PeriodKind.choices)
    organisation_level = models.CharField(max_length=10, choices=OrganisationLevel.choices)
    sections = models.JSONField(help_text='[{"key", "title", "kind": "generated" | "narrative"}]')
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.title

    @property
    def narrative_sections(self):
        return [section for section in self.sections if section["kind"] == "narrative"]

    def as_dict(self):
        return {"code": self.code, "title": self.title, "audience": self.audience, "sections": self.sections}


def regional_reports(queryset, user):
    """NHS England's reports (regional annual) `user` may read and change: the regional lead its own region's,
    drafts included; the national team every region's once the region has submitted it (never the region's
    working draft). Which step each may take is rules.transition_roles."""
    model = queryset.model
    if not (user.is_authenticated and user.is_active and user.organisation_id):
        return queryset.none()
    regional = queryset.filter(**{model.type_lookup: REGIONAL_TYPE})
    if user.role == Role.REGIONAL:
        return regional.filter(**{model.access.org_lookup("id"): user.organisation_id})
    return regional.exclude(**{model.status_lookup: rules.DRAFT})


class ReportQuerySet(ScopedQuerySet):
    """Board members and auditors read frozen reports only; NHS England reads and changes regional annual reports
    (`regional_reports`), and no ICB role reads those."""

    status_lookup = "status"

    def restrict(self, user, action=VIEW):
        role = getattr(user, "role", None)
        lookup = self.model.status_lookup
        if role in NHS_ENGLAND_READERS:
            return regional_reports(self, user)
        queryset = restrict(self, user, action)
        if role in FROZEN_READERS:
            queryset = queryset.filter(**{f"{lookup}__in": rules.FROZEN})
        return queryset


class Report(AuditScopeMixin, Versioned):
    access = Access(scope="organisation", view=READERS, change=EDITORS)
    status_lookup = "status"
    type_lookup = "report_type__code"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The ICB (or NHS England region)."
    )
    report_type = models.ForeignKey(ReportType, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    as_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="Figures as at (set by a build).")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, editable=False)
    number = models.PositiveSmallIntegerField("version", default=1, editable=False)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by", editable=False
    )
    snapshot = models.JSONField(null=True, blank=True, editable=False, help_text="The last build's figures.")
    built_at = models.DateTimeField(null=True, blank=True, editable=False)
    narrative_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    build_job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    return_comments = models.TextField(blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(
        "governance.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    meeting_date = models.DateField(null=True, blank=True, editable=False)
    minute_reference = models.CharField(max_length=100, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "report_type__position", "-number", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.report_type.title}, {self.period_label} (version {self.number})"

    def get_absolute_url(self):
        return reverse("reporting:detail", args=[self.pk])

    @property
    def period_label(self):
        return rules.period_label(self.report_type.period_kind, self.period_start)

    @property
    def level(self):
        """The organisation level of its type (rules.ICB_LEVEL or rules.REGION_LEVEL): who takes each step."""
        return self.report_type.organisation_level

    @property
    def is_frozen(self):
        return rules.is_frozen(self.status)

    @property
    def is_editable(self):
        return rules.is_editable(self.status)

    @property
    def status_label(self):
        return rules.status_label(self.status, self.number)

    @property
    def status_name(self):
        """The status in words for this report's level: "Submitted to the executive lead" for an ICB's report,
        "Submitted to the national team" for a region's (rules.status_name)."""
        return rules.status_name(self.status, self.level, dict(ReportStatus.choices))


class ReportNarrativeQuerySet(ScopedQuerySet):
    """A region's annual report's narrative: read with the report, written by the regional lead only."""

    def restrict(self, user, action=VIEW):
        role = getattr(user, "role", None)
        if role not in NHS_ENGLAND_READERS:
            return restrict(self, user, action)
        if action == CHANGE and role not in rules.writers(rules.REGION_LEVEL):
            return self.none()
        return self.filter(report__in=Report.objects.restrict(user, action).values("pk"))


class ReportNarrative(AuditScopeMixin, Versioned):
    """A narrative section written by the designated professional: saved as a draft until the report is approved."""

    access = Access(scope="report__organisation", view=DRAFT_READERS, change=rules.NARRATIVE_WRITERS)

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="narratives")
    key = models.SlugField(max_length=60)
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportNarrativeQuerySet.as_manager()

    class Meta:
        ordering = ["report", "key"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="one_narrative_per_section")]

    def __str__(self):
        return f"{self.key} of {self.report}"


class ReportFileQuerySet(ReportQuerySet):
    """A file follows its report's visibility; the Board and the auditor read frozen files only (NHS England reads
    a regional report's draft files, as an ICB's executive lead reads the draft it is asked to approve)."""

    def restrict(self, user, action=VIEW):
        queryset = super().restrict(user, action)
        if getattr(user, "role", None) in FROZEN_READERS:
            queryset = queryset.filter(frozen=True)
        return queryset


class ReportFile(AuditScopeMixin, models.Model):
    """One file of a build (a draft's latest PDF and XLSX) or of an approval (frozen: PDF, HTML, XLSX, snapshot JSON),
    with its SHA-256. A frozen file is written once and never replaced."""

    access = Access(scope="report__organisation", view=READERS, change=EDITORS)
    status_lookup = "report__status"
    type_lookup = "report__report_type__code"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    frozen = models.BooleanField(default=False)
    file = models.FileField(upload_to="reporting/%Y/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        ordering = ["report", "-frozen", "kind", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind"], condition=models.Q(frozen=True), name="one_frozen_file_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.report}{' (frozen)' if self.frozen else ''}"

    @property
    def filename(self):
        report = self.report
        code = report.organisation.ods_code or report.organisation_id
        period = report.period_label.replace("/", "-").replace(" ", "-")
        extension = "snapshot.json" if self.kind == FileKind.JSON else self.kind
        return (
            f"{report.report_type.code}-{code}-{period}-v{report.number}{'' if self.frozen else '-draft'}.{extension}"
        )
