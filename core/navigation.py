"""The header menu: each entry names the roles that see it."""

from core.choices import ALL_ROLES, ICB_ROLES, Role

MENU = [
    ("Home", "home", ALL_ROLES),
    ("Organisations", "organisations:list", ALL_ROLES),
    ("Role gaps", "organisations:gaps", ICB_ROLES),
    ("Contracts", "organisations:contracts", ICB_ROLES | {Role.PROVIDER}),
    ("Closure days", "closure-days", frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})),
    ("Audit trail", "audit-log", frozenset({Role.AUDITOR})),
]
