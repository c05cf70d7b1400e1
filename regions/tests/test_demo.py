from auditlog.models import LogEntry

from core.audit import history_for
from organisations import demo as organisations_demo
from regions import demo
from regions.models import AssuranceReturn
from reporting.models import Report


def test_the_demo_has_a_reviewed_return_and_a_draft_regional_annual_report(db):
    organisations_demo.load()
    demo.load()
    demo.load()  # loaded once
    sent = AssuranceReturn.objects.get(status="reviewed")
    assert sent.icb.ods_code == "QZZ" and sent.feedback and not sent.is_replaced
    annual = Report.objects.get(report_type__code="regional-annual")
    assert annual.organisation == sent.region and annual.status == "draft" and annual.snapshot


def test_the_demo_has_a_withdrawn_return_and_its_correction_awaiting_review(db):
    organisations_demo.load()
    demo.load()
    demo.load()  # loaded once
    assert AssuranceReturn.objects.count() == 3  # the reviewed one, and the withdrawn one with its correction
    withdrawn = AssuranceReturn.objects.get(status="withdrawn")
    corrected = withdrawn.replaced_by
    assert withdrawn.icb.ods_code == "QZZ" and withdrawn.is_replaced and withdrawn.number == 1
    assert withdrawn.withdrawn_reason == demo.WITHDRAWN_REASON and withdrawn.withdrawn_by.username == "designated"
    assert (corrected.number, corrected.status, corrected.replaced_at) == (2, "awaiting_review", None)
    assert corrected.period_start == withdrawn.period_start and corrected.statement == demo.CORRECTED_STATEMENT
    assert corrected.report.status == "approved" and corrected.report.report_type.code == "quarterly-assurance"
    assert list(AssuranceReturn.objects.current().filter(status="awaiting_review")) == [corrected]
    # made through the audited actions: sending, withdrawing and replacing the first are in the audit trail, by the
    # ICB's designated professional, and so is the correction's creation (written after a nested audited save)
    assert history_for(corrected).filter(action=LogEntry.Action.CREATE, actor__username="designated").exists()
    steps = [entry.changes_dict for entry in history_for(withdrawn).filter(actor__username="designated")]
    assert any(step.get("withdrawn_reason", [None, None])[1] == demo.WITHDRAWN_REASON for step in steps)
    assert any("replaced_at" in step for step in steps)
    assert history_for(withdrawn).filter(actor__username="designated", action=LogEntry.Action.CREATE).exists()
