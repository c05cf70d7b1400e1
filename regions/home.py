from django.db.models import Count, Q
from django.urls import reverse

from core.choices import REGIONAL_ROLES
from core.home import Panel
from regions.scoping import regions_for


def panels(user):
    if user.role not in REGIONAL_ROLES:
        return []
    regions = regions_for(user).annotate(
        icbs=Count("children", filter=Q(children__kind="icb", children__archived_at__isnull=True))
    )
    return [
        Panel(
            "Regional roll-up",
            items=[
                (r.name, reverse("regions:region", args=[r.pk]), f"{r.icbs} ICB{'s' if r.icbs != 1 else ''}")
                for r in regions
            ],
            empty_text="No region to show.",
            link=("Open the roll-up", reverse("regions:index")),
        )
    ]
