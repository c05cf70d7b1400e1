"""End to end in headless Chromium: HR records an allegation on a Friday, the LADO due date is the next
working day, a provider user cannot find it, and the auditor sees who viewed it."""

import re

import pytest
from playwright.sync_api import expect

from casework.models import Allegation
from core.testing import fill_date, sign_in_through_page

pytestmark = pytest.mark.e2e


def test_an_allegation_recorded_on_a_friday_is_due_monday_hidden_from_providers_and_its_views_audited(
    world, page, sign_in, browser, live_server
):
    sign_in("hr")
    page.goto("/casework/allegations/add/")
    page.get_by_label("Employer", exact=True).select_option(str(world.provider.pk))
    page.get_by_label("Name of the person the allegation is about").fill("Invented Person")
    page.get_by_label("Their role").fill("Play worker")
    page.get_by_label("Child or adult (pseudonymous reference)").fill("Child Q")
    page.get_by_label("Category").select_option("harmed")
    page.get_by_label("What was alleged").fill("Synthetic allegation for the end-to-end test.")
    fill_date(page, "Date the allegation was made", "2026-11-20")  # a Friday
    page.get_by_role("button", name="Save").click()

    allegation = Allegation.objects.get()
    expect(page.get_by_role("heading", name=allegation.reference, level=1)).to_be_visible()
    lado = page.get_by_role("row", name=re.compile("Inform the LADO"))
    expect(lado).to_contain_text("Monday 23 November 2026")
    expect(page.get_by_text("Invented Person")).to_be_visible()

    provider = browser.new_context(base_url=live_server.url).new_page()
    sign_in_through_page(provider, "provider.one")
    provider.goto("/casework/")
    expect(provider.get_by_role("link", name=re.compile("Allegations"))).to_have_count(0)
    assert provider.goto(f"/casework/allegations/{allegation.pk}/").status == 403
    expect(provider.locator("body")).not_to_contain_text("Invented Person")
    provider.context.close()

    page.context.clear_cookies()
    sign_in("auditor")
    page.goto("/casework/access-log/")
    page.get_by_role("link", name=allegation.reference).click()
    views = page.get_by_role("table").first
    expect(views).to_contain_text("hr")
    expect(views).to_contain_text("view")
    expect(page.locator("body")).not_to_contain_text("Invented Person")
    assert page.goto(f"/casework/allegations/{allegation.pk}/").status == 403
