from django.urls import reverse
from django.utils import timezone

from core.home import Panel
from workforce import reports
from workforce.models import AGGREGATE_READERS, STAFF_READERS


def panels(user):
    if user.role not in AGGREGATE_READERS:
        return []
    today = timezone.localdate()
    result = reports.compliance_for(user.organisation.icb_id, today)
    items = [
        (
            f"{reports.level_label(cell.topic, cell.level)}, {cell.staff_group}: {cell.numerator}/{cell.denominator}",
            reverse("workforce:compliance"),
            "red",
        )
        for cell in sorted(result.reds, key=lambda c: (c.topic, c.level, c.staff_group))[:10]
    ]
    if user.role in STAFF_READERS:
        overdue = [row for row in reports.supervision_rows(user.organisation.icb_id, today) if row.overdue]
        items += [
            (
                f"Supervision of {row.staff.staff_key} overdue",
                reverse("workforce:supervision"),
                f"due {row.due:%d %B %Y}",
            )
            for row in overdue[:5]
        ]
    return [
        Panel(
            "ICB staff training and supervision",
            items=items,
            count=len(result.reds),
            empty_text="No ICB staff training figure is red and no supervision is overdue.",
            link=("Training compliance", reverse("workforce:compliance")),
        )
    ]
