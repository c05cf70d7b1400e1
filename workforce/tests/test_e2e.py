"""End-to-end in headless Chromium: HR uploads an extract; the designated professional sees compliance by staff
group with a red cell and raises an action from it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.models import TrackedAction
from core.testing import fill_date
from workforce.tests.conftest import L1, L2, csv_file, extract_row

pytestmark = pytest.mark.e2e


def test_hr_uploads_and_designated_professional_raises_an_action(world, page, sign_in, today, tmp_path):
    rows = [extract_row(staff_key=f"S{n:03d}", competence=L1) for n in range(6)]
    rows += [extract_row(staff_key="S100", competence=L2)]
    path = tmp_path / "esr-extract.csv"
    path.write_bytes(csv_file(rows).read())

    sign_in("hr")
    page.goto("/workforce/extract/")
    page.get_by_label("Extract (CSV or XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Upload extract").click()
    expect(page.get_by_text("7 rows, 7 people, 7 new completions")).to_be_visible()
    page.context.clear_cookies()

    sign_in("designated")
    page.goto("/workforce/")
    table = page.get_by_role("region", name="Compliance by staff group")
    row = table.get_by_role("row", name="Administrative and Clerical")
    expect(row).to_contain_text("1/7")
    expect(row.locator("td[data-rating='red']").first).to_be_visible()
    row.get_by_role("link", name="Raise an action for Administrative and Clerical").first.click()
    page.get_by_label("Owner").fill("Head of HR")
    fill_date(page, "Due date", (today + dt.timedelta(days=30)))
    page.get_by_label("How success will be measured").fill("Children level 2 at 90 % or more")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Action raised in the tracker.")).to_be_visible()
    assert TrackedAction.objects.get().organisation == world.icb
