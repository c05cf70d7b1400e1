from organisations import demo as organisations_demo
from regions import demo
from regions.models import AssuranceReturn
from reporting.models import Report


def test_the_demo_has_a_reviewed_return_and_a_draft_regional_annual_report(db):
    organisations_demo.load()
    demo.load()
    demo.load()  # loaded once
    sent = AssuranceReturn.objects.get()
    assert sent.icb.ods_code == "QZZ" and sent.status == "reviewed" and sent.feedback
    annual = Report.objects.get(report_type__code="regional-annual")
    assert annual.organisation == sent.region and annual.status == "draft" and annual.snapshot
