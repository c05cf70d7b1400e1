"""End to end in headless Chromium, under both shipped escalation procedures [DUDLEY 28.2, App. 6; CPCCG App. 5]:
an urgent case started at stage 4 with its reason, and a multiple-case concern that informs the designated
professional the same day [CPCCG App. 5 Definition]."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Escalation, EscalationProcedure
from casework.tests import factories
from core.testing import fill_date

pytestmark = pytest.mark.e2e

DESIGNATED_STAGE = {"dudley": 3, "cpccg": 4}


def _follow(world, code):
    EscalationProcedure.objects.get(code=code).icbs.add(world.icb)


def _open_escalation(page, world, *, multiple_cases=False):
    council = factories.local_authority(world)
    page.goto("/casework/escalations/add/")
    page.get_by_label("Raising organisation").select_option(str(world.provider.pk))
    page.get_by_label("Case (pseudonymous reference)").fill("Child Q")
    page.get_by_label("Raised by (post)").fill("Named nurse")
    page.get_by_label("Other agency").fill("Children's social care")
    page.get_by_label("Local authority").select_option(str(council.pk))
    page.get_by_label("Theme").select_option("threshold")
    if multiple_cases:
        page.get_by_label("Multiple cases / systemic poor practice").check()
    page.get_by_role("button", name="Save").click()
    escalation = Escalation.objects.latest("pk")
    expect(page.get_by_role("heading", name=escalation.reference, level=1)).to_be_visible()
    return escalation


def _record_stage(page, escalation, *, stage, agreed, skip_reason=""):
    page.goto(f"/casework/escalations/{escalation.pk}/stages/add/")
    page.get_by_label("Stage", exact=True).select_option(str(stage))
    fill_date(page, "Date reached", timezone.localdate())
    page.locator("#id_raised_by").select_option("named_professional")
    page.locator("#id_raised_with").select_option("head_of_service")
    page.get_by_label("What was agreed").fill(agreed)
    if skip_reason:
        page.locator("#id_skip_reason").fill(skip_reason)
    page.get_by_role("button", name="Record stage").click()


@pytest.mark.parametrize("code", ["dudley", "cpccg"])
def test_an_urgent_case_starts_at_stage_four_with_its_reason(world, page, sign_in, code):
    _follow(world, code)
    sign_in("designated")
    escalation = _open_escalation(page, world)
    assert escalation.procedure.code == code

    _record_stage(page, escalation, stage=4, agreed="Head of service agreed a strategy discussion")
    expect(page.locator("body")).to_contain_text("say why earlier stages were skipped")

    page.locator("#id_skip_reason").fill("Child at risk of immediate harm")
    page.get_by_role("button", name="Record stage").click()
    expect(page.get_by_text("Urgent start")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Child at risk of immediate harm")
    expect(page.locator("body")).to_contain_text(f"[{escalation.procedure.source}]")
    informing = page.get_by_role("row", name=re.compile("Inform the designated professional"))
    expect(informing).to_contain_text(f"stage {DESIGNATED_STAGE[code]} reached")
    expect(informing).to_contain_text(timezone.localdate().strftime("%-d %B %Y"))

    page.goto("/casework/escalations/report/")
    expect(page.locator("body")).to_contain_text("Urgent starts")
    expect(page.locator("body")).to_contain_text("CPCCG App. 5]: 1.")


@pytest.mark.parametrize("code", ["dudley", "cpccg"])
def test_a_multiple_case_concern_informs_the_designated_professional_the_same_day(world, page, sign_in, code):
    _follow(world, code)
    sign_in("designated")
    escalation = _open_escalation(page, world, multiple_cases=True)
    _record_stage(page, escalation, stage=1, agreed="Named nurse raised four declined referrals")
    informing = page.get_by_role("row", name=re.compile("Inform the designated professional"))
    expect(informing).to_contain_text("multiple cases: immediately")
    expect(informing).to_contain_text(timezone.localdate().strftime("%-d %B %Y"))
    expect(informing).to_contain_text("Due today")

    page.get_by_role("link", name="Change").click()
    fill_date(page, "Designated professional informed on", timezone.localdate())
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("row", name=re.compile("Inform the designated professional"))).to_contain_text("Done")
