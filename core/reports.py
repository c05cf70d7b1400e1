"""Read side of core's shared records for reports: the action tracker as it stood at a moment.

A fixed number of queries, whatever the number of actions.
"""

from django.db.models import Q
from django.utils import timezone

from core.models import TrackedAction


def overdue_actions(icb_id, as_at):
    """Tracked actions of one ICB (its own and its organisations') that were open and past their due date at
    `as_at` (an aware datetime): created by then, not completed by then, due before that day (1 query)."""
    day = timezone.localdate(as_at)
    return list(
        TrackedAction.objects.filter(Q(organisation_id=icb_id) | Q(organisation__icb_id=icb_id))
        .filter(archived_at__isnull=True, created_at__lte=as_at, due_date__lt=day)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gt=as_at))
        .select_related("organisation")
        .order_by("owner", "due_date", "pk")
    )
