"""Standards assurance: frameworks as versioned data, assessment cycles, self-assessments with
evidence, and the ICB's review and sign-off.

Glossary:
- Framework: a set of standards an organisation assesses itself against (e.g. the Section 11
  safeguarding children standards), in a given version. Versions are never edited: a new
  version is new rows, so an assessment always shows the wording it was made against.
- Requirement: one standard of a framework, with the evidence the ICB expects and its source.
- Cycle: the ICB asks a set of organisations to assess themselves against one framework
  version for a period (e.g. "2026/27"), by a due date.
- Assessment: one organisation's self-assessment in a cycle; a response per requirement
  (rating, narrative, evidence). A shortfall needs a SMART action (core TrackedAction).
- Review: a designated professional accepts or challenges each response; a challenge returns
  the assessment to the provider; once every response is accepted it is signed off.
"""

from django.db import models
from django.urls import reverse

from assurance.choices import (
    AssessmentStatus,
    CommentKind,
    EvidenceKind,
    InspectionBody,
    InspectionKind,
    NoticeKind,
    Rating,
    RegulatorRating,
    ReviewDecision,
)
from core.choices import ALL_ROLES, ICB_ROLES, ActionSource, Role
from core.scoping import Access, AuditScopeMixin, ScopedQuerySet
from core.versioning import Versioned

CYCLE_MANAGERS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})
ASSESSMENT_EDITORS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR, Role.PROVIDER})
REVIEWERS = frozenset({Role.DESIGNATED})


class Framework(models.Model):
    """A versioned set of standards (reference data shared by every ICB, loaded from assurance/data/)."""

    key = models.SlugField(max_length=60, help_text="Stable name of the framework across versions.")
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=30)
    source = models.TextField(help_text="Where the standards come from.")
    effective_date = models.DateField()
    applies_to = models.JSONField(default=list, help_text="Organisation kinds the framework applies to.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-effective_date"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="unique_framework_version")]

    def __str__(self):
        return f"{self.name} (version {self.version})"


class Section(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="sections")
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_section_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Requirement(models.Model):
    """One standard: what must be true, the evidence expected, and the source it comes from."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="requirements")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="requirements")
    code = models.CharField(max_length=30)
    title = models.TextField()
    guidance = models.TextField(blank=True, help_text="The evidence the ICB expects to see.")
    source = models.CharField(max_length=300)
    applies_to = models.JSONField(default=list, blank=True, help_text="Kinds; empty means the framework's kinds.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_requirement_code")]

    def __str__(self):
        return f"{self.code}: {self.title[:80]}"

    @property
    def expected_evidence(self):
        """The guidance with this ICB's settings filled in (Lampard L-4 and L-5 follow settings)."""
        from assurance import conf, rules

        return rules.worded(self.guidance, conf.setting_phrases())


class Cycle(AuditScopeMixin, Versioned):
    """The ICB asks organisations to assess themselves against one framework version by a date."""

    access = Access(scope="icb", view=ICB_ROLES, change=CYCLE_MANAGERS)

    icb = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="assurance_cycles")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    period_label = models.CharField("period", max_length=60, help_text="For example: 2026/27")
    due_date = models.DateField()
    opened_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    rolled_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rolled_into",
        help_text="The earlier cycle whose answers, evidence and open actions this one started from.",
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    close_reason = models.TextField(blank=True, help_text="Why it was closed before every assessment was signed off.")
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date", "-pk"]

    def __str__(self):
        return f"{self.framework.name}, {self.period_label}"


class Assessment(AuditScopeMixin, Versioned):
    """One organisation's self-assessment in a cycle."""

    access = Access(scope="organisation", view=ALL_ROLES, change=ASSESSMENT_EDITORS)
    action_source_kind = ActionSource.ASSESSMENT

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "organisation"], name="one_assessment_per_cycle")]

    def __str__(self):
        return f"{self.organisation.name}: {self.cycle}"

    def get_absolute_url(self):
        return reverse("assurance:assessment", args=[self.pk])


