"""Workforce assurance: the ICB's own staff's training, DBS and supervision, and its designated capacity.

Glossary:
- Framework version: one edition of a training framework (e.g. intercollegiate 2019) with its levels;
  reference data from workforce/data/frameworks.json, with an effective-from (and -to) date.
- TNA (training needs analysis): the ICB's map of staff group (and role) to the level required per topic.
- Extract: an ESR-shaped person-level file of completions (staff key, role, staff group, start date,
  competence, completion and expiry dates, hours), imported all-or-nothing.
- WTE: whole-time equivalent; PA: programmed activity (a 4-hour session of a consultant's week).

Scoping: every record belongs to an ICB (`icb`, or its staff member's). HR and designated professionals
manage staff records; the safeguarding administrator reads them; executives and the board read the
aggregates (compliance, capacity) only. Supervision content is restricted further (SessionQuerySet).
"""

from django.core.exceptions import ValidationError
from django.db import models

from core.choices import ICB_ROLES, Role
from core.scoping import VIEW, Access, AuditScopeMixin, ScopedQuerySet, restrict
from core.versioning import Versioned
from organisations.models import Organisation
from workforce import rules
from workforce.choices import (
    CapacityUnit,
    DbsLevel,
    DesignatedRole,
    StaffStatus,
    SupervisionGroup,
    Topic,
)

D, HR, ADMIN = Role.DESIGNATED, Role.HR, Role.ADMINISTRATOR
STAFF_MANAGERS = frozenset({D, HR})
STAFF_READERS = STAFF_MANAGERS | {ADMIN}
AGGREGATE_READERS = STAFF_READERS | {Role.EXECUTIVE, Role.BOARD}
CAPACITY_EDITORS = frozenset({D, ADMIN})


# ------------------------------------------------------------------------------------------ reference data


class FrameworkVersion(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    name = models.CharField(max_length=250)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=250)

    class Meta:
        ordering = ["topic", "effective_from"]

    def __str__(self):
        return self.name


