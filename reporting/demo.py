"""Synthetic reports for the fictional NHS Northmoor and Dunstow ICB: the last ended quarter's quarterly assurance
report, approved (its files frozen), and the last financial year's annual safeguarding report as a draft with its
executive summary written. Built synchronously here (the pages queue a stored job); loaded once."""

from django.utils import timezone

from core.models import User
from core.quarters import last_ended_quarter
from organisations.models import Organisation
from reporting import actions
from reporting.models import Report, ReportType

ICB_CODE = "QZZ"


def load():
    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    designated = User.objects.filter(username="designated").first()
    executive = User.objects.filter(username="executive").first()
    if icb is None or designated is None or executive is None or Report.objects.filter(organisation=icb).exists():
        return
    today = timezone.localdate()
    quarter = last_ended_quarter(today)
    quarterly = actions.do_create_report(
        acting_user=designated,
        report_type=ReportType.objects.get(code="quarterly-assurance"),
        financial_year=quarter.fy,
        quarter=quarter.q,
    )
    actions.do_save_narrative(
        quarterly,
        key="executive-summary",
        text="Returns came in from every trust; training at one care home remains red, with an action agreed.",
        acting_user=designated,
    )
    actions.build(quarterly)
    quarterly.refresh_from_db()
    actions.do_submit(quarterly, acting_user=designated)
    actions.do_approve(quarterly, acting_user=executive)
    year = today.year - 1 if today.month >= 4 else today.year - 2
    annual = actions.do_create_report(
        acting_user=designated,
        report_type=ReportType.objects.get(code="annual-safeguarding"),
        financial_year=year,
    )
    actions.do_save_narrative(
        annual,
        key="executive-summary",
        text="A draft for the Board: the designated professionals are still writing the children and adults sections.",
        acting_user=designated,
    )
    actions.build(annual)
