"""Synthetic demo data: the fictional NHS Northmoor and Dunstow ICB. Every name is invented, and every phone
number of the safeguarding contacts directory is in Ofcom's ranges for drama (01632 960xxx, 020 7946 0xxx)."""

import datetime as dt

from django.utils import timezone

from core.choices import Role
from core.demo import ensure_user
from organisations import actions
from organisations.choices import OrganisationKind as K
from organisations.choices import SafeguardingRole as R
from organisations.models import Organisation

ICB_CODE = "QZZ"

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
    _load_organisations()
    _load_contacts()


def _load_organisations():
    if Organisation.objects.filter(ods_code=ICB_CODE).exists():
        return
    region = actions.do_create_organisation(name="NHS England demonstration region", kind=K.REGION, acting_user=None)
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


# The safeguarding contacts directory [DUDLEY 10.1, 10.4]: (organisation name or ODS code, service, team, phone,
# duty line, hours, notes). Ofcom drama numbers only. Left out on purpose: the community safety partnership's
# domestic abuse lead has no duty line, and no child death review lead is recorded yet (a gap to fill).
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
