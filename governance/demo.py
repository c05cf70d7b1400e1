"""Synthetic governance data for the fictional NHS Northmoor and Dunstow ICB: four committees with meetings,
papers, decisions and an action; eight policies (one review overdue, one due soon, a draft and a
provider's); six risks across the bands (one at 16 not yet escalated, one escalated); and last
year's provider annual reports (one received late, one missing); the monitoring schedule of the policy's
monitoring table (the quarterly team-structure check overdue, Board oversight done with a gap and an action).
Every name and detail is invented; dates
are relative to today."""

import datetime as dt

from django.utils import timezone

from core.models import User
from governance import actions
from governance.choices import CheckOutcome, CommitteeKind, MonitoringFrequency, PolicyStatus, ReportSubject
from governance.models import AnnualReport, Committee, MonitoringCheck
from organisations.models import Organisation

ICB_CODE = "QZZ"


def load():
    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    if icb is None:
        return
    today = timezone.localdate()
    user = User.objects.filter(username="designated").first()
    if not Committee.objects.filter(icb=icb).exists():
        committees = _committees(icb, user, today)
        _policies(icb, user, today, committees)
        _risks(icb, user, today, committees)
        _annual_reports(icb, user, today)
    if not MonitoringCheck.objects.filter(icb=icb).exists():
        _monitoring(icb, user, today)


COLLABORATION = "Safeguarding Children, Looked After Children and Adults Collaboration Meeting"
ASSISTANT_DIRECTORS = "Assistant Directors for Safeguarding Children and for Safeguarding Adults"
# The monitoring table of the safeguarding policy [DDICB Monitoring and Review of Policy]: (check, purpose,
# owner, frequency, reviewed by the Board (else the collaboration meeting), days since last done or None,
# outcome). The website check's frequency is not in the seed: six-monthly is Vigil's choice.
CHECKS = [
    (
        "Review of the safeguarding children and adults team structures",
        "Effective safeguarding structures support the policy's delivery and the team fulfils its statutory functions.",
        ASSISTANT_DIRECTORS,
        MonitoringFrequency.QUARTERLY,
        False,
        120,  # last done four months ago: overdue
        CheckOutcome.ASSURED,
    ),
    (
        "Governance forums that safeguarding reports to are operating",
        "Safeguarding reporting routes in the ICB governance structure and handbook are in place.",
        ASSISTANT_DIRECTORS,
        MonitoringFrequency.SIX_MONTHLY,
        False,
        60,
        CheckOutcome.ASSURED,
    ),
    (
        "Delivery of the safeguarding children and adults training programme",
        "The safeguarding training strategy and programme are delivered.",
        ASSISTANT_DIRECTORS,
        MonitoringFrequency.YEARLY,
        False,
        300,
        CheckOutcome.ASSURED,
    ),
    (
        "Current safeguarding policies on the ICB staff and public websites",
        "The most up-to-date version of each safeguarding policy is available to staff and the public.",
        "Safeguarding administration team",
        MonitoringFrequency.SIX_MONTHLY,
        False,
        None,  # never done: first due in three weeks
        None,
    ),
    (
        "Board oversight of the actions from the policy's monitoring",
        "The ICB Board oversees the completion of actions from the monitoring checks.",
        "Executive chief nurse",
        MonitoringFrequency.YEARLY,
        True,
        90,
        CheckOutcome.GAPS,
    ),
]


def _monitoring(icb, user, today):
    collaboration = Committee.objects.filter(icb=icb, kind=CommitteeKind.COLLABORATION).first()
    if collaboration is None:
        collaboration = actions.do_create_committee(
            acting_user=user, icb=icb, kind=CommitteeKind.COLLABORATION, name=COLLABORATION, chair="Designated nurse"
        )
    board = Committee.objects.filter(icb=icb, kind=CommitteeKind.BOARD).first() or collaboration
    for title, purpose, owner, frequency, to_board, days, outcome in CHECKS:
        check = actions.do_add_monitoring_check(
            acting_user=user,
            icb=icb,
            title=title,
            purpose=purpose,
            owner=owner,
            frequency_months=frequency,
            reviewing_committee=board if to_board else collaboration,
            oversight="ICB Board",
            source="DDICB Safeguarding Children Policy, Monitoring and Review of Policy",
            first_due_on=_ago(today, 400) if days is not None else today + dt.timedelta(days=21),
        )
        if days is None:
            continue
        record = actions.do_record_check_done(
            check,
            acting_user=user,
            done_on=_ago(today, days),
            done_by=owner,
            outcome=outcome,
            findings=(
                "Synthetic demo: two actions from the training check were reported late to the Board."
                if outcome == CheckOutcome.GAPS
                else "Synthetic demo: in place and reported to the collaboration meeting."
            ),
        )
        if outcome == CheckOutcome.GAPS:
            actions.do_raise_action(
                check,
                organisation=icb,
                acting_user=user,
                title=f"Report the open actions from '{record.monitoring_check.title}' to every Board meeting",
                owner="Executive chief nurse",
                due_date=today + dt.timedelta(days=60),
                success_measure="Every Board meeting in the next six months receives the action log",
            )


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
