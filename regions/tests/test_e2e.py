"""End to end in headless Chromium: the regional safeguarding lead opens NHS England's roll-up, the region and one
of its ICBs (aggregates only); the ICB's designated professional withdraws the quarter's assurance return before
the region reviews it, saying why, and sends a corrected one, which the region sees as version 2 awaiting review
and reviews."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.choices import Role
from core.quarters import last_ended_quarter
from regions import actions
from regions.models import AssuranceReturn
from reporting.tests.conftest import approved, new_report
from returns.tests.factories import submitted_return

pytestmark = pytest.mark.e2e

REASON = "The care homes' training figures for the quarter were incomplete."


def test_the_regional_lead_drills_down_from_the_roll_up_to_an_icb(world, neighbour, page, sign_in):
    quarter = last_ended_quarter(timezone.localdate())  # the pages' default quarter
    submitted_return(world.provider, quarter=quarter, pct=(50, 100))

    page.set_default_timeout(60000)  # a loaded CI machine: the live server answers slowly
    sign_in("regional")
    page.goto("/regions/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Safeguarding roll-up: {quarter.label}")
    region_row = page.get_by_role("row", name=re.compile(re.escape(world.region.name)))
    expect(region_row.get_by_role("cell").nth(1)).to_have_text("2")  # its two ICBs
    expect(page.get_by_role("link", name=world.other_region.name)).to_have_count(0)  # another region's
    region_row.get_by_role("link", name=world.region.name).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{world.region.name}: {quarter.label}")
    icbs = page.get_by_role("table")
    expect(icbs.get_by_role("link")).to_have_text(["Neighbour ICB", "Test ICB"], use_inner_text=True)
    expect(page.get_by_text("Other ICB")).to_have_count(0)
    expect(page.get_by_text("Provider One")).to_have_count(0)  # aggregates only: no provider is named
    page.get_by_role("link", name="Test ICB").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Test ICB: {quarter.label}")
    summary = page.locator(".nhsuk-summary-list")
    expect(summary).to_contain_text("50% (1 of 2)")  # one provider's return of the two expected
    metrics = page.get_by_role("table").first
    expect(metrics.get_by_role("row", name=re.compile("TRN-CH"))).to_be_visible()
    expect(page.get_by_text("Provider One")).to_have_count(0)
    page.get_by_role("link", name=world.region.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{world.region.name}: {quarter.label}")


def test_the_icb_withdraws_and_corrects_its_return_and_the_region_reviews_version_2(world, page, sign_in):
    designated = world.user(Role.DESIGNATED)
    report = approved(world, new_report(world, code="quarterly-assurance", financial_year=2026, quarter=1))
    first = actions.do_send_return(report=report, statement="A steady quarter.", acting_user=designated)

    page.set_default_timeout(60000)
    sign_in("designated")
    page.goto("/regions/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly assurance returns to the region")
    page.get_by_role("link", name="2026/27 Q1").click()
    expect(page.get_by_text("Awaiting review", exact=True)).to_be_visible()
    page.get_by_role("link", name="Withdraw the return").click()
    page.get_by_role("button", name="Withdraw the return").click()  # no reason: refused
    expect(page.get_by_role("alert")).to_contain_text("Say why the return is withdrawn")
    page.get_by_label("Why is the return withdrawn?").fill(REASON)
    page.get_by_role("button", name="Withdraw the return").click()
    expect(page.get_by_text("Withdrawn: the region sees the return as withdrawn, with your reason.")).to_be_visible()
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text(REASON)

    page.get_by_role("link", name="Send a corrected return").click()
    page.get_by_label("Covering statement (optional)").fill("Corrected: every care home's training figures.")
    page.get_by_role("button", name="Send the corrected return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly assurance return: 2026/27 Q1 (version 2)")
    expect(page.get_by_text("Awaiting review", exact=True)).to_be_visible()
    corrected = AssuranceReturn.objects.get(supersedes=first)
    first.refresh_from_db()
    assert (corrected.number, corrected.status) == (2, "awaiting_review")
    assert first.status == "withdrawn" and first.withdrawn_reason == REASON and first.is_replaced

    page.context.clear_cookies()
    sign_in("regional")
    page.goto("/regions/")
    expect(page.get_by_text("1 received, 1 awaiting review.")).to_be_visible()
    page.get_by_role("link", name="Quarterly assurance returns received").click()
    row = page.get_by_role("row", name=re.compile("Test ICB"))
    expect(row).to_have_count(1)  # the current version only
    expect(row).to_contain_text("2026/27 Q1 (version 2)")
    expect(row).to_contain_text("Awaiting review")
    row.get_by_role("link", name="2026/27 Q1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly assurance return: 2026/27 Q1 (version 2)")
    versions = page.get_by_role("heading", name="Versions of this quarter's return").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(versions.get_by_role("listitem")).to_have_count(2)
    expect(versions.get_by_role("listitem").nth(1)).to_contain_text("Withdrawn by the ICB, replaced")
    page.get_by_role("link", name="Version 1").click()
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Replaced")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text(REASON)
    expect(page.get_by_role("link", name="Review and write feedback")).to_have_count(0)  # a replaced return
    page.go_back()

    page.get_by_role("link", name="Review and write feedback").click()
    page.get_by_label("Feedback to the ICB").fill("Assured on the corrected figures.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved: the ICB sees your feedback.")).to_be_visible()
    expect(page.get_by_text("Reviewed", exact=True)).to_be_visible()
    corrected.refresh_from_db()
    assert corrected.status == "reviewed" and corrected.reviewed_by == world.user(Role.REGIONAL)
