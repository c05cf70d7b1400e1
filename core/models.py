from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core import rules
from core.choices import ALL_ROLES, ICB_ROLES, OPEN_STATUSES, ActionSource, ActionStatus, JobStatus, Role
from core.scoping import Access, AuditScopeMixin, ScopedQuerySet
from core.versioning import Versioned


class User(AbstractUser):
    """A person who signs in. ICB staff belong to their ICB; a provider user to one provider."""

    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="The ICB for ICB staff; the provider for a provider user.",
    )

    objects = UserManager()

    @property
    def is_provider_user(self):
        return self.role == Role.PROVIDER

    def __str__(self):
        return self.get_full_name() or self.username


class ClosureDay(AuditScopeMixin, models.Model):
    """A day the ICB is closed (beyond weekends and bank holidays): not a working day."""

    access = Access(scope="icb", view=ICB_ROLES, change=frozenset({Role.DESIGNATED, Role.ADMINISTRATOR}))

    icb = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["icb", "date"], name="unique_closure_day_per_icb")]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.reason}"


def working_calendar(icb_id):
    """The England working-day calendar with this ICB's closure days."""
    from core.calendar import WorkingCalendar

    return WorkingCalendar(frozenset(ClosureDay.objects.filter(icb_id=icb_id).values_list("date", flat=True)))


def working_calendars(icb_ids):
    """{ICB id: its working calendar} for many ICBs in one query (a roll-up across ICBs)."""
    from core.calendar import WorkingCalendar

    days = {icb_id: set() for icb_id in icb_ids}
    for icb_id, day in ClosureDay.objects.filter(icb_id__in=list(days)).values_list("icb_id", "date"):
        days[icb_id].add(day)
    return {icb_id: WorkingCalendar(frozenset(found)) for icb_id, found in days.items()}


class TrackedActionQuerySet(ScopedQuerySet):
    def for_source(self, source):
        return self.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES, archived_at__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)


ACTION_EDITORS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR, Role.PROVIDER})
ACTION_VERIFIERS = frozenset({Role.DESIGNATED})
STANDALONE_ACTION_ROLES = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})


class TrackedAction(AuditScopeMixin, Versioned):
    """One action tracker for every module: a SMART action (what, owner, due date, measure of
    success) arising from an assessment, a return, a review recommendation, an incident or an
    inspection, followed to closure. Providers update their own; the ICB verifies completion."""

    # Readable only by the roles that may read the source's model (restricted registers stay restricted).
    access = Access(scope="organisation", view=ALL_ROLES, change=ACTION_EDITORS, source="source_type")

    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    source_kind = models.CharField(max_length=20, choices=ActionSource.choices)
    source_label = models.CharField(max_length=250, help_text="What the action came from, as shown in lists.")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="tracked_actions"
    )
    title = models.TextField("what will be done")
    owner = models.CharField(max_length=150, help_text="The person or post responsible.")
    due_date = models.DateField()
    success_measure = models.TextField("how success will be measured")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = models.TextField(blank=True, help_text="Evidence that the action is complete.")
    completed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TrackedActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["organisation", "status", "due_date"]),
        ]

    def __str__(self):
        return f"{self.title[:80]} ({self.organisation.name})"

    @property
    def source_url(self):
        """The page of the record the action came from, where that record has one."""
        get_url = getattr(self.source, "get_absolute_url", None)
        return get_url() if get_url else ""

    def is_overdue_on(self, today):
        return rules.is_overdue(self.status, self.due_date, today)

    @property
    def is_overdue(self):
        from django.utils import timezone

        return self.is_overdue_on(timezone.localdate())


class ActionUpdate(AuditScopeMixin, models.Model):
    """A progress note on an action, with the status it left the action in."""

    access = Access(scope="action__organisation", view=ALL_ROLES, change=ACTION_EDITORS, source="action__source_type")

    action = models.ForeignKey(TrackedAction, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]


class SentReminder(models.Model):
    """A reminder already sent: the same key never goes to the same address twice on one day."""

    key = models.CharField(max_length=200)
    recipient = models.CharField(max_length=254)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "recipient", "sent_on"], name="one_reminder_per_day")]


class Job(models.Model):
    """Long work stored as a row and run by `manage.py run_worker` (cron-friendly, several workers safe)."""

    kind = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"


class AuditEntryIcb(models.Model):
    """The ICB of one audit entry (django-auditlog's LogEntry), as a real indexed column.

    Written for every entry that carries an ICB (core.audit.stamp_icb), so the auditor's page reads
    its own ICB's entries, newest first, straight from the (icb, timestamp) index however large other
    ICBs' history grows. No database constraint on `icb`: the audit trail outlives any record.
    """

    entry = models.OneToOneField(
        "auditlog.LogEntry", on_delete=models.CASCADE, primary_key=True, related_name="icb_stamp"
    )
    icb = models.ForeignKey(  # indexed by the (icb, timestamp, entry) index below
        "organisations.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    timestamp = models.DateTimeField(help_text="A copy of the entry's timestamp, for the index.")

    class Meta:
        indexes = [models.Index(fields=["icb", "timestamp", "entry"], name="audit_entry_icb_time")]

    def __str__(self):
        return f"Audit entry {self.entry_id} (ICB {self.icb_id})"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest of the key is stored: the key is shown once, when made.

    A token stops working at `expires` (API_TOKEN_DAYS after it was made or rotated) or when revoked.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the name of a script.")
    key_digest = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=8, help_text="The first characters of the key, to tell tokens apart.")
    created = models.DateTimeField()
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "pk"]

    def is_expired(self, now):
        return rules.token_expired(self.expires, now)

    def get_additional_data(self):
        """Audit entries carry the owner's ICB, so the ICB's auditor sees tokens made and revoked."""
        organisation = self.user.organisation
        return {"icb": organisation.icb_id if organisation else None}

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"
