"""Quarterly provider safeguarding returns [DOMAIN.md §4; NEL 15.0; CPCCG 8.1, App. 3].

Glossary:
- Return: a provider's safeguarding dashboard for one financial-year quarter (2026/27 Q3 = October to
  December 2026), due a number of working days after the quarter ends.
- Metric: an item of the catalogue (returns/data/catalogue.json): training compliance, supervision,
  multi-agency meeting contribution, escalations... with its unit, breakdowns and rating scheme.
- Breakdown: the same figure split by a dimension (intercollegiate training level 1-5, professional
  group; for escalations: the level reached, the theme, the local authority). Each dimension adds up
  to the total.
- RAG: red / amber / green rating of a figure against its scheme's thresholds.
- Version: every submission is kept. Correcting a returned return makes a new version; earlier ones stay.
- Threshold override: the ICB's own thresholds for one metric in one contract, from a given quarter.
"""

from django.db import models

from core.choices import ICB_ROLES, Role
from core.models import User
from core.scoping import Access, AuditScopeMixin, ScopedQuerySet
from core.versioning import Versioned
from returns import rules
from returns.choices import ReturnStatus, Source, Unit

RETURN_VIEWERS = ICB_ROLES | {Role.PROVIDER}
RETURN_EDITORS = frozenset({Role.PROVIDER, Role.DESIGNATED, Role.ADMINISTRATOR})
REVIEWERS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})
OVERRIDE_EDITORS = frozenset({Role.DESIGNATED, Role.CONTRACTS})


class Metric(models.Model):
    """A metric of the catalogue: reference data loaded from returns/data/catalogue.json (not organisation data)."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    applies_to = models.JSONField(default=list, help_text="Organisation kinds that report this metric.")
    breakdowns = models.JSONField(default=list, help_text="Dimension codes the figure must be broken down by.")
    scheme = models.JSONField(default=dict, help_text="The default rating scheme (see returns.rules.Scheme).")
    source = models.CharField(max_length=250)
    main = models.BooleanField(default=False, help_text="Shown in the assurance report's trend charts.")
    position = models.PositiveIntegerField(default=0)
    catalogue_version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def applies_to_kind(self, kind):
        return kind in self.applies_to


class MetricScheme(models.Model):
    """A dated default rating scheme of a metric: the catalogue's scheme in force from a quarter. A new catalogue
    version that changes a default adds a row from its `scheme_from` quarter, so earlier quarters keep being
    rated as they were."""

    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="schemes")
    effective_from = models.PositiveIntegerField(default=0, help_text="Quarter index; 0 = since the beginning.")
    scheme = models.JSONField()
    catalogue_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["metric", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["metric", "effective_from"], name="one_scheme_per_quarter")]

    def __str__(self):
        return f"{self.metric.code} scheme from {self.effective_from}"


class ValidationRule(models.Model):
    """A validation rule as data: its severity (error blocks submission; a warning needs an explanation)
    and its parameter (e.g. the change from the previous quarter that needs explaining)."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=250)
    severity = models.CharField(max_length=10, choices=[(rules.ERROR, "Error"), (rules.WARNING, "Warning")])
    parameter = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.title

    def as_setting(self):
        return rules.RuleSetting(self.code, self.severity, self.parameter, self.active)


class ThresholdOverride(AuditScopeMixin, models.Model):
    """The ICB's thresholds for one metric in one provider contract, in force from a quarter (audited, dated)."""

    access = Access(scope="contract__provider", view=ICB_ROLES | {Role.PROVIDER}, change=OVERRIDE_EDITORS)

    contract = models.ForeignKey("organisations.Contract", on_delete=models.PROTECT, related_name="rag_overrides")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="overrides")
    effective_from = models.PositiveIntegerField(help_text="Quarter index (financial year * 4 + quarter - 1).")
    scheme = models.JSONField()
    reason = models.TextField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "metric", "effective_from", "pk"]

    def __str__(self):
        return f"{self.metric.code} from {self.quarter}: {self.contract.reference}"

    @property
    def quarter(self):
        return rules.Quarter.from_index(self.effective_from)


