"""Pure rules for organisations, contracts and role holders (no database)."""

import re
from dataclasses import dataclass

from organisations.choices import (
    PARTNER_KINDS,
    PROVIDER_KINDS,
    CommissioningStage,
    GapStatus,
    OrganisationKind,
    RoleCondition,
    SafeguardingRole,
)

ODS_CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,6}$")
ODS_CODE_HELP = "3 to 6 letters or digits, for example RX1, QZZ or A81001"

# NHS England > region > ICB > (place >) provider > site [SAAF 4.4]. A place is a level inside one ICB (often a
# local authority's area); a provider belongs to its ICB or to one of the ICB's places, and its ICB is the place's.
# A region has no parent: NHS England is recorded as its own organisation (the national team's, and the commissioner
# of directly commissioned services), not as a level every region must name.
ALLOWED_PARENT_KINDS = {
    OrganisationKind.NHS_ENGLAND: frozenset(),
    OrganisationKind.REGION: frozenset(),
    OrganisationKind.ICB: frozenset({OrganisationKind.REGION}),
    OrganisationKind.PLACE: frozenset({OrganisationKind.ICB}),
    OrganisationKind.PROVIDER_COLLABORATIVE: frozenset({OrganisationKind.ICB}),
    OrganisationKind.SITE: PROVIDER_KINDS,
    **{kind: frozenset({OrganisationKind.ICB, OrganisationKind.PLACE}) for kind in PROVIDER_KINDS},
    **{kind: frozenset({OrganisationKind.ICB}) for kind in PARTNER_KINDS},
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


# --- Commissioning with safeguarding in it ------------------------------------------------------------------------
# Designated professionals "must be consulted and able to influence at all points in the commissioning cycle from
# procurement to quality assurance" [SAAF 4.7.1; CPCCG App. 1]; "before entering into negotiations with providers
# for new, redesigned and or decommissioned services, the children and adult designated safeguarding professionals
# ... should be consulted" [NEL 3.1].

STAGE_ORDER = [stage.value for stage in CommissioningStage]
CONSULTED_STAGES = STAGE_ORDER[STAGE_ORDER.index(CommissioningStage.SPECIFICATION) : -1]  # specification .. QA


def stage_index(stage):
    return STAGE_ORDER.index(stage)


def is_past_specification(stage):
    return stage_index(stage) > stage_index(CommissioningStage.SPECIFICATION)


def unconsulted_stages(stage, consulted_stages):
    """The stages of the cycle this event has passed (from the specification up to quality assurance, not the
    stage it is at now) at which no designated professional's consultation is recorded, in order. An event still
    at planning or at its specification has none: the consultation may yet come."""
    consulted = set(consulted_stages)
    passed = STAGE_ORDER[: stage_index(stage)]
    return [s for s in CONSULTED_STAGES if s in passed and s not in consulted]


@dataclass(frozen=True)
class CommissioningGap:
    code: str
    text: str


def commissioning_gaps(*, stage, consulted_stages, signed_off_on):
    """What is missing from one commissioning event: consultation at the stages passed, and the designated
    professional's sign-off of the specification once the event is past the specification stage."""
    gaps = []
    missed = unconsulted_stages(stage, consulted_stages)
    if missed:
        labels = ", ".join(CommissioningStage(s).label.lower() for s in missed)
        gaps.append(CommissioningGap("not_consulted", f"No designated professional consulted at: {labels}"))
    if is_past_specification(stage) and signed_off_on is None:
        gaps.append(CommissioningGap("not_signed_off", "Specification not signed off by a designated professional"))
    return gaps


def consultation_problem(consulted_on, today):
    if consulted_on and consulted_on > today:
        return "The date of the consultation cannot be in the future."
    return None


# The contents of a specification or SLA, in the order the checklist shows them: (field, label, source).
SPECIFICATION_CHECKLIST = [
    (
        "covers_safeguarding_standards",
        "Clear service standards for safeguarding children or adults (SC32, Section 11)",
        "CPCCG 6.8; DDICB Commissioning and Contract Managers; NEL 3.2, App. A",
    ),
    ("covers_training", "Safeguarding training of staff to the level their role requires", "NEL Std 11; NEL 5.1"),
    ("covers_supervision", "Safeguarding supervision of staff", "NEL Std 12; NEL 5.1"),
    (
        "covers_information_sharing",
        "Information sharing: Data Protection Act, GDPR, Caldicott principles, secure transmission, the ICB's "
        "information governance policies",
        "CPCCG 6.8; DDICB Commissioning and Contract Managers",
    ),
    (
        "covers_diversity",
        "Cultural and ethnic diversity; services non-discriminatory, respecting the individual's rights",
        "CPCCG 6.8; DDICB Commissioning and Contract Managers",
    ),
    (
        "covers_vulnerable_parents",
        "Adult parents and carers with vulnerable risk factors (substance misuse, mental health, domestic abuse)",
        "CPCCG 6.8; DDICB Commissioning and Contract Managers",
    ),
    (
        "covers_reporting",
        "Reporting to the commissioner: safeguarding activity data, CQC requirements, the annual audit schedule",
        "NEL 14.0, 15.0, App. A",
    ),
]
CHECKLIST_FIELDS = [name for name, _, _ in SPECIFICATION_CHECKLIST]


def missing_checklist_items(answers):
    """The labels of the checklist items a specification lacks, in checklist order. `answers` maps each checklist
    field to True (covered) or False; a field not given counts as not covered."""
    return [label for name, label, _ in SPECIFICATION_CHECKLIST if not answers.get(name)]


def review_date_problem(agreed_on, review_on):
    if agreed_on and review_on and review_on <= agreed_on:
        return "The review date must be after the date the specification was agreed."
    return None


def subcontractor_gaps(*, compliance_confirmed_on, policy_appended):
    """A provider that subcontracts must "require these providers to comply with these standards, and ensure a copy
    of this policy is appended to the contract" [NEL 5.1]."""
    gaps = []
    if compliance_confirmed_on is None:
        gaps.append("No confirmation that the subcontractor complies with the safeguarding standards")
    if not policy_appended:
        gaps.append("The safeguarding policy is not appended to the subcontract")
    return gaps


def notification_dates_problem(occurred_on, notified_on):
    if occurred_on and notified_on and notified_on < occurred_on:
        return "The associate commissioner cannot be told before the matter arose."
    return None


def notification_gap(notified_on):
    """The lead commissioner "will notify associate commissioners" of non-compliance or a serious incident [DDICB
    Scope]: a matter recorded with no date of notification is a gap. The sources give no timescale."""
    return None if notified_on else "Associate commissioner not yet notified"


def due_diligence_gap(let_on, due_diligence_dates):
    """ "The ICB conducts due diligence on all commissioned services before allowing them to become a preferred
    supplier" [DDICB Modern Slavery]: the gap, or None, for a contract let on `let_on` (its start date) given the
    completion dates of the due diligence recorded for it."""
    dates = [d for d in due_diligence_dates if d is not None]
    if not dates:
        return "No modern slavery due diligence recorded"
    if let_on and min(dates) > let_on:
        return "Contract let before modern slavery due diligence"
    return None


def financial_year_of(day):
    """The year an NHS financial year (April to March) starts in: 2026 for 1 April 2026 to 31 March 2027."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year):
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def statement_gap(statements, today):
    """Each ICB must have "a Modern Slavery Statement and sign off by the chief officer of the organisation" [DDICB
    Modern Slavery]: the gap for the financial year containing `today`, or None. `statements` is an iterable of
    (financial year start, signed off on)."""
    year = financial_year_of(today)
    current = [signed for start, signed in statements if start == year]
    if not current:
        return f"No modern slavery statement for {financial_year_label(year)}"
    if not any(current):
        return f"The {financial_year_label(year)} modern slavery statement is not signed off by the chief officer"
    return None


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
