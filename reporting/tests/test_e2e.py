"""End-to-end in headless Chromium: the designated professional starts the annual report, writes the narrative and
builds it; the executive lead approves it; a board member downloads the approved PDF and cannot see a draft."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core import jobs
from reporting.models import Report, ReportFile
from reporting.tests.conftest import new_report

pytestmark = pytest.mark.e2e


def test_write_build_approve_and_the_board_downloads_the_approved_pdf(world, page, sign_in):
    sign_in("designated")
    page.goto("/reporting/")
    page.get_by_role("link", name="Start a report").click()
    page.get_by_label("Report", exact=True).select_option(label="Annual safeguarding report (children and adults)")
    page.get_by_label("Financial year").fill("2025")
    page.get_by_role("button", name="Start report").click()
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("DRAFT")

    page.get_by_role("link", name="Write Executive summary").click()
    page.get_by_label("Executive summary").fill("Safeguarding arrangements are effective across the ICB.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Build the report").click()
    expect(page.locator("#build-progress")).to_contain_text("Queued")
    jobs.run_pending()  # the worker (`make worker`)
    page.reload()
    expect(page.locator("#build-progress")).to_contain_text("Built")
    page.get_by_role("link", name="Submit to the executive lead").click()
    page.get_by_role("button", name="Submit to the executive lead").click()

    report = Report.objects.get()
    page.context.clear_cookies()
    sign_in("executive")
    page.goto(f"/reporting/{report.pk}/")
    page.get_by_role("link", name="Approve").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".nhsuk-tag").first).to_contain_text("Approved")

    draft = new_report(world, code="exception", financial_year=2026, quarter=1)
    page.context.clear_cookies()
    sign_in("board")
    page.goto(f"/reporting/{report.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Approved PDF").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == ReportFile.objects.get(report=report, kind="pdf", frozen=True).sha256
    response = page.goto(f"/reporting/{draft.pk}/")
    assert response.status == 404
