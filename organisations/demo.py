"""Synthetic demo data: the fictional NHS Northmoor and Dunstow ICB. Every name is invented, and every phone
number of the safeguarding contacts directory is in Ofcom's ranges for drama (01632 960xxx, 020 7946 0xxx)."""

import datetime as dt

from django.utils import timezone

from core.choices import Role
from core.demo import ensure_user
from organisations import actions
from organisations.choices import CommissioningKind, NotificationReason, ScheduleAudience, SpecificationKind
from organisations.choices import CommissioningStage as S
from organisations.choices import OrganisationKind as K
from organisations.choices import SafeguardingRole as R
from organisations.models import CommissioningEvent, Contract, Organisation
from organisations.rules import CHECKLIST_FIELDS, financial_year_of

ICB_CODE = "QZZ"
DEMO_REGION = "Midlands"  # a real NHS England region; the demo ICBs in it are invented

# (ODS code, name, kind, children's services, maternity services)
PROVIDERS = [
    ("ZA1", "Northmoor Hospitals NHS Foundation Trust", K.TRUST_ACUTE, True, True),
    ("ZA2", "Dunstow Community Health NHS Trust", K.TRUST_COMMUNITY, True, False),
    ("ZA3", "Northmoor and Dunstow Mental Health NHS Foundation Trust", K.TRUST_MENTAL_HEALTH, True, False),
    ("ZA4", "Fenwold Ambulance Service NHS Trust", K.TRUST_AMBULANCE, False, False),
    ("ZA5", "Northmoor Urgent Care Partnership", K.NHS_111_OOH, False, False),
    ("ZA6", "Brightwater Surgical Clinic", K.INDEPENDENT, False, False),
    ("ZA7", "Hearthside Family Support", K.THIRD_SECTOR, True, False),
    ("ZA8", "Kindly Steps Community Interest Company", K.SOCIAL_ENTERPRISE, False, False),
    ("ZA9", "Meadowbank Lodge Care Home", K.CARE_HOME, False, False),
    ("ZB1", "HomeFirst Wrenfold Domiciliary Care", K.DOMICILIARY_CARE, False, False),
    ("ZB2", "Northmoor Continuing Care Service", K.CONTINUING_HEALTH_CARE, False, False),
    ("ZB3", "Oakridge Learning Disability Services", K.LEARNING_DISABILITY, False, False),
    ("Z10001", "Thistlegate Surgery", K.GP_PRACTICE, False, False),
    ("Z10002", "Wrenfold Medical Centre", K.GP_PRACTICE, False, False),
    ("Z10003", "Corrow Lane Practice", K.GP_PRACTICE, False, False),
]
PARTNERS = [
    ("ZC1", "Northmoor County Council", K.LOCAL_AUTHORITY),
    (None, "Northmoor Safeguarding Children Partnership", K.SAFEGUARDING_CHILDREN_PARTNERSHIP),
    (None, "Northmoor Safeguarding Adults Board", K.SAFEGUARDING_ADULTS_BOARD),
    (None, "Northmoor Community Safety Partnership", K.COMMUNITY_SAFETY_PARTNERSHIP),
    (None, "Northmoor Constabulary", K.POLICE),
]
FIRST = ["Alex", "Sam", "Jordan", "Priya", "Chidi", "Morgan", "Robin", "Casey", "Jamie", "Noor", "Taylor", "Kit"]
LAST = [
    "Quillby",
    "Fernhollow",
    "Ashgrove",
    "Brackenridge",
    "Thistlewood",
    "Larkspur",
    "Wolding",
    "Pennywell",
    "Harrowgate",
    "Mistlecombe",
    "Oakhurst",
    "Tamsley",
    "Wrenbury",
]

# Deliberate gaps, so that the demo shows vacancies: (ODS code, role) left with no holder...
LEFT_MISSING = {
    ("ZA9", R.PREVENT_LEAD),
    ("ZA8", R.CSAE_LEAD),
    ("Z10002", R.GP_DEPUTY_LEAD_CHILDREN),
    ("ZB1", R.MCA_DOLS_LEAD),
}
# ...and posts recorded as vacant: (ODS code, role, PA sessions a week)
RECORDED_VACANT = {("QZZ", R.DESIGNATED_DOCTOR_LAC): 2, ("ZA1", R.NAMED_MIDWIFE): None}
WITHOUT_SCHEDULE = {"ZA6", "ZB1"}


