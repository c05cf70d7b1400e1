"""The home page is made of panels. Any app may contribute with a `home.py` module whose
`panels(user)` returns a list of Panel for that user (already scoped); core shows them.

The page starts with what needs doing: panels marked `urgent` (overdue or late work) that hold something come
first, then every other panel that holds something, then the empty ones."""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass
class Panel:
    title: str
    items: list = field(default_factory=list)  # of (label, url, detail)
    empty_text: str = "Nothing to show."
    link: tuple | None = None  # (label, url)
    count: int | None = None
    urgent: bool = False  # it lists overdue or late work


def by_urgency(panel):
    holds_something = bool(panel.items) or bool(panel.count)
    return 0 if panel.urgent and holds_something else 1 if holds_something else 2


def acts_on():
    """The apps whose panels a role's home shows when that role acts on only part of Vigil (docs/permissions.md):
    the HR / allegations officer acts on allegations (casework) and the ICB staff's DBS and supervision (workforce);
    the auditor changes nothing and has the audit trail. Every other role: every app's panels, and overdue actions."""
    from core.choices import Role

    return {Role.HR: frozenset({"casework", "workforce"}), Role.AUDITOR: frozenset()}


def panels_for(user):
    """NHS England's regional and national roles see only the panels of apps that serve them
    (`AppConfig.serves_nhs_england`, the roll-ups of regions/); a role in `acts_on()` only those apps' panels;
    every other role, every other app's panels and the overdue actions."""
    from core.choices import REGIONAL_ROLES, Role

    regional = user.role in REGIONAL_ROLES
    only = acts_on().get(user.role)
    panels = []
    for config in apps.get_app_configs():
        if config.name == "core" or not module_has_submodule(config.module, "home"):
            continue
        if only is not None and config.label not in only:
            continue
        if regional == bool(getattr(config, "serves_nhs_england", False)):
            panels.extend(import_module(f"{config.name}.home").panels(user))
    if user.role == Role.AUDITOR:
        panels.append(audit_panel())
    elif not regional and only is None:
        panels.append(overdue_actions_panel(user))
    return sorted(panels, key=by_urgency)


def audit_panel():
    from django.urls import reverse

    return Panel(
        "The audit trail",
        empty_text="Search who changed what and when, and who opened or exported a restricted record.",
        link=("Search the audit trail", reverse("audit-log")),
    )


def overdue_actions_panel(user):
    from django.urls import reverse
    from django.utils import timezone

    from core.choices import Role
    from core.models import TrackedAction

    overdue = TrackedAction.objects.restrict(user).overdue(timezone.localdate()).select_related("organisation")
    link_name = "action-list" if user.role == Role.PROVIDER else "action-overdue"
    return Panel(
        "Overdue actions",
        items=[
            (
                action.title[:80],
                reverse("action-detail", args=[action.pk]),
                f"{action.organisation.name}, due {action.due_date:%d %B %Y}",
            )
            for action in overdue[:10]
        ],
        count=overdue.count(),
        empty_text="No action is overdue.",
        urgent=True,
        link=("See every overdue action", reverse(link_name) + ("?overdue=true" if user.role == Role.PROVIDER else "")),
    )
