"""Children in care [SAAF 4.7.2; CPCCG App. 1] and deprivation of liberty [SAAF App. 3, 4.7.4] in the quarterly
return: catalogue data (version 3, loaded by a migration), rated and rolled up in the RAG matrix like every
other metric."""

from core.testing import make_provider
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from returns import catalogue, reports
from returns.models import Metric, Return
from returns.tests.factories import Q, rating_of, submitted_return

CIC = ["CIC-IHA", "CIC-RHA", "CIC-GP", "CIC-DENT", "CIC-OPT", "CIC-PLAN", "CIC-OOA"]
DOLS = ["DOLS-APP", "DOLS-AUTH", "DOLS-BREACH"]


def matrix_for(world):
    return reports.build_matrix(
        Organisation.objects.filter(icb=world.icb), Return.objects.all(), Q, icb_id=world.icb.pk
    )


def test_the_migration_loaded_the_new_metrics_with_their_sources(db):
    metrics = {m.code: m for m in Metric.objects.filter(code__in=CIC + DOLS)}
    assert sorted(metrics) == sorted(CIC + DOLS)
    assert all("SAAF 4.7.2" in metrics[code].source for code in CIC)
    assert all("4.7.4" in metrics[code].source for code in DOLS)
    assert metrics["CIC-IHA"].unit == "percentage" and metrics["DOLS-BREACH"].unit == "count"
    assert catalogue.data()["version"] == Metric.objects.get(code="CIC-IHA").catalogue_version


def test_who_reports_them(db):
    kinds = {m.code: set(m.applies_to) for m in Metric.objects.filter(code__in=CIC + DOLS)}
    assert kinds["CIC-IHA"] == {OrganisationKind.TRUST_ACUTE, OrganisationKind.TRUST_COMMUNITY}
    assert OrganisationKind.CARE_HOME in kinds["DOLS-APP"]
    assert OrganisationKind.TRUST_AMBULANCE not in kinds["DOLS-APP"] | kinds["CIC-IHA"]


def test_a_child_without_an_initial_health_assessment_at_20_working_days_shows_in_the_matrix(world):
    # 15 of 17 children assessed within 20 working days: 88.2 %, amber (green from 95 %, amber from 85 %).
    submitted_return(world.provider, overrides={"CIC-IHA": (15, 17), "CIC-GP": (40, 50), "CIC-RHA": (30, 30)})
    row = next(r for r in matrix_for(world).rows if r.provider == world.provider)
    assert row.cells["CIC-IHA"].rating == "amber"
    assert row.cells["CIC-GP"].rating == "red"  # 80 %
    assert row.cells["CIC-RHA"].rating == "green"
    assert row.cells["DOLS-BREACH"].rating == "none"  # counted, not rated
    assert rating_of(Return.objects.get(provider=world.provider), "CIC-IHA") == "amber"


def test_providers_the_metrics_do_not_apply_to_have_no_cell(world):
    ambulance = make_provider(world.icb, kind=OrganisationKind.TRUST_AMBULANCE, name="Ambulance trust")
    submitted_return(ambulance)
    row = next(r for r in matrix_for(world).rows if r.provider == ambulance)
    assert all(row.cells[code] is None for code in CIC + DOLS)
    care_home = make_provider(world.icb, kind=OrganisationKind.CARE_HOME, name="Care home")
    submitted_return(care_home, count=3)
    row = next(r for r in matrix_for(world).rows if r.provider == care_home)
    assert row.cells["DOLS-APP"] is not None and row.cells["CIC-IHA"] is None