def load():
    if not Organisation.objects.filter(ods_code=ICB_CODE).exists():
        _load_organisations()
    _add_commissioning(Organisation.objects.get(ods_code=ICB_CODE))
    _load_contacts()


def _load_organisations():
    from organisations.reference import ensure_nhs_england

    region = ensure_nhs_england()[1][DEMO_REGION]
    icb = actions.do_create_organisation(
        name="NHS Northmoor and Dunstow Integrated Care Board",
        kind=K.ICB,
        ods_code=ICB_CODE,
        parent=region,
        acting_user=None,
    )
    providers = [
        actions.do_create_organisation(
            ods_code=code,
            name=name,
            kind=kind,
            parent=icb,
            provides_children_services=children,
            provides_maternity_services=maternity,
            acting_user=None,
        )
        for code, name, kind, children, maternity in PROVIDERS
    ]
    for code, name, kind in PARTNERS:
        actions.do_create_organisation(ods_code=code, name=name, kind=kind, parent=icb, acting_user=None)
    actions.do_create_organisation(
        ods_code="ZA101", name="Northmoor General Hospital", kind=K.SITE, parent=providers[0], acting_user=None
    )
    _fill_registers([icb, *providers])
    _add_contracts(icb, providers)
    _add_users(icb, providers)


def _fill_registers(organisations):
    from organisations.reports import requirement_rules
    from organisations.rules import required_roles

    requirements = requirement_rules()
    person = 0
    for organisation in organisations:
        roles = required_roles(
            requirements,
            kind=organisation.kind,
            children_services=organisation.provides_children_services,
            maternity_services=organisation.provides_maternity_services,
        )
        for role in roles:
            key = (organisation.ods_code, role)
            if key in LEFT_MISSING:
                continue
            vacant = key in RECORDED_VACANT
            person += 1
            name = "" if vacant else f"{FIRST[person % len(FIRST)]} {LAST[person % len(LAST)]}"
            doctor = "doctor" in role or "gp" in role or "paediatrician" in role
            actions.do_add_role_holder(
                organisation=organisation,
                role=role,
                holder_name=name,
                job_title=R(role).label,
                pa_sessions=RECORDED_VACANT.get(key) or (2 if doctor else None),
                wte=None if doctor else 1,
                start_date=dt.date(2024, 4, 1),
                acting_user=None,
            )


def _add_contracts(icb, providers):
    """Contracts started a year ago; every fourth one ends within two months, so it shows as ending soon."""
    today = timezone.localdate()
    for number, provider in enumerate(p for p in providers if p.kind != K.GP_PRACTICE):
        ends = today + dt.timedelta(days=60 if number % 4 == 0 else 700)
        actions.do_create_contract(
            provider=provider,
            reference=f"NDI-{number + 1:03d}",
            services=f"Services of {provider.name}",
            start_date=today - dt.timedelta(days=365),
            end_date=ends,
            lead_commissioner=icb,
            safeguarding_schedule_included=provider.ods_code not in WITHOUT_SCHEDULE,
            acting_user=None,
        )


def _add_users(icb, providers):
    staff = [
        ("designated", Role.DESIGNATED, "Robin", "Ashgrove"),
        ("admin", Role.ADMINISTRATOR, "Casey", "Pennywell"),
        ("executive", Role.EXECUTIVE, "Noor", "Harrowgate"),
        ("board", Role.BOARD, "Taylor", "Mistlecombe"),
        ("contracts", Role.CONTRACTS, "Kit", "Oakhurst"),
        ("hr", Role.HR, "Jamie", "Tamsley"),
        ("auditor", Role.AUDITOR, "Jordan", "Wrenbury"),
    ]
    for username, role, first, last in staff:
        ensure_user(username, role=role, organisation=icb, first_name=first, last_name=last)
    for provider in providers:
        ensure_user(
            f"provider.{provider.ods_code.lower()}",
            role=Role.PROVIDER,
            organisation=provider,
            first_name="Safeguarding lead",
            last_name=provider.name,
        )


