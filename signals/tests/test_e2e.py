"""End to end in headless Chromium: a GP practice uploads an attendance extract, sees a review task for a child
with three attendances, records the outcome; its quarterly return is prefilled from the signals module and the
ICB's matrix shows the practice's count for the quarter, suppressed ("fewer than 5")."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.choices import Role
from core.quarters import last_ended_quarter
from core.testing import make_organisation, make_user, sign_in_through_page
from organisations.choices import OrganisationKind
from returns import actions as return_actions
from returns import reports, signal_metrics
from returns.tests.factories import entries_for
from signals.models import ReviewTask
from signals.tests.ui_support import test_nhs_number

pytestmark = pytest.mark.e2e


def test_a_practice_uploads_reviews_and_the_icb_sees_its_count(world, page, sign_in, browser, live_server, tmp_path):
    practice = make_organisation(OrganisationKind.GP_PRACTICE, parent=world.icb, name="Synthetic Street Surgery")
    user = make_user(Role.PROVIDER, practice, username="practice.lead")
    quarter = last_ended_quarter(timezone.localdate())
    number = test_nhs_number(4242)
    extract = tmp_path / "attendances.csv"
    days = [quarter.start + dt.timedelta(days=d) for d in (3, 30, 60)]
    extract.write_text(
        "NHS number,Date of birth,Arrival,Setting\n"
        + "".join(
            f"{number},2020-02-02,{day.isoformat()} 09:30,{s}\n"
            for day, s in zip(days, ("ED", "111", "WIC"), strict=True)
        )
    )

    page.set_default_timeout(60000)  # a loaded CI machine: the live server answers slowly
    sign_in("practice.lead")
    page.goto("/signals/uploads/attendances/")
    page.get_by_label("Extract (CSV or XLSX)").set_input_files(str(extract))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_text("3 new record(s)")).to_be_visible()

    page.goto("/signals/")
    row = page.get_by_role("row", name=re.compile("S1 Unscheduled care"))
    expect(row).to_contain_text(f"*** *** {number[-4:]}")
    row.get_by_role("link").click()
    expect(page.get_by_role("table").first).to_contain_text("NHS 111")
    page.get_by_label("Information shared").check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The outcome of the review was recorded.")).to_be_visible()
    assert ReviewTask.objects.get(organisation=practice, signal="S1").outcome == "shared"

    # The practice's return for the quarter: the signals counts prefilled, its other figures typed, submitted.
    ret = return_actions.do_start_return(provider=practice, quarter=quarter, acting_user=user)
    assert reports.prefilled_codes(reports.working_version(ret))["SIG-S1"] == signal_metrics.SIGNALS_MODULE
    typed = {k: v for k, v in entries_for(practice).items() if k not in signal_metrics.SIGNAL_METRICS}
    return_actions.do_save_figures(ret, entries=typed, acting_user=user)
    return_actions.do_submit_return(ret, acting_user=user)
    assert reports.entries_of(reports.latest_submitted_versions([ret])[ret.pk])["SIG-S1"].numerator == 1

    designated = browser.new_context(base_url=live_server.url).new_page()
    designated.set_default_timeout(60000)
    sign_in_through_page(designated, world.user(Role.DESIGNATED).username)
    designated.goto(f"/returns/matrix/?quarter={quarter.slug}")
    cell = designated.get_by_role("link", name=re.compile(r"Synthetic Street Surgery SIG-S1 fewer than 5"))
    expect(cell).to_be_visible()
    expect(designated.locator("body")).not_to_contain_text(number)
    designated.context.close()


def _axe_problems(page):
    from core.tests.test_e2e_crawl import AXE, NARROW, SERIOUS

    page.set_viewport_size(NARROW)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems = [f"axe {v['id']}: {v['nodes'][0]['target']}" for v in results["violations"] if v["impact"] in SERIOUS]
    if page.evaluate("document.documentElement.scrollWidth") > NARROW["width"]:
        problems.append("scrolls sideways")
    return problems


def test_a_team_fixes_its_age_bands_and_follows_a_large_import(world, browser, live_server, settings, tmp_path):
    """S2's bands with a gap are refused on the band's field (the error summary links to it); a file over
    SIGNALS_IMPORT_JOB_ROWS goes to the worker and its page shows the progress, then the counts. Both pages pass
    axe at 390 px."""
    from core import jobs
    from signals import actions

    settings.VIGIL = {**(getattr(settings, "VIGIL", None) or {}), "SIGNALS_IMPORT_JOB_ROWS": 2}
    user = world.user(Role.PROVIDER)
    s2 = actions.ensure_rules(world.provider)["S2"]
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # axe is injected as the crawl does
    page = context.new_page()
    page.set_default_timeout(60000)
    sign_in_through_page(page, user.username)

    page.goto(f"/signals/rules/{s2.pk}/edit/")
    page.locator("#id_band_2_from").fill("6")
    page.get_by_role("button", name="Save the rule").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Ages 5 to 6 are in no band")
    summary.get_by_role("link", name=re.compile("Band 2: from age")).click()
    expect(page.locator("#id_band_2_from")).to_be_focused()
    assert _axe_problems(page) == []

    number = test_nhs_number(5151)
    extract = tmp_path / "big.csv"
    extract.write_text(
        "NHS number,Date of birth,Arrival,Setting\n"
        + "".join(f"{number},2020-02-02,2026-0{m}-10 09:30,ED\n" for m in (1, 2, 3))
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/signals/uploads/attendances/")
    page.get_by_label("Extract (CSV or XLSX)").set_input_files(str(extract))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#import-progress")).to_contain_text("Queued")
    jobs.run_pending()
    page.get_by_role("link", name="Check the progress again").click()
    expect(page.locator("#import-progress")).to_contain_text("3 new record(s)")
    assert _axe_problems(page) == []
    context.close()
