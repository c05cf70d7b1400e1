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


class TrackedActionQuerySet(ScopedQuerySet):
    def for_source(self, source):
        return self.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES, archived_at__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)


ACTION_EDITORS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR, Role.PROVIDER})
ACTION_VERIFIERS = frozenset({Role.DESIGNATED})


class TrackedAction(AuditScopeMixin, Versioned):
    """One action tracker for every module: a SMART action (what, owner, due date, measure of
    success) arising from an assessment, a return, a review recommendation, an incident or an
    inspection, followed to closure. Providers update their own; the ICB verifies completion."""

    access = Access(scope="organisation", view=ALL_ROLES, change=ACTION_EDITORS)

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

    access = Access(scope="action__organisation", view=ALL_ROLES, change=ACTION_EDITORS)

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
