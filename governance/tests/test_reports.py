import datetime as dt

from core.testing import count_queries
from governance import actions, reports, rules
from governance.choices import CommitteeKind
from governance.models import Risk

SCORES = {"initial_likelihood": 4, "initial_consequence": 4, "target_likelihood": 1, "target_consequence": 1}


def make_risks(user, today, scores):
    return [
        actions.do_add_risk(
            acting_user=user,
            title=f"Risk {n}",
            owner="DN",
            review_date=today,
            opened_on=today - dt.timedelta(days=90),
            current_likelihood=lk,
            current_consequence=cq,
            **SCORES,
        )
        for n, (lk, cq) in enumerate(scores)
    ]


def test_risk_summary_counts_bands_the_heatmap_and_risks_to_escalate(world, designated, today):
    risks = make_risks(designated, today, [(4, 4), (3, 5), (3, 4), (2, 2), (1, 1), (4, 4)])
    qpc = actions.do_create_committee(acting_user=designated, name="QPC", kind=CommitteeKind.QUALITY_PERFORMANCE)
    actions.do_escalate_risk(risks[1], acting_user=designated, committee=qpc)
    summary = reports.risk_summary(Risk.objects.all(), today)
    assert {band.code: count for band, count in summary["by_band"]} == {
        "extreme": 3,
        "high": 1,
        "moderate": 1,
        "low": 1,
    }
    cells = {(c.likelihood, c.consequence): c.count for _, line in summary["heatmap"] for c in line}
    assert cells[(4, 4)] == 2 and cells[(3, 5)] == 1 and sum(cells.values()) == 6
    assert [row.risk.pk for row in summary["needs_escalation"]] == [risks[0].pk, risks[5].pk]
    assert [e.committee.name for _, e in summary["escalations"]] == ["QPC"]


def test_risks_are_scored_as_they_stood_on_the_as_at_date(designated, today):
    (risk,) = make_risks(designated, today, [(3, 4)])
    actions.do_rescore_risk(
        risk, acting_user=designated, likelihood=4, consequence=4, scored_on=today - dt.timedelta(days=5)
    )
    before = reports.risk_rows(Risk.objects.all(), today - dt.timedelta(days=10))
    after = reports.risk_rows(Risk.objects.all(), today)
    assert (before[0].score, before[0].needs_escalation) == (12, False)
    assert (after[0].score, after[0].needs_escalation) == (16, True)
    assert [score for _, score in after[0].history] == [12, 16]
    assert reports.risk_rows(Risk.objects.all(), today - dt.timedelta(days=100)) == []


def test_the_summary_runs_a_fixed_number_of_queries(world, designated, today):
    from governance.tests.conftest import build_records

    build_records(world.icb, [world.provider, world.other_provider], designated, today)
    period = (today - dt.timedelta(days=90), today)
    few, _ = count_queries(lambda: reports.governance_summary(world.icb.pk, *period, today))
    make_risks(designated, today, [(2, 2)] * 5)
    for n in range(4):
        actions.do_add_policy(
            acting_user=designated, title=f"P{n}", owner="DN", document_version="1", approved_on=today
        )
    many, summary = count_queries(lambda: reports.governance_summary(world.icb.pk, *period, today))
    assert few == many
    assert len(summary["risks"]["rows"]) == 6 and summary["policies"]["counts"][rules.IN_DATE] == 7


def test_policy_summary_as_at_dates(designated, today):
    actions.do_add_policy(
        acting_user=designated,
        title="Old",
        owner="DN",
        document_version="1",
        approved_on=today - dt.timedelta(days=800),
    )
    actions.do_add_policy(
        acting_user=designated,
        title="Soon",
        owner="DN",
        document_version="1",
        approved_on=today - dt.timedelta(days=700),
    )
    actions.do_add_policy(acting_user=designated, title="Draft", owner="DN", document_version="0", status="draft")
    from governance.models import Policy

    summary = reports.policy_summary(Policy.objects.all(), today)
    assert [r.policy.title for r in summary["overdue"]] == ["Old"]
    assert [r.policy.title for r in summary["due_soon"]] == ["Soon"]
    earlier = reports.policy_summary(Policy.objects.all(), today - dt.timedelta(days=750))
    assert earlier["counts"] == {rules.IN_DATE: 1, rules.DUE_SOON: 0, rules.OVERDUE: 0}


def test_annual_reports_received_late_and_missing_as_at(world, designated, today):
    year = today.year - 2
    made = actions.do_expect_annual_reports(acting_user=designated, year=year)
    due = actions.annual_report_due(year)
    on_time, late, _missing = sorted(made, key=lambda r: r.pk)
    actions.do_receive_annual_report(on_time, acting_user=designated, received_on=due)
    actions.do_receive_annual_report(late, acting_user=designated, received_on=due + dt.timedelta(days=1))
    from governance.models import AnnualReport

    summary = reports.annual_report_summary(AnnualReport.objects.all(), today, year)
    assert (summary.expected, summary.received, summary.late, summary.missing) == (3, 2, 1, 1)
    at_due = reports.annual_report_summary(AnnualReport.objects.all(), due, year)
    assert (at_due.received, at_due.missing, at_due.awaited) == (1, 0, 2)


def test_meetings_and_decisions_in_a_period(designated, today):
    qsg = actions.do_create_committee(acting_user=designated, name="QSG", kind=CommitteeKind.QUALITY_SAFETY)
    inside = actions.do_record_meeting(qsg, acting_user=designated, date=today - dt.timedelta(days=10))
    actions.do_record_meeting(qsg, acting_user=designated, date=today - dt.timedelta(days=200))
    actions.do_record_decision(inside, acting_user=designated, text="Agreed")
    from governance.models import Meeting

    summary = reports.committee_summary(Meeting.objects.all(), today - dt.timedelta(days=90), today)
    assert summary["meetings"] == [inside] and [d.text for _, d in summary["decisions"]] == ["Agreed"]


def test_the_risk_api_and_register_page_run_a_fixed_number_of_queries(world, designated, client_for, today):
    make_risks(designated, today, [(4, 4)])
    api = world.api("designated")
    page = client_for(world.user("designated"))
    one_api, _ = count_queries(lambda: api.get("/api/v1/risks/"))
    one_page, _ = count_queries(lambda: page.get("/governance/risks/"))
    make_risks(designated, today, [(2, 3), (5, 5), (1, 1)])
    assert count_queries(lambda: api.get("/api/v1/risks/"))[0] == one_api
    assert count_queries(lambda: page.get("/governance/risks/"))[0] == one_page
