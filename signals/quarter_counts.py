"""The counts per organisation per quarter that reach the ICB through the quarterly return (issue 13 item 1;
reference part C4): aggregates only, read by returns.signal_metrics when a return is started. Never a child.
The figures come from the signals read side (`signals.reports.quarter_counts`)."""

from signals import reports
from signals.models import FeedUpload, ReviewTask

# metric code in the returns catalogue -> figure of signals.reports.quarter_counts
RETURN_METRICS = {
    "SIG-S1": "children_s1",  # children meeting the three-attendances rule (S1 fired in the quarter)
    "SIG-REV": "reviews_within_timescale",  # reviews completed in the quarter on or before their due date
    "SIG-DA": "households_discussed",  # S3 households discussed with the designated nurse [DUDLEY 21.10]
}


def counts(organisation, quarter):
    """{"SIG-S1", "SIG-REV", "SIG-DA": count} for `organisation`'s quarter, or None when it keeps no signals in Vigil
    (no extract ever uploaded and no review task): then its return is not prefilled."""
    held = ReviewTask.objects.filter(organisation=organisation).exists()
    if not held and not FeedUpload.objects.filter(organisation=organisation).exists():
        return None
    figures = reports.quarter_counts([organisation.pk], quarter)[organisation.pk]
    return {code: figures[name] for code, name in RETURN_METRICS.items()}