class Return(AuditScopeMixin, Versioned):
    """A provider's quarterly safeguarding return. Late and missing are derived from `due_date`."""

    access = Access(scope="provider", view=RETURN_VIEWERS, change=RETURN_EDITORS)
    action_source_kind = "return"
    audit_formatters = {"period": ("Quarter", lambda index: rules.Quarter.from_index(int(index)).label)}

    provider = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="returns")
    period = models.PositiveIntegerField(help_text="Quarter index (financial year * 4 + quarter - 1).")
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    due_date = models.DateField()
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, help_text="Why the ICB returned it for correction.")
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Summary of the rated (latest submitted) version, stored with the ratings (returns.ratings).
    red_count = models.PositiveIntegerField(default=0, editable=False)
    amber_count = models.PositiveIntegerField(default=0, editable=False)
    to_rate_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "provider__name"]
        constraints = [models.UniqueConstraint(fields=["provider", "period"], name="one_return_per_quarter")]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self):
        return f"{self.quarter} return: {self.provider.name}"

    @property
    def quarter(self):
        return rules.Quarter.from_index(self.period)

    @property
    def is_editable(self):
        return self.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED)

    @property
    def submitted_on(self):
        from django.utils import timezone

        return timezone.localdate(self.first_submitted_at) if self.first_submitted_at else None

    @property
    def is_late(self):
        return rules.is_late(self.due_date, self.submitted_on)

    def is_missing_on(self, today):
        return rules.is_missing(self.due_date, self.submitted_on, today)


class ReturnVersion(AuditScopeMixin, models.Model):
    """One version of a return's figures. A submitted version is never changed again."""

    access = Access(scope="return_obj__provider", view=RETURN_VIEWERS, change=RETURN_EDITORS)

    return_obj = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["return_obj", "number"]
        constraints = [models.UniqueConstraint(fields=["return_obj", "number"], name="unique_return_version")]

    def __str__(self):
        return f"{self.return_obj} v{self.number}"