class Response(AuditScopeMixin, Versioned):
    """An organisation's answer to one requirement: rating, narrative, evidence, review."""

    access = Access(scope="assessment__organisation", view=ALL_ROLES, change=ASSESSMENT_EDITORS)
    action_source_kind = ActionSource.ASSESSMENT

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="responses")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="responses")
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    na_reason = models.TextField("reason it does not apply", blank=True)
    narrative = models.TextField(blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Last cycle's answer this one started from (a starting point, never submitted for the provider).",
    )
    review_decision = models.CharField(max_length=20, choices=ReviewDecision.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["requirement__section__order", "requirement__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "requirement"], name="one_response_each")]

    def __str__(self):
        return f"{self.requirement.code} ({self.assessment})"

    def get_absolute_url(self):
        """Where an action's source links to (the requirement on its assessment page)."""
        return reverse("assurance:assessment", args=[self.assessment_id]) + f"#req-{self.pk}"


def evidence_path(instance, filename):
    return f"assurance/evidence/{instance.response.assessment_id}/{instance.response_id}/{filename}"


class Evidence(AuditScopeMixin, Versioned):
    """A file (stored under MEDIA_ROOT, served only through a scoped view) or a link."""

    access = Access(scope="response__assessment__organisation", view=ALL_ROLES, change=ASSESSMENT_EDITORS)

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(upload_to=evidence_path, max_length=300, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500, blank=True)
    description = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name or self.url


class ReviewComment(AuditScopeMixin, models.Model):
    """The thread on one response: the reviewer's acceptance or challenge, the provider's answers."""

    access = Access(scope="response__assessment__organisation", view=ALL_ROLES, change=ASSESSMENT_EDITORS)

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="comments")
    kind = models.CharField(max_length=20, choices=CommentKind.choices)
    text = models.TextField(blank=True)
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.response_id}"


# --- The ICB's own duties: records that evidence them -----------------------------------------


class ChildrenInCareSpecification(AuditScopeMixin, Versioned):
    """The ICB's children-in-care (looked after children) health service specification, with its review date
    and how the child's voice is captured to influence service design and delivery. The ICB must "have an up
    to date looked after children health service specification" and "a system ... to capture the voice of the
    looked after child" [DDICB Looked after Children]. A gap shows once the review date has passed."""

    access = Access(scope="icb", view=ICB_ROLES, change=CYCLE_MANAGERS)

    icb = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+", editable=False)
    title = models.CharField(max_length=250)
    provider_name = models.CharField(
        "commissioned from", max_length=200, blank=True, help_text="The provider of the health service."
    )
    approved_on = models.DateField(null=True, blank=True)
    review_date = models.DateField()
    child_voice = models.TextField(
        "how the child's voice is captured",
        blank=True,
        help_text="For example a children in care council, feedback after each health assessment, young "
        "people on the service review panel.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-review_date", "pk"]

    def __str__(self):
        return self.title

    def gaps_on(self, today):
        from assurance import rules

        return rules.specification_gaps(self.review_date, self.child_voice, today)


class FundingPanelAssurance(AuditScopeMixin, Versioned):
    """One of the ICB's funding panels (for example continuing healthcare or individual funding requests):
    whether its decisions are documented as compliant with the Mental Capacity Act 2005, the evidence and the
    date [DDICB Chief Executive Officer: "any system and processes that include decision making about an
    individual patient (e.g. funding panels) takes account of the requirements of the Mental Capacity Act"]."""

    access = Access(scope="icb", view=ICB_ROLES, change=CYCLE_MANAGERS)

    icb = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+", editable=False)
    panel = models.CharField(max_length=200, help_text="For example the continuing healthcare funding panel.")
    mca_compliant = models.BooleanField("documented as MCA-compliant", default=False)
    evidence = models.TextField(blank=True, help_text="Where the compliance is documented, for example an audit.")
    assured_on = models.DateField("date assured", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["panel", "pk"]

    def __str__(self):
        return self.panel

    @property
    def gaps(self):
        from assurance import rules

        return rules.funding_panel_gaps(self.mca_compliant, self.evidence, self.assured_on)


INSPECTION_EDITORS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})


