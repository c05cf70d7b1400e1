"""Home panel: the team's overdue reviews (the organisation's safeguarding users only)."""

from django.urls import reverse
from django.utils import timezone

from core.home import Panel
from signals.choices import TaskStatus
from signals.models import SAFEGUARDING_USERS, ReviewTask


def panels(user):
    if getattr(user, "role", None) not in SAFEGUARDING_USERS:
        return []
    overdue = ReviewTask.objects.restrict(user).filter(status=TaskStatus.OPEN, due_on__lt=timezone.localdate())
    shown = list(overdue.select_related("child", "household").order_by("due_on", "pk")[:10])
    return [
        Panel(
            "Overdue signal reviews",
            urgent=True,
            items=[
                (
                    f"Review {task.pk}: {task.get_signal_display()}",
                    reverse("signals:task", args=[task.pk]),
                    f"due {task.due_on:%d %B %Y}",
                )
                for task in shown
            ],
            count=overdue.count(),
            empty_text="No signal review is overdue.",
            link=("The team's queue", reverse("signals:queue")),
        )
    ]
