"""Synthetic governance data for the fictional NHS Northmoor and Dunstow ICB: four committees with meetings,
papers, decisions and an action; eight policies (one review overdue, one due soon, a draft and a
provider's); six risks across the bands (one at 16 not yet escalated, one escalated); and last
year's provider annual reports (one received late, one missing). Every name and detail is invented; dates
are relative to today."""

import datetime as dt

from django.utils import timezone

from core.models import User
from governance import actions
from governance.choices import CommitteeKind, PolicyStatus, ReportSubject
from governance.models import AnnualReport, Committee
from organisations.models import Organisation

ICB_CODE = "QZZ"


def load():
    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    if icb is None or Committee.objects.filter(icb=icb).exists():
        return
    today = timezone.localdate()
    user = User.objects.filter(username="designated").first()
    committees = _committees(icb, user, today)
    _policies(icb, user, today, committees)
    _risks(icb, user, today, committees)
    _annual_reports(icb, user, today)


def _ago(today, days):
    return today - dt.timedelta(days=days)


def _committees(icb, user, today):
    made = {}
    for kind, name, chair in (
        (CommitteeKind.BOARD, "NHS Northmoor and Dunstow ICB Board", "ICB chair"),
        (CommitteeKind.QUALITY_PERFORMANCE, "Quality and Performance Committee", "Non-executive member"),
        (CommitteeKind.QUALITY_SAFETY, "Quality and Safety Group", "Executive chief nurse"),
        (CommitteeKind.PARTNERSHIP_BOARD, "Northmoor Safeguarding Partnership Board", "Independent scrutineer"),
    ):
        made[kind] = actions.do_create_committee(acting_user=user, icb=icb, kind=kind, name=name, chair=chair)
    qsg = made[CommitteeKind.QUALITY_SAFETY]
    for number, days in enumerate((150, 60), start=1):
        meeting = actions.do_record_meeting(
            qsg, acting_user=user, date=_ago(today, days), minute_reference=f"QSG/{today.year}/{number:02d}"
        )
        paper = actions.do_add_paper(
            meeting,
            acting_user=user,
            title="Quarterly safeguarding assurance report",
            presented_by="Designated nurse for safeguarding children",
            record_link="/returns/",
        )
        decision = actions.do_record_decision(
            meeting, acting_user=user, paper=paper, text="The group noted the report and its assurance level."
        )
    actions.do_raise_action(
        decision,
        organisation=icb,
        acting_user=user,
        title="Bring a recovery plan for Level 3 training compliance",
        owner="Designated nurse for safeguarding children",
        due_date=today + dt.timedelta(days=45),
        success_measure="Plan presented and accepted by the group",
    )
    qpc = made[CommitteeKind.QUALITY_PERFORMANCE]
    meeting = actions.do_record_meeting(qpc, acting_user=user, date=_ago(today, 30), minute_reference="QPC/EX/07")
    actions.do_add_paper(
        meeting,
        acting_user=user,
        title="Exception report: designated doctor vacancy",
        presented_by="Executive chief nurse",
    )
    board = made[CommitteeKind.BOARD]
    meeting = actions.do_record_meeting(board, acting_user=user, date=_ago(today, 200), minute_reference="BRD/2026/05")
    actions.do_add_paper(
        meeting, acting_user=user, title="Annual safeguarding report", presented_by="Executive chief nurse"
    )
    actions.do_record_decision(meeting, acting_user=user, text="The Board approved the annual safeguarding report.")
    return made


