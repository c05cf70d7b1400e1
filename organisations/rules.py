"""Pure rules for organisations, contracts and role holders (no database)."""

import re
from dataclasses import dataclass

from organisations.choices import (
    PARTNER_KINDS,
    PROVIDER_KINDS,
    GapStatus,
    OrganisationKind,
    RoleCondition,
    SafeguardingRole,
)

ODS_CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,6}$")
ODS_CODE_HELP = "3 to 6 letters or digits, for example RX1, QZZ or A81001"

ALLOWED_PARENT_KINDS = {
    OrganisationKind.REGION: frozenset(),
    OrganisationKind.ICB: frozenset({OrganisationKind.REGION}),
    OrganisationKind.SITE: PROVIDER_KINDS,
    **{kind: frozenset({OrganisationKind.ICB}) for kind in PROVIDER_KINDS | PARTNER_KINDS},
}


def normalise_ods_code(raw):
    """Upper-case and strip an ODS code; an empty value means 'no code' (None)."""
    code = (raw or "").strip().upper()
    return code or None


def ods_code_problem(code):
    """Why `code` is not a valid ODS code, or None when it is (or is absent)."""
    if code is None or ODS_CODE_PATTERN.match(code):
        return None
    return f"Enter a valid ODS code: {ODS_CODE_HELP}."


def parent_problem(kind, parent_kind):
    """Why an organisation of `kind` cannot sit under a parent of `parent_kind`, or None."""
    allowed = ALLOWED_PARENT_KINDS[kind]
    if parent_kind is None:
        return None if not allowed else "Choose the organisation this one belongs to."
    if parent_kind not in allowed:
        labels = ", ".join(sorted(OrganisationKind(k).label for k in allowed)) or "nothing"
        return f"A {OrganisationKind(kind).label} can only belong to: {labels}."
    return None


def contract_dates_problem(start, end):
    if start and end and end < start:
        return "The end date must be on or after the start date."
    return None


@dataclass(frozen=True)
class Requirement:
    role: str
    kind: str
    condition: str = RoleCondition.ALWAYS


@dataclass(frozen=True)
class Gap:
    role: str
    status: str

    @property
    def status_label(self):
        return GapStatus(self.status).label

    @property
    def role_label(self):
        return SafeguardingRole(self.role).label


def condition_met(condition, *, children_services, maternity_services):
    return {
        RoleCondition.ALWAYS: True,
        RoleCondition.CHILDREN_SERVICES: children_services,
        RoleCondition.MATERNITY_SERVICES: maternity_services,
    }[condition]


def required_roles(requirements, *, kind, children_services=False, maternity_services=False):
    """The roles an organisation must fill, from the requirement data, in a stable order."""
    roles = {
        r.role
        for r in requirements
        if r.kind == kind
        and condition_met(r.condition, children_services=children_services, maternity_services=maternity_services)
    }
    return sorted(roles)


def role_gaps(required, holders):
    """Gaps in a register: required roles nobody holds, and posts recorded as vacant.

    `holders` is an iterable of (role, is_vacant) for the organisation's current holders.
    A role counts as filled when at least one current holder is not vacant.
    """
    filled = {role for role, is_vacant in holders if not is_vacant}
    recorded = {role for role, _ in holders}
    gaps = []
    for role in required:
        if role in filled:
            continue
        gaps.append(Gap(role, GapStatus.VACANT if role in recorded else GapStatus.MISSING))
    gaps.extend(Gap(role, GapStatus.VACANT) for role in sorted(recorded - filled - set(required)))
    return gaps


MAX_PA = {"week": 12, "month": 52}


def capacity_problem(wte, pa_sessions, pa_period="week"):
    """Capacity is whole-time equivalent (0-1.5) or programmed activities a week (0-12) or a month (0-52): the
    sources give both ("6 p.a/week", "2 pa/month" [CPCCG 6.2.2])."""
    if wte is not None and not 0 < wte <= 1.5:
        return ("wte", "Whole-time equivalent must be more than 0 and at most 1.5.")
    limit = MAX_PA.get(pa_period, MAX_PA["week"])
    if pa_sessions is not None and not 0 < pa_sessions <= limit:
        return ("pa_sessions", f"PA sessions must be more than 0 and at most {limit} a {pa_period}.")
    return None


def other_icbs_problem(kind, other_icb_ids, own_icb_id):
    """A local authority or a partnership may work with more than one ICB [SAAF 6.8.1: "an ICB for an area, any
    part of which falls within the local authority area"]; a provider belongs to one."""
    if not other_icb_ids:
        return None
    if kind not in PARTNER_KINDS:
        return "Only a local authority, police force or partnership works with more than one ICB."
    if own_icb_id in other_icb_ids:
        return "Its own ICB is already its ICB: choose other ICBs only."
    return None


# Safeguarding contacts directory [DUDLEY 10.1, 10.4]

PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()-]+$")
SHORT_NUMBERS = frozenset({"101", "111", "999", "112"})


def normalise_phone(raw):
    """A phone number as written, trimmed; spaces kept as the person typed them."""
    return " ".join((raw or "").split())


def phone_problem(value):
    """A UK number: 10 or 11 digits starting 0 (or +44 and 9 or 10 digits), or a short number (101, 111, 999).
    Extensions and bleeps go in the notes. Blank is allowed (not every service has a duty line)."""
    if not value:
        return None
    if not PHONE_CHARACTERS.match(value):
        return "Enter digits only (spaces, brackets and a leading + allowed); put extensions in the notes."
    digits = re.sub(r"\D", "", value)
    if digits in SHORT_NUMBERS:
        return None
    if value.startswith("+"):
        if digits.startswith("44") and len(digits) in (11, 12):
            return None
        return "Enter a UK number: +44 followed by 9 or 10 digits."
    if digits.startswith("0") and len(digits) in (10, 11):
        return None
    return "Enter a UK number of 10 or 11 digits starting 0, for example 01632 960123."