class MetricValue(AuditScopeMixin, models.Model):
    """A metric's figures in one version: numerator and denominator (percentage), numerator alone (count,
    and yes/no as 1/0), or a date."""

    access = Access(scope="version__return_obj__provider", view=RETURN_VIEWERS, change=RETURN_EDITORS)

    version = models.ForeignKey(ReturnVersion, on_delete=models.PROTECT, related_name="values")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="values")
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    date_value = models.DateField(null=True, blank=True)
    explanation = models.TextField(blank=True, help_text="The provider's explanation (needed for warnings).")
    prefilled_from = models.CharField(
        max_length=60,
        blank=True,
        help_text="Where Vigil took the figure from when the return was started (e.g. the escalations register); "
        "cleared once the provider changes it.",
    )
    # The stored rating (returns.ratings writes it when figures are saved, a return changes status, a judgement is
    # made, and in a stored job when a scheme or an override changes). Reads never re-rate.
    numeric_rating = models.CharField(max_length=10, blank=True, default="", editable=False)
    rating = models.CharField(
        max_length=10, blank=True, default="", editable=False, help_text="The combined rating (after judgements)."
    )
    judged_rating = models.CharField(max_length=10, blank=True, default="", editable=False)
    rating_driver = models.CharField(max_length=10, blank=True, default="", editable=False)
    capped_by = models.ForeignKey(
        "JudgedMetric", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    target_met = models.BooleanField(null=True, blank=True, editable=False)
    scheme_default = models.ForeignKey(
        MetricScheme, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    scheme_override = models.ForeignKey(
        ThresholdOverride, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["metric__position", "metric__code"]
        constraints = [models.UniqueConstraint(fields=["version", "metric"], name="one_value_per_metric")]

    def __str__(self):
        return f"{self.metric.code} in {self.version}"


class BreakdownValue(AuditScopeMixin, models.Model):
    """One row of a breakdown: the figure for one category of one dimension (e.g. professional group: nursing)."""

    access = Access(scope="value__version__return_obj__provider", view=RETURN_VIEWERS, change=RETURN_EDITORS)

    value = models.ForeignKey(MetricValue, on_delete=models.PROTECT, related_name="breakdown")
    dimension = models.CharField(max_length=40)
    category = models.CharField(max_length=60)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["value", "dimension", "pk"]
        constraints = [models.UniqueConstraint(fields=["value", "dimension", "category"], name="one_row_per_category")]


class JudgedMetric(models.Model):
    """A quality metric the ICB rates by judging the provider's evidence against descriptors [CPCCG App. 3]:
    reference data loaded from returns/data/judged_metrics.json. `caps` names the numeric metrics whose rating
    it caps (green only with the evidence judged present); `facts` names what Vigil already holds that is shown
    beside the judgement (11.a.3: annual report, Section 11 cycle, partnership attendance)."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=250)
    applies_to = models.JSONField(default=list)
    evidence = models.JSONField(default=list, help_text="[[field code, label, hint]] the provider answers.")
    descriptors = models.JSONField(default=dict, help_text="{rating: descriptor} in the seed's words.")
    caps = models.JSONField(default=list, help_text="Codes of the numeric metrics this judgement caps.")
    facts = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)
    catalogue_version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def applies_to_kind(self, kind):
        return kind in self.applies_to

    @property
    def evidence_fields(self):
        return [{"code": code, "label": label, "hint": hint} for code, label, hint in self.evidence]


class JudgementEvidence(AuditScopeMixin, models.Model):
    """The provider's evidence for one judged metric in one version of its return (narrative per field)."""

    access = Access(scope="version__return_obj__provider", view=RETURN_VIEWERS, change=RETURN_EDITORS)

    version = models.ForeignKey(ReturnVersion, on_delete=models.PROTECT, related_name="evidence")
    judged_metric = models.ForeignKey(JudgedMetric, on_delete=models.PROTECT, related_name="answers")
    answers = models.JSONField(default=dict, help_text="{evidence field code: text}")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["judged_metric__position"]
        constraints = [models.UniqueConstraint(fields=["version", "judged_metric"], name="one_evidence_per_judgement")]

    def __str__(self):
        return f"{self.judged_metric.code} evidence in {self.version}"


class JudgedRating(AuditScopeMixin, models.Model):
    """The ICB's rating of one judged metric for one return. A revision adds a row; earlier ones are kept and the
    highest `revision` is in force. The provider sees it once the return is accepted."""

    access = Access(scope="return_obj__provider", view=RETURN_VIEWERS, change=REVIEWERS)

    return_obj = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="judgements")
    judged_metric = models.ForeignKey(JudgedMetric, on_delete=models.PROTECT, related_name="ratings")
    revision = models.PositiveIntegerField(default=1)
    rating = models.CharField(max_length=10, choices=[(r, r.title()) for r in rules.JUDGEMENT_RATINGS])
    descriptor = models.TextField(help_text="The descriptor chosen, as worded when it was chosen.")
    reason = models.TextField(blank=True)
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["return_obj", "judged_metric__position", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["return_obj", "judged_metric", "revision"], name="one_judgement_revision")
        ]

    def __str__(self):
        return f"{self.judged_metric.code} {self.rating} (revision {self.revision})"


def judgement_attachment_path(instance, filename):
    return f"returns/evidence/{instance.evidence.version.return_obj_id}/{filename}"


class JudgementAttachment(AuditScopeMixin, models.Model):
    """A file the provider attaches as evidence for a judged metric (an audit report, minutes). Served only through
    a scoped view; a corrected version carries the same files forward."""

    access = Access(scope="evidence__version__return_obj__provider", view=RETURN_VIEWERS, change=RETURN_EDITORS)

    evidence = models.ForeignKey(JudgementEvidence, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=judgement_attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    description = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name


class RatingSettings(models.Model):
    """The deployment settings the stored ratings were last computed with (one row). `settings.VIGIL` is read when a
    process starts; a worker compares this row with it at start and after `migrate`, and queues the re-rating of the
    metrics a changed setting affects (returns.jobs.rerate_if_settings_changed)."""

    gap_rating = models.CharField(max_length=10)
    judged_caps = models.BooleanField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "rating settings"

    def __str__(self):
        return f"gap rated {self.gap_rating}, judged caps {'on' if self.judged_caps else 'off'}"
