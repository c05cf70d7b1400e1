"""The pages: starting a report (a period not ended is refused naming the field), writing the narrative, building
as a job, the steps with their field errors, DRAFT shown until approval, the Board never seeing a draft."""

from django.utils import timezone

from core import jobs
from core.choices import Role
from reporting.models import Report, ReportNarrative
from reporting.tests.conftest import approved, new_report, report_type


def test_starting_a_report_for_a_period_that_has_not_ended_names_the_field(world, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    kind = report_type("annual-safeguarding")
    response = client.post("/reporting/new/", {"report_type": kind.pk, "financial_year": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Financial year: The period has not ended" in page
    assert not Report.objects.exists()
    response = client.post("/reporting/new/", {"report_type": kind.pk, "financial_year": 2025}, follow=True)
    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == f"/reporting/{report.pk}/"
    assert "Report started" in response.content.decode()


def test_the_designated_professional_writes_and_builds_then_the_page_shows_progress(world, client_for):
    report = new_report(world)
    client = client_for(world.user(Role.DESIGNATED))
    url = f"/reporting/{report.pk}/narrative/children/"
    assert client.post(url, {"text": "Children’s safeguarding."}).status_code == 302
    assert ReportNarrative.objects.get(report=report, key="children").text == "Children’s safeguarding."
    response = client.post(f"/reporting/{report.pk}/build/", follow=True)
    page = response.content.decode()
    assert "Queued: waiting for the worker" in page and "DRAFT" in page
    jobs.run_pending()
    page = client.get(f"/reporting/{report.pk}/").content.decode()
    assert "Built " in page and "Children’s safeguarding." in page and "Draft PDF" in page
    assert client.get(f"/reporting/{report.pk}/report.pdf")["Content-Type"] == "application/pdf"


def test_approval_steps_with_missing_fields_are_refused_naming_them(world, client_for):
    report = approved(world)
    client = client_for(world.user(Role.EXECUTIVE))
    response = client.post(f"/reporting/{report.pk}/present/", {"meeting_date": "", "minute_reference": ""})
    page = response.content.decode()
    assert response.status_code == 200
    # the date's message links to its day box (NHS date input); other fields' messages start with their label
    assert '<a href="#id_meeting_date-day">Enter the date of the meeting' in page
    assert "Minute reference: Enter the minute reference" in page
    report.refresh_from_db()
    assert report.status == "approved" and report.minute_reference == ""
    day = report.approved_at.date().isoformat()
    response = client.post(f"/reporting/{report.pk}/present/", {"meeting_date": day, "minute_reference": "B/26/1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.minute_reference) == ("presented", "B/26/1")


def test_a_return_needs_comments(world, client_for):
    from reporting import actions
    from reporting.tests.conftest import built

    designated = world.user(Role.DESIGNATED)
    report = built(new_report(world), designated)
    actions.do_submit(report, acting_user=designated)
    client = client_for(world.user(Role.EXECUTIVE))
    page = client.post(f"/reporting/{report.pk}/return/", {"comments": ""}).content.decode()
    assert "What needs to change: Write what needs to change" in page
    assert client.post(f"/reporting/{report.pk}/return/", {"comments": "Add figures."}).status_code == 302
    assert Report.objects.get(pk=report.pk).status == "returned"


def test_the_board_reads_the_approved_report_and_never_a_draft(world, client_for):
    frozen = approved(world)
    draft = new_report(world, code="exception", financial_year=2026, quarter=1)
    client = client_for(world.user(Role.BOARD))
    page = client.get(f"/reporting/{frozen.pk}/").content.decode()
    assert "Approved" in page and "SHA-256" in page and "DRAFT" not in page
    assert client.get(f"/reporting/{draft.pk}/").status_code == 404
    assert world.api(Role.BOARD).get(f"/api/v1/reports/{draft.pk}/").status_code == 404


def test_the_api_refuses_a_period_not_ended_and_a_presentation_without_its_fields(world):
    api = world.api(Role.DESIGNATED)
    response = api.post(
        "/api/v1/reports/", {"report_type": "annual-safeguarding", "financial_year": 2026}, format="json"
    )
    assert response.status_code == 400 and "financial_year" in response.json()
    report = approved(world)
    response = world.api(Role.EXECUTIVE).post(f"/api/v1/reports/{report.pk}/present/", {}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"meeting_date", "minute_reference"}
    assert Report.objects.get(pk=report.pk).status == "approved"


def test_the_nhs_england_quarterly_assurance_is_offered_for_ended_quarters_only(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    from core.quarters import Quarter, last_ended_quarter

    client = client_for(world.user(Role.DESIGNATED))
    latest = last_ended_quarter(timezone.localdate())
    page = client.get("/reporting/").content.decode()
    assert f"/reporting/nhs-england/{latest.slug}.xlsx" in page and f"{latest.label} (XLSX)" in page
    response = client.get(f"/reporting/nhs-england/{latest.slug}.xlsx")
    assert response.status_code == 200 and latest.slug in response["Content-Disposition"]
    assert load_workbook(BytesIO(response.content)).sheetnames
    current = Quarter.containing(timezone.localdate())
    assert client.get(f"/reporting/nhs-england/{current.slug}.xlsx").status_code == 404
    assert client.get("/reporting/nhs-england/not-a-quarter.xlsx").status_code == 404
