"""Governance registers of an ICB: its committees, their meetings, the papers taken to them and the
decisions made; the policy register with every version of each document; the safeguarding risk
register with its score history and escalations; and the annual safeguarding reports providers send.

Glossary:
- Likelihood x consequence: the NHS 5x5 risk matrix, each on a scale of 1-5; the score is their product.
- Initial (inherent), current and target scores: before controls, now, and where the controls should
  bring it.
- Monitoring check: a recurring internal check from a policy's monitoring table (team structure every
  quarter, governance forums every six months, the training programme yearly, policies on the website,
  Board oversight), with its owner, frequency and the forum that reviews the result; each check done is
  a MonitoringCheckRecord [DDICB Monitoring and Review of Policy].
- Escalation: the risk taken to a committee (and through it to the Board) when its current score
  reaches the threshold [CPCCG 8.2; SAAF 5.1.2].

Scoping: committees, meetings, risks belong to an ICB (`icb`); a policy to an organisation (the ICB for
its own policies, a provider for a provider policy the ICB has seen); an annual report to its provider.
Board members see approved policies only (PolicyQuerySet).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.choices import ActionSource, Role
from core.models import User
from core.scoping import VIEW, Access, AuditScopeMixin, ScopedQuerySet, restrict
from core.versioning import Versioned
from governance import conf, rules
from governance.choices import (
    CheckOutcome,
    CommitteeKind,
    MonitoringFrequency,
    PolicyStatus,
    ReportSubject,
    RiskStatus,
)
from organisations.models import Organisation

EDITORS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})
DECISION_EDITORS = EDITORS | {Role.EXECUTIVE}
COMMITTEE_READERS = EDITORS | {Role.EXECUTIVE, Role.BOARD, Role.AUDITOR}
RISK_READERS = COMMITTEE_READERS
POLICY_READERS = COMMITTEE_READERS | {Role.CONTRACTS, Role.PROVIDER}
ANNUAL_REPORT_READERS = EDITORS | {Role.EXECUTIVE, Role.AUDITOR, Role.PROVIDER}
SCALE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Committee(AuditScopeMixin, Versioned):
    access = Access(scope="icb", view=COMMITTEE_READERS, change=EDITORS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=CommitteeKind.choices)
    chair = models.CharField(max_length=150, blank=True, help_text="The post that chairs it.")
    terms_of_reference = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:committee-detail", args=[self.pk])


class Meeting(AuditScopeMixin, Versioned):
    access = Access(scope="committee__icb", view=COMMITTEE_READERS, change=EDITORS)
    action_source_kind = ActionSource.OTHER

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    minute_reference = models.CharField(max_length=100, blank=True, help_text="For example QSG/2026/07.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.committee.name}, {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", args=[self.pk])


class Paper(AuditScopeMixin, Versioned):
    """A paper taken to a meeting, with a link to the record it is about where there is one."""

    access = Access(scope="meeting__committee__icb", view=COMMITTEE_READERS, change=EDITORS)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="papers")
    title = models.CharField(max_length=250)
    presented_by = models.CharField(max_length=150)
    record_link = models.CharField(
        "link to the record",
        max_length=300,
        blank=True,
        help_text="A Vigil page (starting with /) or an https:// address, for example /governance/risks/4/.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title


class Decision(AuditScopeMixin, Versioned):
    access = Access(scope="meeting__committee__icb", view=COMMITTEE_READERS, change=DECISION_EDITORS)
    action_source_kind = ActionSource.OTHER

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField("decision")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"Decision of {self.meeting}: {self.text[:80]}"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()


class PolicyQuerySet(ScopedQuerySet):
    """Board members see approved (and superseded) policies, never drafts."""

    def restrict(self, user, action=VIEW):
        queryset = restrict(self, user, action)
        if getattr(user, "role", None) == Role.BOARD:
            queryset = queryset.exclude(**{self.model.status_lookup: PolicyStatus.DRAFT})
        return queryset


class Policy(AuditScopeMixin, Versioned):
    access = Access(scope="organisation", view=POLICY_READERS, change=EDITORS)
    status_lookup = "status"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text="The ICB for its own policies; the provider for a provider policy the ICB has seen.",
    )
    reference = models.CharField(max_length=60, blank=True, help_text="For example QS/XX/058.")
    title = models.CharField(max_length=250)
    owner = models.CharField(max_length=150, help_text="The person or post responsible for the policy.")
    document_version = models.CharField(
        "version", max_length=30, help_text="The policy document's own version, e.g. 2.1."
    )
    status = models.CharField(max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.APPROVED)
    approved_on = models.DateField(null=True, blank=True)
    approving_committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="approved_policies"
    )
    review_interval_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="Months between reviews: 24 by default [DDICB]; at least 36 for safer recruitment [NEL Std 10].",
    )
    next_review_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "policies"
        indexes = [models.Index(fields=["organisation", "next_review_on"])]

    def __str__(self):
        return f"{self.title} v{self.document_version}"

    def get_absolute_url(self):
        return reverse("governance:policy-detail", args=[self.pk])

    @property
    def is_provider_policy(self):
        return self.organisation.kind != "icb"

    def review_state_on(self, today, due_soon_days=None):
        if self.status != PolicyStatus.APPROVED:
            return rules.IN_DATE
        days = conf.setting("GOVERNANCE_POLICY_REMINDER_DAYS") if due_soon_days is None else due_soon_days
        return rules.review_state(self.next_review_on, today, days)

    @property
    def review_state(self):
        return self.review_state_on(timezone.localdate())

    @property
    def review_label(self):
        return rules.REVIEW_LABELS[self.review_state]

    @property
    def review_tag(self):
        return rules.REVIEW_TAGS[self.review_state]


class PolicyDocument(AuditScopeMixin, models.Model):
    """One version of a policy's document: every version is kept."""

    access = Access(scope="policy__organisation", view=POLICY_READERS, change=EDITORS)
    status_lookup = "policy__status"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="documents")
    version = models.CharField(max_length=30)
    file = models.FileField(upload_to="governance/policies/%Y/")
    note = models.CharField(max_length=250, blank=True, help_text="What changed in this version.")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.policy.title} v{self.version} document"


