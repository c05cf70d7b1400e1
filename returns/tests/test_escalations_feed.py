"""The casework escalations register feeds the ESC figure of a quarterly return (issue 6, item 2)."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from casework.tests import factories as casework_factories
from core.choices import Role
from core.testing import make_organisation, next_code
from organisations.choices import OrganisationKind
from returns import actions, catalogue, reports
from returns.models import MetricValue
from returns.rules import Entry
from returns.tests.factories import Q  # 2025/26 Q4: 1 January to 31 March 2026


@pytest.fixture
def councils(world):
    first = casework_factories.local_authority(world)  # no ODS code: "LA<pk>"
    second = make_organisation(
        OrganisationKind.LOCAL_AUTHORITY, parent=world.icb, name="Second Council", ods_code=next_code("L")
    )
    return first, second


@pytest.fixture
def two_escalations(world, councils):
    first, second = councils
    casework_factories.escalation(
        world,
        local_authority=first,
        theme="threshold",
        # stage 4 comes after the quarter's end: the quarter counts the escalation at stage 3
        stages=(dt.date(2026, 1, 1), dt.date(2026, 2, 2), dt.date(2026, 3, 31), dt.date(2026, 4, 1)),
    )
    casework_factories.escalation(world, local_authority=second, theme="closure", stages=(dt.date(2026, 2, 10),))
    return first, second


def esc_of(ret):
    return reports.entries_of(reports.working_version(ret)).get("ESC")


def nonzero(entry, dimension):
    return {code: num for code, (num, _) in entry.breakdown[dimension].items() if num}


def la_code(council):
    return council.ods_code or f"LA{council.pk}"


def test_starting_a_return_prefills_esc_from_the_register_by_stage_theme_and_local_authority(world, two_escalations):
    first, second = two_escalations
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=world.user(Role.PROVIDER))
    esc = esc_of(ret)
    assert esc.numerator == 2
    assert nonzero(esc, "escalation_level") == {"1": 1, "3": 1}
    assert nonzero(esc, "theme") == {"threshold": 1, "closure": 1}
    assert nonzero(esc, "local_authority") == {la_code(first): 1, la_code(second): 1}
    # zeros for the other categories: the breakdowns are complete
    assert set(esc.breakdown["escalation_level"]) == {"1", "2", "3", "4", "5"}
    assert esc.breakdown["escalation_level"]["2"] == (0, None)
    assert esc.breakdown["local_authority"]["other"] == (0, None)
    assert la_code(first) == f"LA{first.pk}" and la_code(second) == second.ods_code
    assert reports.prefilled_codes(reports.working_version(ret)) == {"ESC": "escalations register"}


def test_the_prefilled_breakdowns_use_the_catalogue_categories_and_pass_validation(world, two_escalations):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    esc = esc_of(ret)
    authorities = catalogue.local_authorities_for(world.icb.pk)
    for dimension, rows in esc.breakdown.items():
        assert set(rows) <= {c for c, _ in catalogue.categories(dimension, authorities)}
    actions.do_save_figures(ret, entries={"ESC": esc}, acting_user=None)  # no breakdown error raised


def test_escalations_reaching_a_stage_only_outside_the_quarter_are_not_counted(world, councils):
    casework_factories.escalation(world, stages=(dt.date(2025, 12, 31),))  # the quarter before
    casework_factories.escalation(world, stages=(dt.date(2026, 3, 31),))  # the quarter's last day
    casework_factories.escalation(world, stages=(dt.date(2026, 4, 1),))  # the quarter after
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    esc = esc_of(ret)
    assert esc.numerator == 1
    assert nonzero(esc, "escalation_level") == {"1": 1}


def test_another_providers_escalations_are_not_counted(world, councils):
    casework_factories.escalation(world, organisation=world.other_provider, stages=(dt.date(2026, 2, 1),))
    casework_factories.escalation(world, stages=(dt.date(2026, 2, 1),))
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    assert esc_of(ret).numerator == 1


def test_no_escalations_in_the_register_means_no_prefill(world, councils):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    assert esc_of(ret) is None
    assert reports.prefilled_codes(reports.working_version(ret)) == {}


def test_a_figure_the_provider_entered_is_not_overwritten(world, two_escalations):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    actions.do_save_figures(ret, entries={"ESC": Entry(numerator=Decimal(5))}, acting_user=None)
    version = reports.working_version(ret)
    assert actions.prefill_escalations(version) is None
    esc = esc_of(ret)
    assert esc.numerator == 5
    assert all(row == (None, None) for rows in esc.breakdown.values() for row in rows.values())
    assert reports.prefilled_codes(version) == {}  # the provider's figure now, no longer marked as prefilled


def test_changing_only_a_breakdown_of_the_prefilled_figure_clears_the_prefilled_mark(world, two_escalations):
    first, second = two_escalations
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    esc = esc_of(ret)
    esc.breakdown["local_authority"] = {
        la_code(first): (Decimal(2), None),
        la_code(second): (Decimal(0), None),
        "other": (Decimal(0), None),
    }
    actions.do_save_figures(ret, entries={"ESC": esc}, acting_user=None)
    assert reports.prefilled_codes(reports.working_version(ret)) == {}


def test_saving_the_prefilled_figure_unchanged_keeps_the_mark(world, two_escalations):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    actions.do_save_figures(ret, entries={"ESC": esc_of(ret)}, acting_user=None)
    assert reports.prefilled_codes(reports.working_version(ret)) == {"ESC": "escalations register"}


def test_a_local_authority_outside_the_icbs_list_counts_as_other(world, councils):
    elsewhere = make_organisation(OrganisationKind.LOCAL_AUTHORITY, parent=world.other_icb, name="Far Council")
    casework_factories.escalation(world, local_authority=elsewhere, stages=(dt.date(2026, 2, 1),))
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    assert nonzero(esc_of(ret), "local_authority") == {"other": 1}


def test_the_web_form_says_the_figure_was_prefilled(world, two_escalations, client_for):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    page = client_for(world.user(Role.PROVIDER)).get(f"/returns/{ret.pk}/edit/").content.decode()
    assert 'id="prefilled-ESC"' in page
    assert "Prefilled from the escalations register" in page
    assert re.search(r'name="ESC__num"[^>]*value="2"|value="2"[^>]*name="ESC__num"', page)


def test_the_web_form_has_no_prefill_hint_without_escalations(world, councils, client_for):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    page = client_for(world.user(Role.PROVIDER)).get(f"/returns/{ret.pk}/edit/").content.decode()
    assert "prefilled-ESC" not in page


def test_the_xlsx_template_carries_the_prefilled_figure_and_says_so(world, two_escalations, client_for):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    response = client_for(world.user(Role.PROVIDER)).get(f"/returns/{ret.pk}/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Return"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "ESC"]
    total = next(r for r in rows if r[3] == "total")
    assert total[5].startswith("Total (prefilled from the escalations register")
    assert total[6] == 2
    stage_three = next(r for r in rows if r[3] == "escalation_level" and r[4] == "3")
    assert stage_three[6] == 1


def test_a_return_started_through_the_api_keeps_the_prefilled_figure_when_esc_is_not_sent(world, two_escalations):
    api = world.api(Role.PROVIDER)
    response = api.post(
        "/api/v1/returns/",
        {"provider": world.provider.pk, "quarter": Q.label, "values": {}, "submit": False},
        format="json",
    )
    assert response.status_code == 201, response.content
    value = MetricValue.objects.get(version__return_obj_id=response.json()["id"], metric__code="ESC")
    assert value.numerator == 2