NEIGHBOUR_CODE = "QZY"
# (kind, title, stage, provider ODS code, days ago started, stages consulted at, signed off)
EVENTS = [
    # The deliberate gap: a tender past its specification with no designated professional consulted [NEL 3.1].
    (CommissioningKind.TENDER, "Community children's services (0-19) tender", S.PROCUREMENT, "ZA2", 120, [], False),
    (
        CommissioningKind.REDESIGN,
        "Adult mental health crisis pathway redesign",
        S.MOBILISATION,
        "ZA3",
        300,
        [S.PLANNING, S.SPECIFICATION, S.PROCUREMENT, S.AWARD],
        True,
    ),
    (
        CommissioningKind.PROCUREMENT,
        "Domiciliary care framework",
        S.QUALITY_ASSURANCE,
        "ZB1",
        500,
        [S.SPECIFICATION, S.PROCUREMENT, S.AWARD, S.MOBILISATION],
        True,
    ),
    (
        CommissioningKind.DECOMMISSIONING,
        "Wrenfold minor injuries unit closure",
        S.PLANNING,
        "ZA5",
        30,
        [S.PLANNING],
        False,
    ),
]
ADVICE = {
    S.PLANNING: "Include children's and adults' safeguarding in the needs assessment; ask the partnership for data.",
    S.SPECIFICATION: "Add the children's and adults' safeguarding schedules and the named professional posts.",
    S.PROCUREMENT: "Score bidders on safeguarding training and supervision; ask for their Section 11 audit.",
    S.AWARD: "Confirm the named leads of SC32.2 before the contract starts.",
    S.MOBILISATION: "Check that staff transferring have current DBS checks and level 3 training.",
}
# Specifications: (provider ODS code, audience, kind, checklist items left out)
SPECIFICATIONS = [
    ("ZA1", ScheduleAudience.CHILDREN, SpecificationKind.SPECIFICATION, []),
    ("ZA1", ScheduleAudience.ADULTS, SpecificationKind.SPECIFICATION, []),
    ("ZA2", ScheduleAudience.CHILDREN, SpecificationKind.SPECIFICATION, []),
    ("ZA3", ScheduleAudience.ADULTS, SpecificationKind.SPECIFICATION, []),
    # A second deliberate gap: an SLA lacking two of the contents the policies list [CPCCG 6.8].
    ("ZA6", ScheduleAudience.ADULTS, SpecificationKind.SLA, ["covers_diversity", "covers_vulnerable_parents"]),
]