class Risk(AuditScopeMixin, Versioned):
    """A safeguarding risk on the ICB's register (cause, event, effect; controls, assurances, gaps)."""

    access = Access(scope="icb", view=RISK_READERS, change=EDITORS)
    action_source_kind = ActionSource.OTHER

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    title = models.CharField("risk", max_length=250)
    cause = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    owner = models.CharField(max_length=150)
    controls = models.TextField(blank=True)
    assurances = models.TextField(blank=True)
    gaps = models.TextField("gaps in control or assurance", blank=True)
    initial_likelihood = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    initial_consequence = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    current_likelihood = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    current_consequence = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    target_likelihood = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    target_consequence = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    current_score = models.PositiveSmallIntegerField(editable=False, default=1)
    opened_on = models.DateField(default=timezone.localdate)
    review_date = models.DateField()
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-current_score", "pk"]
        indexes = [models.Index(fields=["icb", "status", "current_score"])]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self):
        return f"SR{self.pk:03d}" if self.pk else "SR---"

    def get_absolute_url(self):
        return reverse("governance:risk-detail", args=[self.pk])

    def score_of(self, kind):
        return getattr(self, f"{kind}_likelihood") * getattr(self, f"{kind}_consequence")

    @property
    def initial_score(self):
        return self.score_of("initial")

    @property
    def target_score(self):
        return self.score_of("target")


class RiskScore(AuditScopeMixin, models.Model):
    """The current score of a risk each time it was scored: the history the trend is drawn from."""

    access = Access(scope="risk__icb", view=RISK_READERS, change=EDITORS)

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="scores")
    likelihood = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    consequence = models.PositiveSmallIntegerField(validators=SCALE_VALIDATORS)
    scored_on = models.DateField()
    note = models.CharField(max_length=250, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["scored_on", "pk"]

    @property
    def score(self):
        return self.likelihood * self.consequence


class RiskEscalation(AuditScopeMixin, models.Model):
    access = Access(scope="risk__icb", view=RISK_READERS, change=EDITORS)

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="escalations")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="escalated_risks")
    escalated_on = models.DateField()
    score = models.PositiveSmallIntegerField(help_text="The current score when escalated.")
    note = models.TextField(blank=True)
    escalated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-escalated_on", "-pk"]

    def __str__(self):
        return f"{self.risk.reference} to {self.committee.name} on {self.escalated_on:%d %B %Y}"


