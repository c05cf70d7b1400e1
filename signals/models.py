"""Child-level safeguarding signals: person-level data of the provider or practice that received it.

Glossary:
- Signal: a pattern in what a team receives about a child that calls for a review (reference part C1, S1-S13):
  three or more unscheduled attendances in 12 months [DUDLEY 13.3], more than three domestic abuse notifications
  for a household in six months [DUDLEY 21.10], a CP-IS flagged child attending [SAAF 3.5.3]...
- ECDS: the Emergency Care Data Set, the national record of every attendance at an emergency department or an
  urgent treatment centre; the attendance feed has its shape.
- CP-IS: Child Protection - Information Sharing, the national flag of a child on a child protection plan or in
  care (or an unborn child, through the mother's NHS number) shown to unscheduled care [SAAF 3.5.3].
- Household key: the team's own reference for a family (e.g. "HH-0042"), grouping domestic abuse notifications.
- Register (GP): a child is on the child protection, child in need, looked after... register when the latest of
  an on/off pair of SNOMED CT codes in the child's record is the "on" code [reference C2; E31, E35].

Who sees what: only the receiving organisation's safeguarding users (provider users of that organisation) read
any of it (`Access` below: no ICB role, no board, auditor, NHS England); every full view is logged
(`core.audit.log_access`). The ICB receives counts only (signals.reports). NHS numbers are stored encrypted with
a keyed hash for matching (signals.crypto); `__str__` never shows one, because it is what the audit trail keeps.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from core.choices import ALL_ROLES, Role
from core.scoping import Access, AuditScopeMixin, ScopedQuerySet
from core.versioning import Versioned
from signals import crypto
from signals.choices import (
    Feed,
    FlagKind,
    Outcome,
    Register,
    Setting,
    Severity,
    Signal,
    TaskStatus,
    TimescaleUnit,
)

ORG = "organisations.Organisation"
SAFEGUARDING_USERS = frozenset({Role.PROVIDER})  # the receiving organisation's own safeguarding team
PERSON_LEVEL = Access(scope="organisation", view=SAFEGUARDING_USERS, change=SAFEGUARDING_USERS)


class PersonLevel(AuditScopeMixin, models.Model):
    """Person-level signal data: read by the receiving organisation's safeguarding users only."""

    restricted_register = True  # readers sign in with a second factor (core.second_factor)
    access = PERSON_LEVEL
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Child(PersonLevel):
    """A child (or, for an unborn child's CP-IS flag, the expectant mother) known to the organisation by NHS
    number. The number is never stored readable: `nhs_number_encrypted` (Fernet) and `nhs_number_hash` (HMAC-SHA256,
    one per organisation and number)."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    nhs_number_encrypted = models.TextField(editable=False)
    nhs_number_hash = models.CharField(max_length=64, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    is_expectant_mother = models.BooleanField(
        default=False, help_text="The NHS number is a mother's, flagged for her unborn child (CP-IS)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "children"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "nhs_number_hash"], name="signals_child_unique_number")
        ]

    def __str__(self):
        return f"Child {self.pk}"

    def set_nhs_number(self, nhs_number):
        self.nhs_number_encrypted = crypto.encrypt(nhs_number)
        self.nhs_number_hash = crypto.matching_hash(nhs_number)

    @property
    def nhs_number(self):
        """The readable number: only for the organisation's safeguarding users, on a logged view."""
        return crypto.decrypt(self.nhs_number_encrypted)

    @property
    def masked_nhs_number(self):
        """'*** *** 1234': enough to tell two children apart on a list, not to identify one."""
        return f"*** *** {self.nhs_number[-4:]}"


class Household(PersonLevel):
    """A family, by the key the team assigns, grouping domestic abuse notifications [DUDLEY 21.10]."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(
        "household key", max_length=60, help_text="The team's own reference (e.g. HH-0042). Never a name or address."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="signals_household_unique_key")]

    def __str__(self):
        return f"Household {self.key}"


class FeedUpload(PersonLevel):
    """One imported extract: which feed, which file, who, how many rows were new."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    feed = models.CharField(max_length=30, choices=Feed.choices)
    file_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    new_records = models.PositiveIntegerField(default=0, help_text="Records created (children, households...).")
    already_held = models.PositiveIntegerField(default=0, help_text="Rows already held, or repeated in the file.")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.get_feed_display()} upload {self.pk}"


