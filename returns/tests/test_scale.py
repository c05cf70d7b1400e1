"""National scale (issue 15): the matrix page reads in a constant number of queries and is accessible as built in
Python; a change of a contract's dates queues the re-rating of only the returns its overrides affect."""

import datetime as dt
from decimal import Decimal

from core import jobs
from core.choices import Role
from core.models import Job
from core.testing import count_queries, make_provider
from organisations import actions as org_actions
from returns import actions, ratings, rules
from returns.models import Metric, MetricValue
from returns.tests.factories import Q, submitted_return


def _contract(provider, start=dt.date(2024, 4, 1)):
    return org_actions.do_create_contract(
        provider=provider,
        reference=f"C-{provider.pk}",
        services="Acute",
        start_date=start,
        end_date=dt.date(2028, 3, 31),
        lead_commissioner=provider.icb,
        acting_user=None,
    )


def _override(world, contract, effective_from):
    actions.do_set_threshold_override(
        contract=contract,
        metric=Metric.objects.get(code="TRN-CH"),
        effective_from=effective_from,
        scheme=actions.override_scheme(green_above=Decimal(80), amber_from=Decimal(70), require_breakdown=True),
        reason="Agreed trajectory.",
        acting_user=world.user(Role.DESIGNATED),
    )


def test_a_contract_date_change_re_rates_only_the_returns_its_overrides_affect(world):
    contract = _contract(world.provider)
    earlier = submitted_return(world.provider, quarter=Q.previous(), pct=(85, 100))
    later = submitted_return(world.provider, quarter=Q, pct=(85, 100))
    submitted_return(world.other_provider, quarter=Q, pct=(85, 100))
    _override(world, contract, Q.previous())
    jobs.run_pending()
    value = MetricValue.objects.get(version__return_obj=later, metric__code="TRN-CH")
    assert (value.rating, value.scheme_override_id is not None) == (rules.GREEN, True)  # 85 % > 80 %
    MetricValue.objects.update(rating="stale")  # marks every value: a re-rated one loses the mark
    Job.objects.all().delete()

    org_actions.do_update_contract(contract, end_date=Q.start - dt.timedelta(days=1), acting_user=None)

    job = Job.objects.get(kind=ratings.RERATE_JOB)
    trn = Metric.objects.get(code="TRN-CH").pk
    assert job.payload == {"provider_ids": [world.provider.pk], "metric_ids": [trn], "from_period": Q.previous().index}
    jobs.run_pending()
    touched = set(MetricValue.objects.exclude(rating="stale").values_list("version__return_obj_id", "metric__code"))
    assert touched == {(earlier.pk, "TRN-CH"), (later.pk, "TRN-CH")}
    value = MetricValue.objects.get(version__return_obj=later, metric__code="TRN-CH")
    assert (value.rating, value.scheme_override_id) == (rules.AMBER, None)  # the contract no longer covers Q


def test_a_contract_without_overrides_queues_nothing_when_its_dates_change(world):
    contract = _contract(world.provider)
    org_actions.do_update_contract(contract, end_date=dt.date(2027, 3, 31), acting_user=None)
    org_actions.do_update_contract(contract, services="Acute and community", acting_user=None)
    assert not Job.objects.filter(kind=ratings.RERATE_JOB).exists()


def _matrix_page(client):
    return count_queries(lambda: client.get(f"/returns/matrix/?quarter={Q.slug}"))


def test_the_matrix_page_runs_the_same_queries_at_two_sizes_and_stays_accessible(world, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    submitted_return(world.provider, pct=(70, 100))
    small, response = _matrix_page(client)
    for n in range(8):
        submitted_return(make_provider(world.icb, name=f"Extra <{n:02d}>"), pct=(70 + 3 * n, 100))
    large, response = _matrix_page(client)
    assert response.status_code == 200 and small == large
    html = response.content.decode()
    assert '<caption class="nhsuk-table__caption" id="matrix-caption">' in html
    assert '<th scope="row"><a href="/returns/provider/' in html
    assert "Extra &lt;07&gt;" in html and "Extra <07>" not in html  # names escaped
    assert '<b aria-hidden="true">R</b><span class="nhsuk-u-visually-hidden"> red</span>' in html  # not colour alone


def test_the_trend_page_draws_its_charts_as_accessible_inline_svg(world, client_for):
    submitted_return(world.provider, quarter=Q.previous(), pct=(85, 100))
    submitted_return(world.provider, pct=(92, 100))
    html = client_for(world.user(Role.DESIGNATED)).get(f"/returns/provider/{world.provider.pk}/?quarter={Q.slug}")
    html = html.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="vigil-chart" role="img"' in html
    assert '<title id="chart-TRN-CH-t">' in html and "85.0% (amber)" in html and "92.0% (green)" in html
    assert 'aria-describedby="trend-table"' in html and 'id="trend-table"' in html  # the data table alternative
    assert "<img" not in html
