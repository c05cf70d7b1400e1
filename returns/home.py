from django.urls import reverse
from django.utils import timezone

from core.choices import Role
from core.home import Panel
from core.scoping import allowed_organisations
from returns import reports, rules
from returns.choices import ReturnStatus
from returns.models import Return


def panels(user):
    today = timezone.localdate()
    quarter = rules.last_ended_quarter(today)
    if user.role == Role.PROVIDER:
        returns = (
            Return.objects.restrict(user)
            .filter(status__in=[ReturnStatus.DRAFT, ReturnStatus.RETURNED])
            .select_related("provider")
        )
        items = [
            (
                f"{r.quarter} return",
                reverse("returns:detail", args=[r.pk]),
                f"{r.get_status_display()}, due {r.due_date:%d %B %Y}",
            )
            for r in returns
        ]
        made = Return.objects.restrict(user).filter(period=quarter.index).exists()
        if not made:
            items.insert(
                0, (f"{quarter} return not started", reverse("returns:list"), "Start it from the returns page")
            )
        return [
            Panel(
                "Your quarterly returns",
                items=items,
                count=len(items),
                empty_text="No return waiting for you.",
                link=("All returns", reverse("returns:list")),
            )
        ]
    if user.role not in {Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.CONTRACTS, Role.BOARD}:
        return []
    matrix = reports.build_matrix(
        allowed_organisations(user),
        Return.objects.restrict(user),
        quarter,
        today=today,
        icb_id=user.organisation.icb_id,
    )
    reds = [row for row in matrix.rows if row.reds]
    items = [
        (row.provider.name, reverse("returns:detail", args=[row.return_obj.pk]), f"{row.reds} red") for row in reds[:10]
    ]
    items.append(
        ("Quarterly safeguarding assurance reports", f"{reverse('reporting:list')}?report_type=quarterly-assurance", "")
    )
    panels = [
        Panel(
            f"Quarterly returns {quarter}: {matrix.submitted} of {matrix.expected} in, {matrix.missing} missing",
            items=items,
            count=len(reds),
            link=("RAG matrix", f"{reverse('returns:matrix')}?quarter={quarter.slug}"),
        )
    ]
    if user.role in {Role.DESIGNATED, Role.ADMINISTRATOR}:
        panels.append(to_rate_panel(matrix, quarter))
    return panels


def to_rate_panel(matrix, quarter):
    """Submitted returns whose judged quality metrics the ICB has not rated yet [CPCCG App. 3]."""
    rows = [row for row in matrix.rows if row.to_rate]
    return Panel(
        f"Judged metrics to rate {quarter}: {matrix.to_rate}",
        items=[
            (
                row.provider.name,
                reverse("returns:detail", args=[row.return_obj.pk]) + "#judged",
                f"{row.to_rate} to rate",
            )
            for row in rows[:10]
        ],
        count=len(rows),
        empty_text="Every submitted return's judged metrics are rated.",
        link=("RAG matrix", f"{reverse('returns:matrix')}?quarter={quarter.slug}"),
    )
