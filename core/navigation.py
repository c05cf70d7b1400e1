"""The header menu, grouped by module. Each app's AppConfig may declare `menu = [(label, url name, roles), ...]`.

The header shows one item per module (INSTALLED_APPS order), so nothing a role uses daily hides under "More" at
1280 px; a module's own pages are listed beneath the header on its pages. Exactly one item is current: the
entry whose address is the longest prefix of the page's.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse

from core.choices import ALL_ROLES, REGIONAL_ROLES, Role

CORE_MENU = [
    ("Home", "home", ALL_ROLES | REGIONAL_ROLES),
]
CORE_MENU_END = [
    ("Actions", "action-list", ALL_ROLES),
    ("Audit trail", "audit-log", frozenset({Role.AUDITOR})),
]
# Core pages that belong with a module's pages: the ICB's closure days sit with its organisations.
CORE_EXTRAS = {
    "organisations": [("Closure days", "closure-days", frozenset({Role.DESIGNATED, Role.ADMINISTRATOR}))],
    # The reporting app's pages sit with governance (reporting.models.READERS).
    "governance": [
        (
            "Reports",
            "reporting:list",
            frozenset({Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.BOARD, Role.AUDITOR}),
        )
    ],
    # Child-level signals sit with casework (a provider's safeguarding work on children), for the receiving
    # organisation's safeguarding users only (signals/, docs/signals-pages.md): a module of its own would push a
    # provider's menu past 1280 px.
    "casework": [
        ("Signals", "signals:queue", frozenset({Role.PROVIDER})),
        ("Feed uploads", "signals:uploads", frozenset({Role.PROVIDER})),
        ("Signal rules", "signals:rules", frozenset({Role.PROVIDER})),
    ],
}
GROUP_LABELS = {"assurance": "Assurance", "workforce": "Workforce"}


def menu():
    """Every entry as (label, url name, roles), in order."""
    return [entry for _, _, entries in _groups() for entry in entries]


def _groups():
    """(key, label or None, entries) per module."""
    groups = [("home", None, CORE_MENU)]
    for config in apps.get_app_configs():
        entries = list(getattr(config, "menu", ())) + CORE_EXTRAS.get(config.name, [])
        if config.name != "core" and entries:
            groups.append((config.name, GROUP_LABELS.get(config.name), entries))
    groups += [(url_name, None, [(label, url_name, roles)]) for label, url_name, roles in CORE_MENU_END]
    return groups


@dataclass
class Item:
    label: str
    url: str
    current: bool = False


@dataclass
class Group:
    label: str
    url: str
    items: list = field(default_factory=list)
    current: bool = False


def navigation_for(role, path):
    """The header's groups for a role, and the current group (or None)."""
    groups = []
    for _, label, entries in _groups():
        items = [Item(entry_label, reverse(url_name)) for entry_label, url_name, roles in entries if role in roles]
        if items:
            groups.append(Group(label or items[0].label, items[0].url, items))
    current = _longest_match([item for group in groups for item in group.items], path)
    for group in groups:
        group.current = current in group.items
    if current is not None:
        current.current = True
    return groups, next((group for group in groups if group.current), None)


def _longest_match(items, path):
    matching = [item for item in items if (path == item.url if item.url == "/" else path.startswith(item.url))]
    return max(matching, key=lambda item: len(item.url), default=None)
