from django.urls import reverse
from django.utils import timezone

from core.choices import Role
from core.home import Panel
from reviews import reports, rules
from reviews.choices import ACTIVE_STATUSES, ContributionStatus
from reviews.models import REVIEW_EDITORS, Contribution, NonParticipation, Review


def panels(user):
    today = timezone.localdate()
    if user.role == Role.PROVIDER:
        requested = (
            Contribution.objects.restrict(user)
            .filter(
                status=ContributionStatus.REQUESTED,
                archived_at__isnull=True,
                involvement__review__status__in=ACTIVE_STATUSES,
                involvement__review__archived_at__isnull=True,
            )
            .select_related("involvement__review__kind")
            .order_by("due_date")
        )
        return [
            Panel(
                "Contributions to statutory reviews",
                items=[
                    (
                        f"{c.get_kind_display()} for {c.involvement.review.reference} {c.involvement.review.kind.name}",
                        reverse("reviews:detail", args=[c.involvement.review_id]),
                        f"due {rules.fmt(c.due_date)}" + (" (overdue)" if c.due_date < today else ""),
                    )
                    for c in requested[:15]
                ],
                count=requested.count(),
                empty_text="No review is waiting for a contribution from you.",
            )
        ]
    rows = reports.milestone_rows(Review.objects.restrict(user), today, states={rules.OVERDUE, rules.DUE_SOON})
    return [
        Panel(
            "Review milestones overdue or due soon",
            urgent=True,
            items=[
                (
                    f"{row.review.reference} {row.review.kind.name}: {row.milestone.rule.name}",
                    reverse("reviews:detail", args=[row.review.pk]),
                    f"{row.milestone.state_label.lower()}, {rules.fmt(row.milestone.due)}",
                )
                for row in rows[:15]
            ],
            count=len(rows),
            empty_text="No review milestone is overdue or due in the next five working days.",
            link=("Learning across reviews", reverse("reviews:learning")),
        )
    ] + _participation_panels(user)


def _participation_panels(user):
    """NHS bodies not taking part in a review and not yet escalated to the NHS England region [SAAF 4.5]."""
    if user.role not in REVIEW_EDITORS:
        return []
    waiting = list(
        NonParticipation.objects.restrict(user)
        .filter(archived_at=None, escalated_on=None, resolved_on=None, review__archived_at=None)
        .select_related("organisation", "review__kind")
    )
    return [
        Panel(
            "NHS bodies not taking part in a review, not escalated",
            items=[
                (
                    f"{np.organisation.name}: {np.review.reference} {np.review.kind.name}",
                    np.get_absolute_url(),
                    f"since {rules.fmt(np.noted_on)}",
                )
                for np in waiting[:15]
            ],
            count=len(waiting),
            empty_text="No NHS body is waiting to be escalated to NHS England.",
        )
    ]
