"""End-to-end in headless Chromium: the designated professional records a CQC inspection with its findings,
raises two actions from it and finds both in the one action tracker, each linking back to the inspection."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assurance.models import Inspection
from core.models import TrackedAction
from core.testing import fill_date

pytestmark = pytest.mark.e2e

ACTIONS = [
    ("Level 3 safeguarding training for every emergency department registrant", "Named nurse", "90% trained"),
    ("Audit follow-up of children's referrals within 24 hours", "Named doctor", "Monthly audit at 95%"),
]


def test_record_an_inspection_raise_two_actions_and_see_them_in_the_tracker(world, page, sign_in):
    today = timezone.localdate()
    sign_in("designated")
    page.goto("/assurance/inspections/")
    page.get_by_role("link", name="Add an inspection or review").click()
    page.get_by_label("Organisation", exact=True).select_option(label=str(world.provider))
    page.get_by_label("Inspected by", exact=True).select_option("cqc")
    page.get_by_label("Kind", exact=True).select_option("cqc_inspection")
    page.get_by_label("Title", exact=True).fill("Unannounced inspection of urgent and emergency care")
    fill_date(page, "Started on", (today - dt.timedelta(days=10)), exact=True)
    page.get_by_label("Overall rating or judgement (optional)", exact=True).select_option("requires_improvement")
    page.get_by_label("Findings (optional)", exact=True).fill(
        "Safeguarding training in the emergency department below target."
    )
    page.get_by_role("button", name="Add to the register").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Unannounced inspection of urgent")
    expect(page.locator("#inspection-findings")).to_contain_text("training in the emergency department")
    expect(page.locator("#inspection-rating")).to_contain_text("Requires improvement")

    for title, owner, measure in ACTIONS:
        page.get_by_role("link", name="Add an action").click()
        page.get_by_label("What will be done", exact=True).fill(title)
        page.get_by_label("Owner", exact=True).fill(owner)
        fill_date(page, "Due date", (today + dt.timedelta(days=60)), exact=True)
        page.get_by_label("How success will be measured", exact=True).fill(measure)
        page.get_by_role("button", name="Add action").click()
        expect(page.locator("#inspection-actions")).to_contain_text(title[:40])

    page.goto("/actions/?source_kind=inspection")
    for title, _, _ in ACTIONS:
        expect(page.get_by_role("link", name=title[:40])).to_be_visible()

    inspection = Inspection.objects.get()
    assert inspection.findings.startswith("Safeguarding training") and inspection.rating == "requires_improvement"
    tracked = TrackedAction.objects.for_source(inspection)
    assert sorted(tracked.values_list("title", flat=True)) == sorted(t for t, _, _ in ACTIONS)
    assert {a.source_url for a in tracked} == {f"/assurance/inspections/{inspection.pk}/"}
