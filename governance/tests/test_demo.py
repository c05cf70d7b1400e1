from core.models import TrackedAction
from governance import demo, reports
from governance.models import AnnualReport, Committee, MonitoringCheck, Policy, Risk
from organisations import demo as organisations_demo
from organisations.models import Organisation


def test_demo_governance_loads_once_through_the_actions(db):
    organisations_demo.load()
    demo.load()
    icb = Organisation.objects.get(ods_code=demo.ICB_CODE)
    assert Committee.objects.count() == 5  # with the collaboration meeting that reviews the monitoring checks
    assert Policy.objects.count() == 8
    assert Risk.objects.count() == 6
    from django.utils import timezone

    today = timezone.localdate()
    summary = reports.governance_summary(icb.pk, today.replace(month=1, day=1), today, today)
    assert [row.policy.title for row in summary["policies"]["overdue"]] == ["Safeguarding children and adults policy"]
    needs = summary["risks"]["needs_escalation"]
    assert [row.score for row in needs] == [16]
    bands = {band.code: count for band, count in summary["risks"]["by_band"]}
    assert bands == {"extreme": 2, "high": 2, "moderate": 1, "low": 1}
    annual = summary["annual_reports"]
    assert (annual.missing, annual.late) == (1, 1)
    monitoring = summary["monitoring"]
    assert [row.check.title for row in monitoring["overdue"]] == [
        "Review of the safeguarding children and adults team structures"
    ]
    assert TrackedAction.objects.count() == 2  # one from a decision, one from the Board oversight check's gap
    demo.load()
    assert Committee.objects.count() == 5 and AnnualReport.objects.count() == annual.expected
    assert MonitoringCheck.objects.count() == len(demo.CHECKS)
