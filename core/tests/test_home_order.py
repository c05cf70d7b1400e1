"""The home page starts with what needs doing: urgent panels holding something, then the rest, empty ones last."""

import datetime as dt

from django.utils import timezone

from core import actions as tracker
from core.choices import Role
from core.home import Panel, by_urgency


def test_urgent_work_first_then_other_content_then_empty_panels():
    panels = [
        Panel("Empty and urgent", urgent=True),
        Panel("Contracts ending soon", items=[("A", "/", "")]),
        Panel("Empty"),
        Panel("Overdue", items=[("B", "/", "")], urgent=True),
        Panel("Counted only", count=3, urgent=True),
    ]
    ordered = [panel.title for panel in sorted(panels, key=by_urgency)]
    assert ordered == ["Overdue", "Counted only", "Contracts ending soon", "Empty and urgent", "Empty"]


def test_the_designated_home_shows_overdue_actions_before_anything_else(world, client_for):
    action = tracker.do_create_tracked_action(
        source=world.provider,
        organisation=world.provider,
        title="Write the policy",
        owner="Named nurse",
        due_date=timezone.localdate() + dt.timedelta(days=3),
        success_measure="Policy ratified",
        acting_user=world.user(Role.DESIGNATED),
    )
    type(action).objects.filter(pk=action.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    panels = client_for(world.user(Role.DESIGNATED)).get("/").context["panels"]
    assert panels[0].title == "Overdue actions" and panels[0].count == 1
    assert all(by_urgency(a) <= by_urgency(b) for a, b in zip(panels, panels[1:], strict=False))
