"""End-to-end in headless Chromium: the designated professional records a risk scoring 16, sees it flagged
for escalation, escalates it to the quality and performance committee and sees it on the heatmap."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.testing import fill_date
from governance import actions
from governance.choices import CommitteeKind
from governance.models import Risk

pytestmark = pytest.mark.e2e


def test_a_risk_at_16_is_flagged_escalated_and_on_the_heatmap(world, page, sign_in, today):
    actions.do_create_committee(
        acting_user=None,
        icb=world.icb,
        name="Quality and Performance Committee",
        kind=CommitteeKind.QUALITY_PERFORMANCE,
    )
    sign_in("designated")
    page.goto("/governance/risks/")
    page.get_by_role("link", name="Add a risk").click()
    page.get_by_label("Risk", exact=True).fill("Initial health assessments for children in care are late")
    page.get_by_label("Owner").fill("Designated nurse for children in care")
    for kind, likelihood, consequence in (("Initial", "4", "4"), ("Current", "4", "4"), ("Target", "2", "3")):
        page.get_by_label(f"{kind} likelihood").select_option(likelihood)
        page.get_by_label(f"{kind} consequence").select_option(consequence)
    fill_date(page, "Review date", (today + dt.timedelta(days=30)))
    page.get_by_role("button", name="Add risk").click()

    expect(page.get_by_role("heading", name="Initial health assessments for children in care are late")).to_be_visible()
    expect(page.locator("#needs-escalation")).to_contain_text("16")
    risk = Risk.objects.get()
    assert risk.current_score == 16

    page.get_by_role("link", name="Escalate to a committee").click()
    page.get_by_label("Committee").select_option(label="Quality and Performance Committee")
    page.get_by_role("button", name="Record escalation").click()
    expect(page.locator("#escalations")).to_contain_text("Escalated to the Quality and Performance Committee")
    expect(page.locator("#needs-escalation")).to_have_count(0)

    page.goto("/governance/risks/")
    expect(page.locator("#needs-escalation")).to_have_count(0)
    cell = page.locator('#heatmap td[data-likelihood="4"][data-consequence="4"]')
    expect(cell).to_have_attribute("aria-label", "Likelihood 4, consequence 4, score 16 (Extreme): 1 risk")
    expect(cell).to_contain_text("1")
    expect(page.locator(".vigil-risk")).to_contain_text("Quality and Performance Committee")
