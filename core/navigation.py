"""The header menu. Each app's AppConfig may declare `menu = [(label, url name, roles), ...]`;
entries appear in INSTALLED_APPS order for users holding one of the roles."""

from django.apps import apps

from core.choices import ALL_ROLES, REGIONAL_ROLES, Role

CORE_MENU = [
    ("Home", "home", ALL_ROLES | REGIONAL_ROLES),
]
CORE_MENU_END = [
    ("Actions", "action-list", ALL_ROLES),
    ("Closure days", "closure-days", frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})),
    ("Audit trail", "audit-log", frozenset({Role.AUDITOR})),
]


def menu():
    entries = list(CORE_MENU)
    for config in apps.get_app_configs():
        if config.name != "core":
            entries.extend(getattr(config, "menu", ()))
    return entries + CORE_MENU_END