class FrameworkLevel(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    hours = models.DecimalField("hours per 3 years", max_digits=5, decimal_places=1, null=True, blank=True)
    initial_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    initial_months = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    source = models.CharField(max_length=250)

    class Meta:
        ordering = ["version", "level"]
        constraints = [models.UniqueConstraint(fields=["version", "level"], name="unique_level_per_version")]

    def __str__(self):
        return f"{self.version.code}: {self.name}"


class SupervisionRule(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    supervisee_group = models.CharField(max_length=20, choices=SupervisionGroup.choices, unique=True)
    unit = models.CharField(max_length=20, choices=[("months", "months"), ("working_days", "working days")])
    amount = models.PositiveSmallIntegerField()
    setting = models.CharField(max_length=60, blank=True)
    source = models.CharField(max_length=250)

    def __str__(self):
        return self.source


# ---------------------------------------------------------------------------------------- the ICB's choices


class WorkforcePolicy(AuditScopeMixin, Versioned):
    """Where the seeds disagree, the ICB's choice (each option names its source; see conf.py)."""

    access = Access(scope="icb", view=AGGREGATE_READERS, change=STAFF_MANAGERS)

    icb = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    l1_refresher_months = models.CharField("children level 1 refresher", max_length=4, default="36")
    target_choice = models.CharField("target for ICB staff", max_length=4, default="85")
    excluded_statuses = models.JSONField(default=list, blank=True)
    check_hours = models.BooleanField(
        "check training hours",
        default=True,
        help_text="Below the framework's hours for a level over 3 years is not compliant for that level.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return f"Workforce settings of {self.icb}"


class TnaRequirement(AuditScopeMixin, models.Model):
    """One row of the ICB's training needs analysis, dated: a change ends the row and starts a new one."""

    access = Access(scope="icb", view=AGGREGATE_READERS, change=STAFF_MANAGERS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    staff_group = models.CharField(max_length=80)
    role = models.CharField(max_length=120, blank=True, help_text="Blank: every role in the staff group.")
    topic = models.CharField(max_length=30, choices=Topic.choices)
    level = models.PositiveSmallIntegerField(help_text="0: not required.")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["staff_group", "role", "topic", "effective_from"]

    def __str__(self):
        return f"{self.staff_group} {self.role}: {self.get_topic_display()} level {self.level}".replace("  ", " ")

    def as_rule(self):
        return rules.TnaRow(self.staff_group, self.role, self.topic, self.level, self.effective_from, self.effective_to)


class ColumnMapping(AuditScopeMixin, Versioned):
    """The ICB's extract headers: {field: header text}."""

    access = Access(scope="icb", view=STAFF_READERS, change=STAFF_MANAGERS)

    icb = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    headers = models.JSONField(default=dict)

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return f"Extract columns of {self.icb}"


class CompetenceMapping(AuditScopeMixin, models.Model):
    """An extract's competence name → framework topic and level."""

    access = Access(scope="icb", view=STAFF_READERS, change=STAFF_MANAGERS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    level = models.PositiveSmallIntegerField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["icb", "name"], name="unique_competence_name_per_icb")]

    def __str__(self):
        return self.name


# ------------------------------------------------------------------------------------------- ICB staff


class StaffMember(AuditScopeMixin, Versioned):
    """A person on the ICB's staff, by a pseudonymous key (or assignment number): never a name."""

    access = Access(scope="icb", view=STAFF_READERS, change=STAFF_MANAGERS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    staff_key = models.CharField(max_length=40, help_text="A pseudonymous key or the ESR assignment number.")
    role = models.CharField(max_length=120)
    staff_group = models.CharField(max_length=80)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=StaffStatus.choices, default=StaffStatus.ACTIVE)
    supervision_group = models.CharField(
        max_length=20, choices=SupervisionGroup.choices, default=SupervisionGroup.OTHER
    )
    regulated_activity = models.BooleanField("role in regulated activity", default=False)
    line_manager_email = models.EmailField(blank=True)
    user = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="Their login."
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["staff_key"]
        constraints = [models.UniqueConstraint(fields=["icb", "staff_key"], name="unique_staff_key_per_icb")]

    def __str__(self):
        return f"{self.staff_key} ({self.role})"

    def as_person(self):
        return rules.Person(self.staff_key, self.staff_group, self.role, self.start_date, self.end_date, self.status)


class ExtractUpload(AuditScopeMixin, models.Model):
    access = Access(scope="icb", view=STAFF_READERS, change=STAFF_MANAGERS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    new_records = models.PositiveIntegerField(default=0)
    changed_records = models.PositiveIntegerField(
        default=0, help_text="Completions held whose expiry or hours changed."
    )
    new_staff = models.PositiveIntegerField(default=0)
    changed_staff = models.PositiveIntegerField(default=0)
    leavers = models.PositiveIntegerField(default=0, help_text="People given a leaving date by the extract.")
    full_extract = models.BooleanField(
        "complete staff list", default=False, help_text="People on the staff list but not in the file were ended."
    )
    ended = models.PositiveIntegerField(default=0, help_text="People ended because a full extract left them out.")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%d %B %Y})"


class TrainingRecord(AuditScopeMixin, models.Model):
    """One completion. The same person, competence and completion date is one record, however often uploaded."""

    access = Access(scope="staff__icb", view=STAFF_READERS, change=STAFF_MANAGERS)

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="training")
    competence = models.CharField(max_length=200)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    level = models.PositiveSmallIntegerField()
    completed_on = models.DateField()
    expiry_on = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    upload = models.ForeignKey(ExtractUpload, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "topic", "-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "competence", "completed_on"], name="one_record_per_person_competence_date"
            )
        ]

    def __str__(self):
        return f"{self.staff.staff_key}: {self.competence} {self.completed_on}"

    def as_completion(self):
        return rules.Completion(self.topic, self.level, self.completed_on)


class DbsCheck(AuditScopeMixin, Versioned):
    """A DBS check and the safer-recruitment evidence of one appointment. The certificate number is stored
    but only ever shown masked (`masked_certificate`), on pages, in the API, in exports and in the audit trail."""

    access = Access(scope="staff__icb", view=STAFF_READERS, change=STAFF_MANAGERS)

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="dbs_checks")
    level = models.CharField(max_length=20, choices=DbsLevel.choices)
    checked_on = models.DateField("date of the certificate")
    certificate_number = models.CharField(max_length=20)
    update_service = models.BooleanField("subscribed to the update service", default=False)
    self_disclosure_on = models.DateField("last annual self-disclosure", null=True, blank=True)
    references_received = models.PositiveSmallIntegerField(default=0)
    reference_from_recent_employer = models.BooleanField("references include the most recent employer", default=False)
    panel_member_trained = models.BooleanField(
        "interview panel had a member trained in safer recruitment", default=False
    )
    identity_and_qualifications_checked = models.BooleanField(
        "ID and professional qualifications checked", default=False
    )
    employment_history_checked = models.BooleanField("employment history checked, gaps accounted for", default=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "-checked_on"]

    def __str__(self):
        return f"{self.staff.staff_key}: {self.get_level_display()} {self.checked_on}"

    @property
    def masked_certificate(self):
        return rules.mask_certificate(self.certificate_number)

    def clean(self):
        number = (self.certificate_number or "").strip()
        if not number.isdigit() or len(number) != 12:
            raise ValidationError({"certificate_number": "A DBS certificate number is 12 digits."})


