"""End-to-end in headless Chromium: a provider completes and submits a Section 11 assessment with one
SMART action; the designated professional challenges one requirement and accepts the rest in one click; the
provider follows the link to the challenged requirement, answers and resubmits; the designated professional
accepts it and signs the assessment off."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assurance.choices import AssessmentStatus
from assurance.tests.factories import assessment_of, open_cycle
from core.models import TrackedAction
from core.testing import fill_date

pytestmark = pytest.mark.e2e


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_complete_submit_challenge_answer_and_sign_off(world, page, sign_in):
    assessment = assessment_of(open_cycle(world, organisations=[world.provider]), world.provider)
    responses = {r.requirement.code: r for r in assessment.responses.select_related("requirement")}
    shortfall = responses["S11-11"]

    sign_in("provider.one")
    page.goto("/assurance/")
    page.get_by_role("link", name="Provider One").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Provider One")
    page.get_by_role("link", name="Complete this section").first.click()
    for _ in range(4):
        for fieldset in page.locator("fieldset[id^=req-]").all():
            pk = fieldset.get_attribute("id").removeprefix("req-")
            choice = 1 if int(pk) == shortfall.pk else 0  # partially met for S11-11, fully met elsewhere
            page.check(f"#id_r{pk}_rating_{choice}")
            page.fill(f"#id_r{pk}_narrative", "Synthetic answer: in place and audited.")
        next_button = page.get_by_role("button", name="Save and go to the next section")
        if next_button.count():
            next_button.click()
        else:
            page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Needs a SMART action")).to_be_visible()

    page.get_by_role("link", name="Submit to the ICB").click()
    expect(page.get_by_role("alert")).to_contain_text("S11-11")
    page.goto(f"/assurance/responses/{shortfall.pk}/actions/add/")
    page.get_by_label("What will be done").fill("Run level 3 training for the remaining staff")
    page.get_by_label("Owner").fill("Named nurse")
    fill_date(page, "Due date", (timezone.localdate() + dt.timedelta(days=60)))
    page.get_by_label("How success will be measured").fill("85% of relevant staff trained at level 3")
    page.get_by_role("button", name="Add action").click()
    page.get_by_role("link", name="Submit to the ICB").click()
    page.get_by_role("button", name="Submit to the ICB").click()
    expect(page.locator("#assessment-status")).to_contain_text("Submitted")
    sign_out(page)

    sign_in("designated")
    page.goto(f"/assurance/assessments/{assessment.pk}/review/")
    challenged = responses["S11-7"]  # one challenge, then one click accepts every other requirement
    page.check(f"#id_r{challenged.pk}_decision_1")
    page.fill(f"#id_r{challenged.pk}_comment", "Please show the escalation policy matches the partnership's.")
    page.get_by_role("button", name="Accept all remaining requirements").click()
    expect(page.locator("#assessment-status")).to_contain_text("Returned")
    expect(page.get_by_role("alert").first).to_contain_text("Challenged: S11-7")
    sign_out(page)

    sign_in("provider.one")
    page.goto(f"/assurance/assessments/{assessment.pk}/")
    page.locator("#challenged").get_by_role("link", name="S11-7").click()  # straight to the challenged requirement
    expect(page.locator(f"#req-{challenged.pk}")).to_contain_text("Please show the escalation policy matches")
    page.get_by_role("link", name="Answer the challenge on S11-7").click()
    page.get_by_label("Your answer to the challenge").fill("Policy section 4 mirrors the partnership's procedure.")
    page.get_by_role("button", name="Send answer").click()
    page.get_by_role("link", name="Submit to the ICB").click()
    page.get_by_role("button", name="Submit to the ICB").click()
    expect(page.locator("#assessment-status")).to_contain_text("Submitted")
    sign_out(page)

    sign_in("designated")
    page.goto(f"/assurance/assessments/{assessment.pk}/review/")
    expect(page.locator(f"#review-{challenged.pk}")).to_contain_text("Policy section 4 mirrors")
    page.get_by_role("button", name="Accept all remaining requirements").click()
    page.get_by_role("button", name="Sign off the assessment").click()
    expect(page.locator("#assessment-status")).to_contain_text("Signed off")
    expect(
        page.get_by_role("cell", name="Status: Submitted → Signed off").first
    ).to_be_visible()  # the history shows the step

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SIGNED_OFF
    assert TrackedAction.objects.for_source(shortfall).count() == 1
    thread = list(challenged.comments.values_list("kind", flat=True))
    assert thread == ["challenged", "reply", "accepted"]
