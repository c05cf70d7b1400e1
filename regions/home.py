from django.db.models import Count, Q
from django.urls import reverse

from core.choices import REGIONAL_ROLES
from core.home import Panel
from regions import rules
from regions.models import AssuranceReturn
from regions.scoping import regions_for


def panels(user):
    if user.role not in REGIONAL_ROLES:
        return []
    regions = regions_for(user).annotate(
        icbs=Count("children", filter=Q(children__kind="icb", children__archived_at__isnull=True))
    )
    items = [
        (r.name, reverse("regions:region", args=[r.pk]), f"{r.icbs} ICB{'s' if r.icbs != 1 else ''}") for r in regions
    ]
    if items:
        awaiting = AssuranceReturn.objects.restrict(user).filter(status=rules.AWAITING_REVIEW).count()
        items.append(("ICBs' quarterly assurance returns", reverse("regions:returns"), f"{awaiting} awaiting review"))
    return [
        Panel(
            "Regional roll-up",
            items=items,
            empty_text="No region to show.",
            link=("Open the roll-up", reverse("regions:index")),
        )
    ]
