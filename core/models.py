from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from core.choices import ICB_ROLES, Role
from core.scoping import Access, AuditScopeMixin


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