def _add_commissioning(icb):
    """Commissioning events, specifications, a subcontractor or two, a matter to tell an associate commissioner,
    the modern slavery statement and due diligence (idempotent). Dates are relative to today."""
    if CommissioningEvent.objects.filter(icb=icb).exists():
        return
    today = timezone.localdate()
    contracts = {
        c.provider.ods_code: c for c in Contract.objects.filter(lead_commissioner=icb).select_related("provider")
    }
    for kind, title, stage, code, days, consulted, signed in EVENTS:
        started = today - dt.timedelta(days=days)
        event = actions.do_create_commissioning_event(
            icb=icb,
            kind=kind,
            title=title,
            stage=stage,
            provider=contracts[code].provider,
            contract=contracts[code],
            started_on=started,
            commissioner="Kit Oakhurst, contracts manager",
            specification_signed_off_on=started + dt.timedelta(days=40) if signed else None,
            specification_signed_off_by="Robin Ashgrove, designated nurse" if signed else "",
            acting_user=None,
        )
        for step, when in zip(consulted, range(len(consulted)), strict=True):
            actions.do_record_consultation(
                event,
                stage=step,
                consulted_on=started + dt.timedelta(days=10 + 30 * when),
                professional="Robin Ashgrove, designated nurse for safeguarding children",
                advice=ADVICE[step],
                acting_user=None,
            )
    for code, audience, kind, left_out in SPECIFICATIONS:
        contract = contracts[code]
        actions.do_add_specification(
            contract=contract,
            kind=kind,
            audience=audience,
            title=f"{contract.provider.name}: safeguarding {ScheduleAudience(audience).label.lower()} schedule",
            agreed_on=contract.start_date,
            review_on=contract.start_date + dt.timedelta(days=365 + 90),
            **{name: name not in left_out for name in CHECKLIST_FIELDS},
            acting_user=None,
        )
    actions.do_add_subcontractor(
        contract=contracts["ZA1"],
        name="Clearway Facilities Services",
        services="Cleaning and grounds maintenance",
        compliance_confirmed_on=contracts["ZA1"].start_date,
        policy_appended=True,
        acting_user=None,
    )
    actions.do_add_subcontractor(
        contract=contracts["ZA3"],
        name="Swiftmove Patient Transport",
        services="Non-emergency patient transport",
        policy_appended=False,
        acting_user=None,
    )
    neighbour = Organisation.objects.filter(ods_code=NEIGHBOUR_CODE).first() or actions.do_create_organisation(
        name="NHS Fenwold and Marsh Integrated Care Board",
        kind="icb",
        ods_code=NEIGHBOUR_CODE,
        parent=icb.parent,
        acting_user=None,
    )
    actions.do_update_contract(contracts["ZA4"], associate_commissioners=[neighbour], acting_user=None)
    actions.do_record_associate_notification(
        contract=contracts["ZA4"],
        associate_commissioner=neighbour,
        reason=NotificationReason.NON_COMPLIANCE,
        summary="Safeguarding adults level 3 training below 85% for two quarters",
        occurred_on=today - dt.timedelta(days=40),
        notified_on=today - dt.timedelta(days=35),
        acting_user=None,
    )
    actions.do_record_associate_notification(
        contract=contracts["ZA4"],
        associate_commissioner=neighbour,
        reason=NotificationReason.SERIOUS_INCIDENT,
        summary="Delayed response to a call about an adult at risk (no identifiers)",
        occurred_on=today - dt.timedelta(days=6),
        acting_user=None,
    )
    year = financial_year_of(today)
    actions.do_add_statement(
        icb=icb,
        financial_year=year - 1,
        chief_officer="Morgan Larkspur, chief executive",
        signed_off_on=dt.date(year - 1, 6, 30),
        published_on=dt.date(year - 1, 7, 7),
        acting_user=None,
    )
    actions.do_add_statement(
        icb=icb,
        financial_year=year,
        chief_officer="Morgan Larkspur, chief executive",
        signed_off_on=min(dt.date(year, 6, 30), today),
        published_on=min(dt.date(year, 7, 7), today),
        acting_user=None,
    )
    for number, contract in enumerate(contracts.values()):
        if contract.provider.ods_code == "ZA8":
            continue  # the third gap: a contract with no modern slavery due diligence
        late = contract.provider.ods_code == "ZA7"  # the fourth: due diligence done after the contract was let
        actions.do_record_due_diligence(
            contract=contract,
            completed_on=contract.start_date + dt.timedelta(days=21 if late else -14 - number),
            completed_by="Kit Oakhurst, contracts manager",
            no_convictions_found=True,
            confirmations_received=not late,
            acting_user=None,
        )


CONTACTS = [
    ("ZC1", "spa", "Children's Front Door (MASH)", "01632 960100", "01632 960199", "Mon–Fri 8:30–17:00", ""),
    ("ZC1", "edt", "Emergency Duty Team", "", "01632 960111", "Evenings, weekends and bank holidays", ""),
    ("ZC1", "adult_safeguarding", "Adult Social Care Front Door", "01632 960120", "01632 960111", "Mon–Fri", ""),
    ("ZC1", "lado", "Local authority designated officer", "01632 960130", "", "Mon–Fri 9:00–17:00", ""),
    (
        "Northmoor Constabulary",
        "caiu",
        "Child Abuse Investigation Unit",
        "020 7946 0100",
        "020 7946 0199",
        "24 hours",
        "In an emergency call 999.",
    ),
    (
        "ZA1",
        "paediatrician",
        "Consultant paediatrician on call",
        "01632 960200",
        "01632 960201",
        "24 hours",
        "Ask switchboard to bleep the paediatrician on call.",
    ),
    (
        "Northmoor Community Safety Partnership",
        "domestic_abuse",
        "MARAC coordinator",
        "01632 960300",
        "",
        "Mon–Fri 9:00–17:00",
        "Referrals by the MARAC form.",
    ),
]


def _load_contacts():
    from organisations.models import SafeguardingContact

    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    if icb is None or SafeguardingContact.objects.filter(organisation__icb=icb).exists():
        return
    for key, service, team, phone, duty, hours, notes in CONTACTS:
        organisation = Organisation.objects.filter(icb=icb).filter(ods_code=key).first() or (
            Organisation.objects.filter(icb=icb, name=key).first()
        )
        if organisation is None:
            continue
        actions.do_add_contact(
            organisation=organisation,
            service=service,
            team=team,
            phone=phone,
            duty_phone=duty,
            hours=hours,
            notes=notes,
            acting_user=None,
        )
