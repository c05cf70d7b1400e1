from django.urls import reverse

from casework import reports, rules
from casework.apps import CASEWORK_ROLES
from casework.registers import BY_MODEL
from core.home import Panel


def panels(user):
    if getattr(user, "role", None) not in CASEWORK_ROLES:
        return []
    items = [i for i in reports.due_items(user) if i.status in {rules.OVERDUE, rules.DUE_TODAY}]
    return [
        Panel(
            "Casework due today or overdue",
            urgent=True,
            items=[
                (
                    item.record.reference,
                    reverse("casework:detail", args=[BY_MODEL[type(item.record)].slug, item.record.pk]),
                    f"{item.clock.label}: {rules.STATUS_LABELS[item.status].lower()}",
                )
                for item in items[:15]
            ],
            count=len(items),
            empty_text="Nothing in the casework registers is due today or overdue.",
            link=("What needs doing", reverse("casework:due")),
        )
    ]
