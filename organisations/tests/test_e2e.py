"""End-to-end in headless Chromium: what a designated professional and a provider user see."""

import re

import pytest
from playwright.sync_api import expect

from organisations import actions
from organisations.choices import SafeguardingRole as R
from organisations.models import Organisation

pytestmark = pytest.mark.e2e


def test_designated_professional_opens_an_organisation_with_a_vacancy(world, page, sign_in):
    actions.do_add_role_holder(organisation=world.provider, role=R.NAMED_NURSE, acting_user=None)
    sign_in("designated")
    expect(page.get_by_role("heading", name="Organisations with role gaps")).to_be_visible()
    page.get_by_role("link", name="Organisations", exact=True).first.click()
    page.get_by_label("Name or ODS code").fill("Provider One")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Provider One").click()
    expect(page.get_by_role("heading", name="Provider One", level=1)).to_be_visible()
    expect(page.locator(".vigil-gap")).to_contain_text(["Named nurse for safeguarding children: vacant"])
    expect(page.get_by_role("cell", name="Vacant", exact=True)).to_be_visible()


def test_provider_user_cannot_open_another_provider(world, page, sign_in):
    sign_in("provider.one")
    page.goto(f"/organisations/{world.provider.pk}/")
    expect(page.get_by_role("heading", name="Provider One", level=1)).to_be_visible()
    response = page.goto(f"/organisations/{world.other_provider.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Provider Two")
    page.goto("/organisations/")
    expect(page.get_by_role("link", name=re.compile("Provider Two"))).to_have_count(0)


def test_form_errors_are_summarised(world, page, sign_in):
    sign_in("designated")
    page.goto("/organisations/add/")
    page.get_by_label("Name").fill("Broken Code Clinic")
    page.get_by_label("Kind").select_option("independent")
    page.get_by_label("ODS code").fill("NOT VALID")
    page.get_by_label("Parent").select_option(str(world.icb.pk))
    page.get_by_role("button", name="Add organisation").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("ODS code")
    assert not Organisation.objects.filter(name="Broken Code Clinic").exists()