# ----------------------------------------------------------------------------------------------- supervision


class SupervisionAgreement(AuditScopeMixin, Versioned):
    """A written supervision agreement, dated and signed by both parties [DDICB §Safeguarding Supervision]."""

    access = Access(scope="supervisee__icb", view=STAFF_READERS, change=STAFF_MANAGERS)

    supervisee = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="agreements")
    supervisor = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    agreed_on = models.DateField()
    supervisee_signed_on = models.DateField()
    supervisor_signed_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-agreed_on"]

    def __str__(self):
        return f"Agreement {self.supervisee.staff_key} with {self.supervisor.staff_key} ({self.agreed_on})"


class SessionQuerySet(ScopedQuerySet):
    """ICB staff roles see sessions by the usual rule; any other ICB user sees the sessions they took part in."""

    def restrict(self, user, action=VIEW):
        if (
            getattr(user, "role", None) in self.model.access.roles(action)
            or getattr(user, "role", None) not in ICB_ROLES
        ):
            return restrict(self, user, action)
        if not (user.is_authenticated and user.is_active and user.organisation_id) or user.role == Role.AUDITOR:
            return self.none()
        return self.filter(models.Q(supervisee__user=user) | models.Q(supervisor__user=user))


class SupervisionSession(AuditScopeMixin, Versioned):
    """One safeguarding supervision session, with the fields of the supervision record [DUDLEY §16.3, App. 3].
    The content (topics, outcomes, evaluation, comments) is read only by the supervisee, the supervisor and
    the designated professionals, and each reading is logged (`may_read_content`)."""

    access = Access(scope="supervisee__icb", view=STAFF_READERS, change=frozenset({D}))
    # Any ICB role may be a party (core.permissions.PartyPermission): SessionQuerySet admits them to their own.
    party_roles = ICB_ROLES - {Role.AUDITOR}
    CONTENT_FIELDS = ("topics", "outcomes", "evaluation", "comments")

    supervisee = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="sessions")
    supervisor = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    post = models.CharField("supervisee's post title", max_length=120)
    base = models.CharField("work base", max_length=120)
    held_on = models.DateField("date")
    venue = models.CharField(max_length=120)
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)")
    one_to_one = models.BooleanField("one-to-one (not group)", default=True)
    topics = models.TextField()
    outcomes = models.TextField("outcomes and actions")
    evaluation = models.TextField(blank=True)
    comments = models.TextField(blank=True)
    supervisee_confirmed = models.BooleanField("confirmed by the supervisee", default=False)
    supervisor_confirmed = models.BooleanField("confirmed by the supervisor", default=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"Supervision of {self.supervisee.staff_key} on {self.held_on}"

    def party(self, user):
        """ "supervisee", "supervisor" or None: the side of the session `user` is on (through StaffMember.user)."""
        return rules.session_party(getattr(user, "pk", None), self.supervisee.user_id, self.supervisor.user_id)

    def may_read_content(self, user):
        """The supervisee, the supervisor and the ICB's designated professionals read and write the content."""
        if getattr(user, "organisation_id", None) is None or user.organisation.icb_id != self.supervisee.icb_id:
            return False
        if user.role == Role.AUDITOR:
            return False
        return user.role == D or self.party(user) is not None


# ------------------------------------------------------------------------------------------------- capacity


class CapacityEntry(AuditScopeMixin, Versioned):
    """Capacity in post for a designated role, in the unit it was entered in."""

    access = Access(scope="icb", view=AGGREGATE_READERS, change=CAPACITY_EDITORS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40, choices=DesignatedRole.choices)
    amount = models.DecimalField(max_digits=6, decimal_places=2)
    unit = models.CharField(max_length=20, choices=CapacityUnit.choices)
    area = models.CharField(max_length=80, blank=True, help_text="e.g. County or City, where a post covers part.")
    vacant = models.BooleanField("vacant", default=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["role", "area"]

    def __str__(self):
        return f"{self.get_role_display()}: {self.amount} {self.get_unit_display()}"


class PopulationFigures(AuditScopeMixin, models.Model):
    """The populations the ICB enters (ONS or local authority figures), dated."""

    access = Access(scope="icb", view=AGGREGATE_READERS, change=CAPACITY_EDITORS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    children = models.PositiveIntegerField(null=True, blank=True)
    children_in_care = models.PositiveIntegerField(null=True, blank=True)
    adults = models.PositiveIntegerField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of"]

    def __str__(self):
        return f"Population of {self.icb} at {self.as_of}"