class AnnualReport(AuditScopeMixin, Versioned):
    """A provider's annual safeguarding report (children or adults) for a financial year: expected,
    received and reviewed with the ICB's feedback [NEL 15.0; adults Std 9]."""

    access = Access(scope="provider", view=ANNUAL_REPORT_READERS, change=EDITORS)

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(help_text="The financial year's first year: 2025 for 2025/26.")
    subject = models.CharField(max_length=20, choices=ReportSubject.choices)
    due_date = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    document = models.FileField(upload_to="governance/annual-reports/%Y/", blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    feedback = models.TextField("the ICB's feedback", blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "provider__name", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "year", "subject"], name="one_annual_report_per_subject_year")
        ]

    def __str__(self):
        return f"{self.provider.name}: {self.get_subject_display().lower()} annual report {self.year_label}"

    def get_absolute_url(self):
        return reverse("governance:annual-report-detail", args=[self.pk])

    @property
    def year_label(self):
        return rules.financial_year_label(self.year)

    def state_on(self, today):
        return rules.annual_report_state(self.due_date, self.received_on, self.reviewed_on, today)

    @property
    def state(self):
        return self.state_on(timezone.localdate())

    @property
    def state_label(self):
        return rules.REPORT_LABELS[self.state]

    @property
    def state_tag(self):
        return rules.REPORT_TAGS[self.state]


class MonitoringCheck(AuditScopeMixin, Versioned):
    """A recurring internal check on the monitoring schedule. Overdue is derived from `next_due_on` (computed
    from the last check done, or the first due date), never stored as a status."""

    access = Access(scope="icb", view=COMMITTEE_READERS, change=EDITORS)
    action_source_kind = ActionSource.OTHER

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    title = models.CharField("check", max_length=250, help_text="What is checked.")
    purpose = models.TextField(blank=True, help_text="Why: the aim in the policy's monitoring table.")
    owner = models.CharField(max_length=150, help_text="The person or post responsible for doing the check.")
    frequency_months = models.PositiveSmallIntegerField("frequency", choices=MonitoringFrequency.choices)
    reviewing_committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_checks",
        help_text="The forum that reviews the result.",
    )
    oversight = models.CharField(
        max_length=200, blank=True, help_text="Who oversees the actions, for example the ICB Board."
    )
    source = models.CharField(max_length=200, blank=True, help_text="The policy and table the check comes from.")
    first_due_on = models.DateField("first check due")
    reminder_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days before the due date when reminders start (blank: the ICB's default)."
    )
    next_due_on = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["next_due_on", "pk"]
        indexes = [models.Index(fields=["icb", "next_due_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:monitoring-detail", args=[self.pk])

    @property
    def reminder_window(self):
        if self.reminder_days is not None:
            return self.reminder_days
        return conf.setting("GOVERNANCE_MONITORING_REMINDER_DAYS")

    def state_on(self, today):
        if self.archived_at:
            return rules.IN_DATE
        return rules.check_state(self.next_due_on, today, self.reminder_window)

    @property
    def state(self):
        return self.state_on(timezone.localdate())

    @property
    def state_label(self):
        return rules.CHECK_LABELS[self.state]

    @property
    def state_tag(self):
        return rules.REVIEW_TAGS[self.state]


class MonitoringCheckRecord(AuditScopeMixin, models.Model):
    """One check done: when, by whom, what was found and where it was reported. Records are kept, never
    changed; a correction is a new record."""

    access = Access(scope="monitoring_check__icb", view=COMMITTEE_READERS, change=EDITORS)
    action_source_kind = ActionSource.OTHER

    monitoring_check = models.ForeignKey(MonitoringCheck, on_delete=models.PROTECT, related_name="records")
    done_on = models.DateField("date done")
    done_by = models.CharField(max_length=150, help_text="Who did the check.")
    outcome = models.CharField(max_length=20, choices=CheckOutcome.choices)
    findings = models.TextField()
    reported_to = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_records",
        help_text="The meeting the result was taken to.",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-done_on", "-pk"]

    def __str__(self):
        return f"{self.monitoring_check.title}: done {self.done_on:%d %B %Y}"

    def get_absolute_url(self):
        return self.monitoring_check.get_absolute_url()
