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


def test_hr_and_auditor_homes_show_only_what_they_act_on(world, client_for):
    """HR: allegations (casework) and the ICB staff's DBS and supervision (workforce); the auditor: the audit trail.
    No role-gap, contract, assessment, review, governance or overdue-action panel for either."""
    from casework import home as casework_home
    from workforce import home as workforce_home

    hr = world.user(Role.HR)
    expected = {panel.title for panel in casework_home.panels(hr) + workforce_home.panels(hr)}
    assert expected
    assert {panel.title for panel in client_for(hr).get("/").context["panels"]} == expected
    auditor = [panel.title for panel in client_for(world.user(Role.AUDITOR)).get("/").context["panels"]]
    assert auditor == ["The audit trail"]
    designated = {panel.title for panel in client_for(world.user(Role.DESIGNATED)).get("/").context["panels"]}
    assert {"Overdue actions", "Organisations with role gaps", "Late self-assessments"} <= designated