def _policies(icb, user, today, committees):
    qsg = committees[CommitteeKind.QUALITY_SAFETY]
    rows = [
        ("Safeguarding children and adults policy", "QS/SG/001", "4.0", 26 * 30, 24, PolicyStatus.APPROVED),
        ("Safer recruitment policy", "HR/SR/004", "3.1", 20 * 30, 36, PolicyStatus.APPROVED),
        ("Prevent policy", "QS/SG/007", "2.0", 23 * 30 - 20, 24, PolicyStatus.APPROVED),
        ("Mental Capacity Act policy", "QS/SG/009", "3.0", 300, 24, PolicyStatus.APPROVED),
        ("Domestic abuse policy for ICB staff", "QS/SG/011", "1.2", 120, 24, PolicyStatus.APPROVED),
        ("Managing allegations against staff", "HR/AL/002", "2.0", 400, 24, PolicyStatus.APPROVED),
        ("Safeguarding supervision policy", "QS/SG/012", "0.3", None, 24, PolicyStatus.DRAFT),
    ]
    for title, reference, version, days, interval, status in rows:
        actions.do_add_policy(
            acting_user=user,
            icb=icb,
            title=title,
            reference=reference,
            owner="Designated nurse for safeguarding children",
            document_version=version,
            status=status,
            approved_on=_ago(today, days) if days else None,
            approving_committee=qsg if days else None,
            review_interval_months=interval,
        )
    provider = Organisation.objects.filter(ods_code="ZA1").first()
    if provider is not None:
        actions.do_add_policy(
            acting_user=user,
            icb=icb,
            organisation=provider,
            title="Safeguarding children policy (trust)",
            owner="Named nurse for safeguarding children",
            document_version="6.0",
            approved_on=_ago(today, 500),
            review_interval_months=36,
        )


RISKS = [
    # title, owner, initial (L, C), then (L, C) a quarter ago, current (L, C), target (L, C), escalate to
    (
        "Designated doctor for children in care post vacant",
        "Executive chief nurse",
        (4, 4),
        (4, 4),
        (4, 5),
        (2, 4),
        "qpc",
    ),
    (
        "Level 3 training compliance below target in two trusts",
        "Designated nurse",
        (4, 4),
        (3, 4),
        (4, 4),
        (2, 3),
        None,
    ),
    (
        "Initial health assessments for children in care late",
        "Designated nurse LAC",
        (4, 3),
        (4, 3),
        (3, 4),
        (2, 3),
        None,
    ),
    (
        "Safeguarding returns incomplete from care homes",
        "Safeguarding administrator",
        (3, 3),
        (3, 3),
        (3, 3),
        (2, 2),
        None,
    ),
    ("MCA training not recorded for domiciliary care", "Designated MCA lead", (3, 3), (3, 2), (2, 3), (1, 3), None),
    ("Safeguarding team resilience over holidays", "Head of safeguarding", (2, 2), (2, 2), (1, 2), (1, 2), None),
]


def _risks(icb, user, today, committees):
    for title, owner, initial, earlier, current, target, escalate in RISKS:
        risk = actions.do_add_risk(
            acting_user=user,
            icb=icb,
            title=title,
            owner=owner,
            cause="Synthetic demonstration cause.",
            effect="Synthetic demonstration effect.",
            controls="Monthly oversight by the safeguarding team.",
            initial_likelihood=initial[0],
            initial_consequence=initial[1],
            current_likelihood=earlier[0],
            current_consequence=earlier[1],
            target_likelihood=target[0],
            target_consequence=target[1],
            opened_on=_ago(today, 180),
            review_date=today + dt.timedelta(days=20),
        )
        actions.do_rescore_risk(
            risk, acting_user=user, likelihood=current[0], consequence=current[1], scored_on=_ago(today, 10)
        )
        if escalate:
            actions.do_escalate_risk(
                risk,
                acting_user=user,
                committee=committees[CommitteeKind.QUALITY_PERFORMANCE],
                escalated_on=_ago(today, 5),
            )


def _annual_reports(icb, user, today):
    year = today.year - 1 if today > actions.annual_report_due(today.year - 1) else today.year - 2
    expected = actions.do_expect_annual_reports(acting_user=user, icb=icb, year=year)
    due = actions.annual_report_due(year)
    for number, report in enumerate(sorted(expected, key=lambda r: (r.provider.ods_code, r.subject))):
        if number == 0:
            continue  # missing
        received = due + dt.timedelta(days=12) if number == 1 else due - dt.timedelta(days=10 + number)
        actions.do_receive_annual_report(report, acting_user=user, received_on=min(received, today))
        if number % 2 == 0 and report.subject == ReportSubject.ADULTS:
            actions.do_review_annual_report(
                report,
                acting_user=user,
                reviewed_on=min(received + dt.timedelta(days=14), today),
                feedback="Thorough report; include supervision figures next year.",
            )
    return AnnualReport.objects.filter(provider__icb=icb, year=year)