class Attendance(PersonLevel):
    """An unscheduled care attendance or NHS 111 contact (ECDS-like) [DUDLEY 13.1-13.3]. The same child, arrival
    and setting is one attendance, however many times a file brings it."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="attendances")
    arrived_at = models.DateTimeField("arrival date and time")
    setting = models.CharField(max_length=30, choices=Setting.choices)
    upload = models.ForeignKey(FeedUpload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["arrived_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "arrived_at", "setting"], name="signals_attendance_natural_key")
        ]
        indexes = [models.Index(fields=["organisation", "arrived_at"])]

    def __str__(self):
        return f"Attendance {self.pk}"


class DomesticAbuseNotification(PersonLevel):
    """A police domestic abuse notification about a household with children [DUDLEY 21]. The same household,
    date and police reference is one notification."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="notifications")
    notified_on = models.DateField("notification date")
    police_reference = models.CharField(max_length=60, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    children = models.ManyToManyField(Child, through="NotificationChild", related_name="notifications")
    upload = models.ForeignKey(FeedUpload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["notified_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "notified_on", "police_reference"], name="signals_notification_natural_key"
            )
        ]
        indexes = [models.Index(fields=["organisation", "notified_on"])]

    def __str__(self):
        return f"Domestic abuse notification {self.pk}"


class NotificationChild(PersonLevel):
    """A child named in a notification, with the age the notification gave (routing uses the age on the
    notification date, from the date of birth when known) [DUDLEY 21.2]."""

    access = Access(scope="notification__organisation", view=SAFEGUARDING_USERS, change=SAFEGUARDING_USERS)

    notification = models.ForeignKey(DomesticAbuseNotification, on_delete=models.CASCADE, related_name="links")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    age_at_notification = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "child"], name="signals_notification_child_unique")
        ]

    def __str__(self):
        return f"Child {self.child_id} in notification {self.notification_id}"


class MissedAppointment(PersonLevel):
    """An appointment the child was not brought to [DUDLEY 27; E38]."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missed_appointments")
    appointment_on = models.DateField("appointment date")
    service = models.CharField(max_length=100)
    upload = models.ForeignKey(FeedUpload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["appointment_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "appointment_on", "service"], name="signals_missed_natural_key")
        ]

    def __str__(self):
        return f"Missed appointment {self.pk}"


class CpisFlag(PersonLevel):
    """A CP-IS flag: child protection plan, child in care, or an unborn child through the mother's NHS number
    (the `child` is then the mother: `Child.is_expectant_mother`) [SAAF 3.5.3]."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    local_authority = models.CharField("responsible local authority", max_length=150, blank=True)
    upload = models.ForeignKey(FeedUpload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["child", "kind", "starts_on"], name="signals_flag_natural_key")]

    def __str__(self):
        return f"CP-IS flag {self.pk}"


class GpCodePair(models.Model):
    """Reference data shared by every ICB: the SNOMED CT code that puts a child on a register and the code that
    takes the child off [reference C2; RCGP essential safeguarding codes, E29]. An off code left blank is one the
    reference could not verify (part H): add it here."""

    register = models.CharField(max_length=20, choices=Register.choices)
    on_code = models.CharField("'on' SNOMED CT code", max_length=18, unique=True)
    off_code = models.CharField("'off' SNOMED CT code", max_length=18, blank=True)
    source = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["register", "on_code"]

    def __str__(self):
        return f"{self.get_register_display()} ({self.on_code})"


