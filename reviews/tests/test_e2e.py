"""End-to-end in headless Chromium: a rapid review becomes a CSPR whose recommendation is actioned
by a provider and verified by the designated professional."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.models import TrackedAction
from core.testing import fill_date
from reviews.models import Review

pytestmark = pytest.mark.e2e


def test_rapid_review_to_cspr_to_verified_recommendation(world, partnerships, page, sign_in, today):
    sign_in("designated")

    # Open a rapid review.
    page.goto("/reviews/")
    page.get_by_role("link", name="Open a review").click()
    page.get_by_label("Kind").select_option(label="Rapid review")
    page.get_by_label("Subject reference").fill("Child Q")
    page.get_by_label("Abuse or neglect known or suspected").select_option("true")
    page.get_by_label("Outcome for the subject").select_option("serious_harm")
    page.get_by_label("Lead partnership").select_option(label=partnerships["scp"].name)
    fill_date(page, "Incident date", today - dt.timedelta(days=12))
    fill_date(page, "Notification date", today - dt.timedelta(days=10))
    page.get_by_role("button", name="Open review").click()
    expect(page.get_by_role("heading", name="Child Q", level=1)).to_be_visible()
    expect(page.get_by_text("Rapid review completed and sent to the national panel")).to_be_visible()
    rapid = Review.objects.get(kind__code="rapid_review")

    # Two organisations' contributions.
    for organisation, kind in ((world.provider, "chronology"), (world.other_provider, "agency_report")):
        page.get_by_role("link", name="Ask an organisation to contribute").click()
        page.get_by_label("Organisation").select_option(label=str(organisation))
        page.get_by_label("What it must contribute").select_option([kind])
        fill_date(page, "Due date", today + dt.timedelta(days=7))
        page.get_by_role("button", name="Add contributions").click()
    contributions = page.locator("tr.vigil-contribution")
    expect(contributions).to_have_count(2)
    expect(contributions.first).to_contain_text("Provider One")

    # Record the CSPR decision: the CSPR opens, linked to the rapid review.
    page.get_by_role("link", name="Record the decision").click()
    fill_date(page, "Decision date", today - dt.timedelta(days=1))
    page.get_by_label("What was decided").select_option("local_cspr")
    fill_date(page, "Initiation date", today)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Child safeguarding practice review (local)").first).to_be_visible()
    expect(page.get_by_role("link", name=f"{rapid.reference} Rapid review")).to_be_visible()
    cspr = Review.objects.get(kind__code="cspr_local")

    # A recommendation with an action for one provider.
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation", exact=True).fill("Embed was-not-brought follow-up in children's services")
    page.get_by_label("Organisations it is assigned to").select_option([str(world.provider.pk)])
    page.get_by_label("Owner").fill("Named nurse for safeguarding children")
    fill_date(page, "Due date", today + dt.timedelta(days=60))
    page.get_by_label("How success will be measured").fill("Audit of 20 records shows follow-up")
    page.get_by_role("button", name="Add recommendation").click()
    expect(page.get_by_text("Open: 0 of 1 actions verified")).to_be_visible()
    action = TrackedAction.objects.get()

    # The provider completes its action.
    page.get_by_role("button", name="Sign out").click()
    sign_in("provider.one")
    page.goto(f"/reviews/{cspr.pk}/")
    page.get_by_role("link", name="Provider One: Embed was-not-brought").click()
    page.get_by_label("Evidence that the action is complete").fill("Audit report, December")
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("Completed (evidence given)").first).to_be_visible()

    # The designated professional verifies it: the recommendation closes.
    page.get_by_role("button", name="Sign out").click()
    sign_in("designated")
    page.goto(f"/actions/{action.pk}/")
    page.get_by_role("button", name="Verify and close").click()
    page.goto(f"/reviews/{cspr.pk}/")
    card = page.locator(".vigil-recommendation")
    expect(card).to_contain_text("Closed")
    expect(card).not_to_contain_text("Open:")
