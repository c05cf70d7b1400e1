"""Synthetic workforce data for the fictional NHS Northmoor and Dunstow ICB: 60 ICB staff by pseudonymous
key imported from a generated ESR-shaped extract (some out of date, some expiring, some new starters in
grace), DBS checks (one started without the required check), supervision of the designated and named
professionals (one overdue), designated capacity as entered (the shape of a real ICB's list, invented
figures) and population figures. Nothing here is a real person. Dates are relative to today."""

import csv
import datetime as dt
import io
import random

from django.utils import timezone

from core.models import User
from organisations.models import Organisation
from workforce import actions, rules
from workforce.models import StaffMember

ICB_CODE = "QZZ"
GROUPS = [
    ("Administrative and Clerical", "Administrator", 24),
    ("Nursing and Midwifery Registered", "Quality nurse", 14),
    ("Medical and Dental", "Clinical lead", 6),
    ("Allied Health Professionals", "Commissioning AHP", 6),
    ("Board", "Non-executive director", 6),
    ("Designated professionals", "Designated nurse", 4),
]
LEVELS = {"children": "Safeguarding Children", "adults": "Safeguarding Adults"}


def _competence(topic, level):
    if topic == "prevent":
        return (
            "NHS|CSTF|Preventing Radicalisation - "
            + ("Level 3" if level >= 3 else "Basic Prevent Awareness")
            + "|3 Years|"
        )
    if level == 6:
        return "NHS|MAND|Safeguarding - Board Level|3 Years|"
    scheme = "CSTF" if level <= 3 else "MAND"
    return f"NHS|{scheme}|{LEVELS[topic]} - Level {level}|3 Years|"


def _extract(today):
    chance = random.Random(12)  # noqa: S311 - synthetic demo data, not security
    tna = {
        "Administrative and Clerical": 2,
        "Nursing and Midwifery Registered": 3,
        "Medical and Dental": 3,
        "Allied Health Professionals": 2,
        "Board": 6,
        "Designated professionals": 5,
    }
    rows, number = [], 0
    for group, role, count in GROUPS:
        for _ in range(count):
            number += 1
            start = today - dt.timedelta(days=chance.choice([20, 200, 900, 2000]))
            for topic in ("children", "adults", "prevent"):
                level = tna[group] if topic != "prevent" else (3 if tna[group] in (3, 5) else 1)
                age = chance.choice([30, 300, 700, 1050, 1200])  # 1,050 days: expiring soon; 1,200: expired
                completed = max(start, today - dt.timedelta(days=age))
                if chance.random() < 0.12:
                    continue  # never trained
                hours = chance.choice(["8", "8", "8", "2"])  # 2 hours: short of level 3's 6 [E1]
                leaving = (today - dt.timedelta(days=30)).isoformat() if number % 25 == 0 else ""  # a leaver
                rows.append(
                    [
                        f"NDI{number:04d}",
                        "",
                        role,
                        group,
                        start.isoformat(),
                        _competence(topic, level),
                        completed.isoformat(),
                        "",
                        hours,
                        "",
                        leaving,
                    ]
                )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(rules.DEFAULT_HEADERS.values()))
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def load():
    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    if icb is None or StaffMember.objects.filter(icb=icb).exists():
        return
    today = timezone.localdate()
    hr = User.objects.filter(username="hr").first()
    designated = User.objects.filter(username="designated").first()
    if hr is None or designated is None:
        return
    actions.ensure_icb_defaults(icb)
    actions.do_import_extract(icb=icb, upload=io.BytesIO(_extract(today)), name="demo-esr-extract.csv", acting_user=hr)
    _dbs(icb, today, hr)
    _supervision(icb, today, hr, designated)
    _capacity(icb, today, designated)


def _dbs(icb, today, hr):
    members = list(StaffMember.objects.filter(icb=icb).order_by("staff_key")[:8])
    for index, member in enumerate(members):
        actions.do_update_staff_member(member, regulated_activity=index < 6, line_manager_email="", acting_user=hr)
        late = index == 2
        actions.do_record_dbs_check(
            staff=member,
            level="enhanced_barred" if index != 5 else "enhanced",
            checked_on=member.start_date + dt.timedelta(days=14 if late else -20),
            certificate_number=f"{900000000000 + index * 7919:012d}",
            update_service=index % 2 == 0,
            self_disclosure_on=today - dt.timedelta(days=340 if index == 1 else 100),
            references_received=2 if index != 4 else 1,
            reference_from_recent_employer=True,
            panel_member_trained=index != 3,
            identity_and_qualifications_checked=True,
            employment_history_checked=index != 6,
            acting_user=hr,
        )


def _supervision(icb, today, hr, designated):
    designated_staff = list(StaffMember.objects.filter(icb=icb, staff_group="Designated professionals"))
    named = list(StaffMember.objects.filter(icb=icb, staff_group="Nursing and Midwifery Registered")[:3])
    for member in designated_staff:
        actions.do_update_staff_member(member, supervision_group="designated", acting_user=hr)
    for member in named:
        actions.do_update_staff_member(member, supervision_group="named", acting_user=hr)
    lead = designated_staff[0]
    for offset, member in enumerate(named):
        actions.do_record_agreement(
            supervisee=member,
            supervisor=lead,
            agreed_on=today - dt.timedelta(days=300),
            supervisee_signed_on=today - dt.timedelta(days=300),
            supervisor_signed_on=today - dt.timedelta(days=299),
            acting_user=hr,
        )
        actions.do_record_session(
            supervisee=member,
            supervisor=lead,
            post="Named nurse for safeguarding children",
            base="Northmoor House",
            held_on=today - dt.timedelta(days=40 + offset * 45),
            venue="Meeting room 2",
            duration_minutes=90,
            topics="Case review of a child on a protection plan (synthetic); training compliance.",
            outcomes="Escalate a delayed strategy meeting; book level 3 update.",
            evaluation="Useful",
            supervisee_confirmed=True,
            supervisor_confirmed=True,
            acting_user=designated,
        )


def _capacity(icb, today, designated):
    for role, amount, unit, area in [
        ("designated_doctor_children", 6, "pa_week", ""),
        ("designated_paediatrician_deaths", 2, "pa_week", ""),
        ("designated_doctor_lac", 2, "pa_month", ""),
        ("designated_nurse_lac", "0.4", "wte", ""),
        ("named_doctor_lac", 2, "pa_week", "County"),
        ("named_doctor_lac", 1, "pa_week", "City"),
        ("named_nurse_lac", 6, "wte", ""),
        ("named_gp_children", 4, "pa_week", ""),
        ("administration", "0.4", "wte", ""),
    ]:
        actions.do_record_capacity(icb=icb, role=role, amount=amount, unit=unit, area=area, acting_user=designated)
    actions.do_record_population(
        icb=icb,
        as_of=today.replace(month=4, day=1) if today.month >= 4 else today.replace(year=today.year - 1, month=4, day=1),
        children=212000,
        children_in_care=880,
        adults=690000,
        acting_user=designated,
    )