class GpCode(PersonLevel):
    """A SNOMED CT safeguarding code recorded in a child's GP record on a date [DDICB Recording in Primary Care]."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="gp_codes")
    code = models.CharField("SNOMED CT code", max_length=18)
    recorded_on = models.DateField()
    upload = models.ForeignKey(FeedUpload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["recorded_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "code", "recorded_on"], name="signals_code_natural_key")
        ]

    def __str__(self):
        return f"GP code {self.pk}"


class SignalRule(AuditScopeMixin, Versioned):
    """A signal's settings for one organisation: threshold, rolling window, owners and timescale, created from the
    sourced defaults (signals/conf.py) and changed by the team. The ICB reads them (it assures the process), never
    the children they fire on."""

    access = Access(scope="organisation", view=ALL_ROLES, change=SAFEGUARDING_USERS)
    objects = ScopedQuerySet.as_manager()

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    signal = models.CharField(max_length=5, choices=Signal.choices)
    enabled = models.BooleanField(default=True)
    threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="At least this many events (S3's 'more than three' is 4). Blank: not evaluated.",
    )
    window_months = models.PositiveSmallIntegerField(
        "rolling window (months)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    timescale = models.PositiveSmallIntegerField(
        "review due within", null=True, blank=True, help_text="Blank: the task has no due date (no sourced number)."
    )
    timescale_unit = models.CharField(max_length=20, choices=TimescaleUnit.choices, default=TimescaleUnit.WORKING_DAYS)
    owners = models.JSONField(default=list, help_text="Who acts (signals.choices.Owner).")
    parameters = models.JSONField(default=dict, blank=True, help_text="Rule-specific settings (S2's age bands...).")
    source = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    evaluated_up_to = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="{source: highest record id evaluated} (signals.actions.do_evaluate); emptied by a rule change.",
    )

    class Meta:
        ordering = ["organisation", "signal"]
        constraints = [models.UniqueConstraint(fields=["organisation", "signal"], name="signals_rule_unique")]

    def __str__(self):
        return f"{self.signal} rule"


class ReviewTask(PersonLevel, Versioned):
    """A review a rule opened: its owner(s), due date (the one calendar), the evidence that fired it and the
    outcome. `dedup_key` names the rule, subject and triggering record, so evaluation never opens it twice."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(SignalRule, on_delete=models.PROTECT, related_name="tasks")
    signal = models.CharField(max_length=5, choices=Signal.choices)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    dedup_key = models.CharField(max_length=120, editable=False)
    owners = models.JSONField(default=list)
    opened_on = models.DateField()
    fired_on = models.DateField(
        null=True, blank=True, help_text="The day of the record that fired it (the quarter it counts in)."
    )
    due_on = models.DateField(null=True, blank=True)
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField("notes", blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        "casework.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "opened_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dedup_key"], name="signals_task_unique_evidence"),
            models.CheckConstraint(
                condition=models.Q(child__isnull=False) | models.Q(household__isnull=False),
                name="signals_task_has_subject",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self):
        return f"Review task {self.pk} ({self.signal})"


EVIDENCE_KINDS = (
    ("attendance", "attendance"),
    ("notification", "notification"),
    ("missed_appointment", "missed"),
    ("flag", "flag"),
)


class TaskEvidence(PersonLevel):
    """One record that fired (or was added to) a task: an attendance, a notification, a missed appointment or a
    CP-IS flag. Each row names one record of the four, so its indexes are partial (a row enters two of them, not
    ten): evaluation writes tens of thousands of these at once."""

    access = Access(scope="task__organisation", view=SAFEGUARDING_USERS, change=SAFEGUARDING_USERS)

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="evidence", db_index=False)
    attendance = models.ForeignKey(
        Attendance, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    notification = models.ForeignKey(
        DomesticAbuseNotification, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    missed_appointment = models.ForeignKey(
        MissedAppointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    flag = models.ForeignKey(
        CpisFlag, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    added_at = models.DateTimeField(auto_now_add=True)
    added_later = models.BooleanField(default=False, help_text="Added to the open task after it was opened.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", name],
                condition=models.Q(**{f"{name}__isnull": False}),
                name=f"signals_evidence_{short}_once",
            )
            for name, short in EVIDENCE_KINDS
        ]
        indexes = [
            models.Index(fields=["task"], name="signals_evidence_task"),
            *(
                models.Index(
                    fields=[name], condition=models.Q(**{f"{name}__isnull": False}), name=f"signals_evidence_{short}"
                )
                for name, short in EVIDENCE_KINDS
            ),
        ]

    def __str__(self):
        return f"Evidence {self.pk} of review task {self.task_id}"


PERSON_LEVEL_MODELS = (
    Child,
    Household,
    Attendance,
    DomesticAbuseNotification,
    NotificationChild,
    MissedAppointment,
    CpisFlag,
    GpCode,
    ReviewTask,
    TaskEvidence,
    FeedUpload,
)
