"""The signals counts in the quarterly return (issue 13 item 1): prefilled from the provider's signals module,
never over the provider's figure, and suppressed ("fewer than 5" for 1 to 4) wherever the ICB reads them."""

from decimal import Decimal

import pytest

from core.choices import Role
from returns import actions, reports, signal_metrics
from returns.models import Metric
from returns.rules import Entry
from returns.tests.factories import Q, submitted_return


def test_suppression_of_small_counts():
    assert [signal_metrics.suppress(n) for n in (0, 1, 4, 5, None)] == [0, "fewer than 5", "fewer than 5", 5, None]
    assert signal_metrics.shown("SIG-S1", 3) == "fewer than 5"
    assert signal_metrics.shown("ESC", 3) == 3  # only the signals counts are suppressed


@pytest.mark.django_db
def test_the_metrics_apply_to_gp_practices_acute_and_community_providers():
    for code in signal_metrics.SIGNAL_METRICS:
        metric = Metric.objects.get(code=code)
        assert metric.unit == "count" and metric.catalogue_version == 5
        assert set(metric.applies_to) == {"gp_practice", "trust_acute", "trust_community"}


@pytest.fixture
def counts(monkeypatch):
    found = {"value": {"SIG-S1": 7, "SIG-REV": 3, "SIG-DA": 0}}
    monkeypatch.setattr(signal_metrics, "counts_for", lambda provider, quarter: found["value"])
    return found


def sig(ret):
    entries = reports.entries_of(reports.working_version(ret))
    return {code: entries[code].numerator for code in signal_metrics.SIGNAL_METRICS if code in entries}


def test_starting_a_return_prefills_the_signals_counts(world, counts):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=world.user(Role.PROVIDER))
    assert sig(ret) == {"SIG-S1": 7, "SIG-REV": 3, "SIG-DA": 0}
    prefilled = reports.prefilled_codes(reports.working_version(ret))
    assert {code: prefilled[code] for code in signal_metrics.SIGNAL_METRICS} == dict.fromkeys(
        signal_metrics.SIGNAL_METRICS, "signals module"
    )


def test_a_provider_without_signals_gets_nothing_prefilled(world, counts):
    counts["value"] = None
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    assert sig(ret) == {}


def test_a_figure_the_provider_typed_is_never_overwritten(world, counts):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    actions.do_save_figures(ret, entries={"SIG-S1": Entry(numerator=Decimal(9))}, acting_user=None)
    assert signal_metrics.prefill_signals(reports.working_version(ret)) == []  # nothing empty to fill
    assert sig(ret)["SIG-S1"] == 9
    assert "SIG-S1" not in reports.prefilled_codes(reports.working_version(ret))  # the provider's figure now


def test_the_icb_reads_small_counts_suppressed_in_the_matrix_return_page_and_api(world, client_for):
    ret = submitted_return(world.provider, count=4)  # every count metric 4, the signals counts included
    designated = client_for(world.user(Role.DESIGNATED))
    html = designated.get(f"/returns/matrix/?quarter={Q.slug}").content.decode()
    assert "SIG-S1 fewer than 5" in html
    detail = designated.get(f"/returns/{ret.pk}/").content.decode()
    assert "fewer than 5" in detail
    values = designated.get(f"/api/v1/returns/{ret.pk}/").json()["values"]
    assert values["SIG-S1"]["numerator"] == "fewer than 5"
    assert values["ESC"]["numerator"] == 4
    own = client_for(world.user(Role.PROVIDER)).get(f"/api/v1/returns/{ret.pk}/").json()["values"]
    assert own["SIG-S1"]["numerator"] == 4  # the provider's own figure