INSPECTION_READERS = ALL_ROLES


class CqcRegistration(AuditScopeMixin, Versioned):
    """A provider's registration with the Care Quality Commission, its current rating and conditions."""

    access = Access(scope="provider", view=INSPECTION_READERS, change=INSPECTION_EDITORS)

    provider = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="cqc_registrations"
    )
    registration_id = models.CharField(
        "CQC provider ID", max_length=30, help_text="As on the CQC register, for example 1-101234567."
    )
    registered_on = models.DateField(null=True, blank=True)
    current_rating = models.CharField(max_length=30, choices=RegulatorRating.choices, blank=True)
    rated_on = models.DateField("date of the rating", null=True, blank=True)
    conditions = models.TextField(
        "conditions of registration", blank=True, help_text="Any conditions the CQC has imposed; blank when none."
    )
    icb_told_on = models.DateField(
        "date the ICB was told",
        null=True,
        blank=True,
        help_text="When the provider assured the ICB of its registration and told it of any conditions [NEL 15.0].",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "pk"]
        verbose_name = "CQC registration"
        constraints = [
            models.UniqueConstraint(
                fields=["provider"], condition=models.Q(archived_at__isnull=True), name="one_live_cqc_registration"
            )
        ]

    def __str__(self):
        return f"CQC {self.registration_id}: {self.provider.name}"

    def get_absolute_url(self):
        return reverse("assurance:inspections") + f"#registration-{self.pk}"


class Inspection(AuditScopeMixin, Versioned):
    """One inspection or review of an organisation (or of the ICB's area, recorded against the ICB)."""

    access = Access(scope="organisation", view=INSPECTION_READERS, change=INSPECTION_EDITORS)
    action_source_kind = ActionSource.INSPECTION

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="inspections",
        help_text="The organisation inspected or reviewed; the ICB itself for an area-wide inspection or inquiry.",
    )
    body = models.CharField("inspected by", max_length=20, choices=InspectionBody.choices)
    kind = models.CharField(max_length=20, choices=InspectionKind.choices)
    title = models.CharField(max_length=200, help_text="For example: unannounced inspection of maternity services.")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    published_on = models.DateField("report published", null=True, blank=True)
    rating = models.CharField("overall rating or judgement", max_length=30, choices=RegulatorRating.choices, blank=True)
    findings = models.TextField(blank=True, help_text="The main findings about safeguarding.")
    investigation = models.BooleanField(
        "an investigation", default=False, help_text="The inspection or review investigates a concern."
    )
    designated_informed_on = models.DateField(
        "date the designated professional was informed",
        null=True,
        blank=True,
        help_text="Designated professionals are told of every investigation [DUDLEY 19.3].",
    )
    icb_told_on = models.DateField("date the ICB was told", null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "started_on"])]

    def __str__(self):
        return f"{self.title} ({self.organisation.name}, {self.started_on:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("assurance:inspection", args=[self.pk])

    @property
    def rating_tag(self):
        from assurance import rules

        return rules.rating_tag(self.rating)


class RegulatoryNotice(AuditScopeMixin, Versioned):
    """A condition, requirement notice, warning notice or other enforcement imposed on a provider [NEL 15.0]."""

    access = Access(scope="provider", view=INSPECTION_READERS, change=INSPECTION_EDITORS)
    action_source_kind = ActionSource.INSPECTION

    provider = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="cqc_notices")
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        help_text="The inspection it followed, if any.",
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    issued_on = models.DateField()
    summary = models.TextField(help_text="What the regulator requires.")
    icb_told_on = models.DateField(
        "date the ICB was told", null=True, blank=True, help_text="When the provider told the ICB [NEL 15.0]."
    )
    lifted_on = models.DateField("lifted or met on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.provider.name}, {self.issued_on:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("assurance:notice", args=[self.pk])
