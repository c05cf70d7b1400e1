"""The ICB's quarterly safeguarding assurance return to its NHS England region [SAAF 5.3]: NHS England assures the
ICBs quarterly, a process the regional chief nurses are accountable for. The ICB sends the quarter's approved
quarterly assurance report to its region with a covering statement; the return carries the ICB's aggregates for
the quarter as they stood when sent (regions.reports, small casework counts suppressed), never a casework register
or a person. The regional lead reviews it and writes feedback, which the ICB reads.

Who (Access plus AssuranceReturnQuerySet): the ICB's safeguarding team sends and reads its own returns, the
executive lead reads them; the regional lead reads and reviews the returns its region received; the national team
reads every region's; no other role reads any.

Corrections keep history: while the region has not reviewed it, the ICB's team may withdraw a return (with a
reason); a withdrawn or reviewed return may be replaced by a corrected one for the same quarter, a new return
(`number` + 1, `supersedes` the old one) awaiting a new review. Nothing is deleted: the replaced return keeps its
figures, feedback or withdrawal reason, marked `replaced_at`, and both ICB and region read every version.
"""

from django.db import models

from core.choices import Role
from core.models import User
from core.scoping import CHANGE, VIEW, Access, AuditScopeMixin, ScopedQuerySet, restrict
from core.versioning import Versioned
from organisations.models import Organisation
from regions import rules

ICB_SENDERS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})
ICB_READERS = ICB_SENDERS | {Role.EXECUTIVE}
REVIEWERS = frozenset({Role.REGIONAL})
NHS_ENGLAND = frozenset({Role.REGIONAL, Role.NATIONAL})


class ReturnStatus(models.TextChoices):
    AWAITING_REVIEW = rules.AWAITING_REVIEW, "Awaiting review"
    REVIEWED = rules.REVIEWED, "Reviewed"
    WITHDRAWN = rules.WITHDRAWN, "Withdrawn by the ICB"


class AssuranceReturnQuerySet(ScopedQuerySet):
    def current(self):
        """The latest return of each ICB and quarter (not replaced by a corrected one)."""
        return self.filter(replaced_at__isnull=True)

    def restrict(self, user, action=VIEW):
        role = getattr(user, "role", None)
        if role not in NHS_ENGLAND:
            return restrict(self, user, action)
        if not (user.is_authenticated and user.is_active and user.organisation_id):
            return self.none()
        if role == Role.REGIONAL:
            return self.filter(region_id=user.organisation_id)
        return self.none() if action == CHANGE else self


class AssuranceReturn(AuditScopeMixin, Versioned):
    access = Access(scope="icb", view=ICB_READERS | NHS_ENGLAND, change=ICB_SENDERS | REVIEWERS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The region it was sent to."
    )
    period_start = models.DateField(help_text="The quarter's first day.")
    period_end = models.DateField()
    report = models.ForeignKey(
        "reporting.Report",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The ICB's approved quarterly assurance report for the quarter.",
    )
    statement = models.TextField("covering statement", blank=True)
    figures = models.JSONField(editable=False, help_text="The ICB's aggregates for the quarter when it was sent.")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", editable=False)
    submitted_at = models.DateTimeField(editable=False)
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.AWAITING_REVIEW, editable=False
    )
    feedback = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField("reason for withdrawing", blank=True, editable=False)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    number = models.PositiveSmallIntegerField(
        "version", default=1, editable=False, help_text="1 for the quarter's first return, + 1 for each correction."
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        editable=False,
        help_text="The withdrawn or reviewed return this corrected one replaces.",
    )
    replaced_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a corrected return replaced this one (kept, never deleted).",
    )

    objects = AssuranceReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "icb__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["icb", "period_start"],
                condition=models.Q(replaced_at__isnull=True),
                name="one_current_assurance_return_a_quarter",
            )
        ]

    def __str__(self):
        version = f" (version {self.number})" if self.number > 1 else ""
        return f"Quarterly assurance return of {self.icb.name}, {self.quarter_label}{version}"

    @property
    def is_replaced(self):
        return self.replaced_at is not None

    @property
    def quarter_label(self):
        from core.quarters import Quarter

        return Quarter.containing(self.period_start).label

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("regions:return", args=[self.pk])
