from organisations import demo as organisations_demo
from reporting import demo
from reporting.models import Report, ReportFile


def test_the_demo_has_an_approved_quarterly_report_and_a_draft_annual_report(db):
    organisations_demo.load()
    demo.load()
    demo.load()  # loaded once
    reports = {r.report_type.code: r for r in Report.objects.all()}
    assert set(reports) == {"quarterly-assurance", "annual-safeguarding"}
    assert reports["quarterly-assurance"].status == "approved"
    assert reports["annual-safeguarding"].status == "draft" and reports["annual-safeguarding"].snapshot
    frozen = ReportFile.objects.filter(report=reports["quarterly-assurance"], frozen=True)
    assert sorted(frozen.values_list("kind", flat=True)) == ["html", "json", "pdf", "xlsx"]
