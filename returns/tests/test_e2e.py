"""End to end in headless Chromium: a provider uploads its template; the designated professional sees the
RAG matrix and drills into a red cell."""

import pytest
from playwright.sync_api import expect

from returns import reports, spreadsheet
from returns.models import Return
from returns.tests.factories import Q, entries_for

pytestmark = pytest.mark.e2e


def test_provider_uploads_a_template_and_the_designated_professional_drills_into_a_red_cell(
    world, page, sign_in, tmp_path
):
    sign_in("provider.one")
    page.goto("/returns/")
    page.get_by_role("button", name=f"Start the {Q.label} return").click()
    expect(page.get_by_role("heading", name=f"{Q.label} return", level=1)).to_be_visible()

    template = tmp_path / "return.xlsx"
    template.write_bytes(
        spreadsheet.build_template(
            world.provider,
            Q,
            entries=entries_for(world.provider, pct=(6, 10)),
            stamp=reports.edit_stamp(Return.objects.get(provider=world.provider, period=Q.index)),
        )
    )
    page.get_by_role("link", name="Upload the completed template").click()
    page.get_by_label("Completed return template (.xlsx)").set_input_files(str(template))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The template was read and its figures saved")).to_be_visible()
    page.get_by_role("button", name="Submit return").click()
    expect(page.get_by_text("Return submitted.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in("designated")
    page.get_by_role("link", name="RAG matrix").first.click()
    page.get_by_label("Quarter").select_option(Q.slug)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 of 3 returns submitted")).to_be_visible()
    page.get_by_role("link", name="Provider One TRN-CH 60.0% red").click()
    expect(page.get_by_role("heading", name="TRN-CH Safeguarding children training")).to_be_visible()
    expect(page.get_by_text("60.0% (6 of 10)")).to_be_visible()
    expect(page.get_by_role("caption").filter(has_text="By professional group")).to_be_visible()
    expect(page.locator(".nhsuk-tag--red").first).to_have_text("Red")


def test_provider_writes_evidence_and_the_designated_professional_rates_11_a_1_amber(world, page, sign_in):
    from returns import actions
    from returns.tests.factories import submitted_return

    draft = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    actions.do_save_figures(draft, entries=entries_for(world.provider, pct=(95, 100)), acting_user=None)

    sign_in("provider.one")
    page.goto(f"/returns/{draft.pk}/")
    page.get_by_role("link", name="Give evidence for the judged metrics").click()
    page.get_by_role("group", name="11.a.1 Recognition and response to vulnerable children").get_by_label(
        "Narrative on trends"
    ).fill("More referrals from the emergency department; an audit of notes is under way.")
    page.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_text("Evidence saved.")).to_be_visible()
    page.get_by_role("button", name="Submit return").click()
    expect(page.get_by_text("Return submitted.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    submitted_return(world.other_provider)
    sign_in("designated")
    page.goto(f"/returns/{draft.pk}/#judged")
    expect(page.get_by_text("More referrals from the emergency department")).to_be_visible()
    page.get_by_role("link", name="Rate 11.a.1").click()
    page.get_by_label("Amber:").check()
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()  # amber needs a reason
    page.get_by_label("Reason").fill("Recognition shown, but no onward action to improve outcomes.")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_text("11.a.1 rated amber.")).to_be_visible()

    page.goto(f"/returns/matrix/?quarter={Q.slug}")
    cell = page.get_by_role("link", name="Amber Provider One 11.a.1")
    expect(cell).to_be_visible()
