"""The counts per organisation per quarter that reach the ICB through the quarterly return (issue 13 item 1;
reference part C4): aggregates only, read by returns.signal_metrics when a return is started. Never a child."""

from django.db.models import F, Max, Q

from signals.choices import Outcome, Signal, TaskStatus
from signals.models import FeedUpload, ReviewTask


def counts(organisation, quarter):
    """{"SIG-S1", "SIG-REV", "SIG-DA": count} for `organisation`'s quarter, or None when it keeps no signals in Vigil
    (no extract ever uploaded and no review task): then its return is not prefilled.

    - SIG-S1: children who met the unscheduled care rule (S1) in the quarter: the attendance that made the
      threshold (the latest of the evidence the review opened with) fell in the quarter, whenever the extract came;
    - SIG-REV: review tasks (every signal) whose outcome was recorded in the quarter on or before their due date
      (a task without a due date, where the team set no timescale, is not counted);
    - SIG-DA: households whose repeat domestic abuse review (S3) was recorded in the quarter as discussed with the
      designated nurse."""
    tasks = ReviewTask.objects.filter(organisation=organisation)
    if not tasks.exists() and not FeedUpload.objects.filter(organisation=organisation).exists():
        return None
    start, end = quarter.start, quarter.end
    done = tasks.filter(status=TaskStatus.DONE, completed_on__range=(start, end))
    return {
        "SIG-S1": tasks.filter(signal=Signal.S1)
        .annotate(met_at=Max("evidence__attendance__arrived_at", filter=Q(evidence__added_later=False)))
        .filter(met_at__date__range=(start, end))
        .values("child")
        .distinct()
        .count(),
        "SIG-REV": done.filter(due_on__isnull=False, completed_on__lte=F("due_on")).count(),
        "SIG-DA": done.filter(signal=Signal.S3, outcome=Outcome.DISCUSSED_WITH_DESIGNATED_NURSE)
        .values("household")
        .distinct()
        .count(),
    }
