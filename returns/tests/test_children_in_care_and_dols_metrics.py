"""Children in care [SAAF 4.7.2; CPCCG App. 1] and deprivation of liberty [SAAF App. 3, 4.7.4] in the quarterly
return: catalogue data (version 3, loaded by a migration), rated and rolled up in the RAG matrix like every
other metric; from catalogue version 4 the children-in-care measures are broken down by local authority (form, XLSX
template, API, the return page), rated on the provider's total."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from core.choices import Role
from core.testing import make_organisation, make_provider
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from returns import actions, catalogue, reports, spreadsheet
from returns.models import Metric, Return
from returns.tests.factories import Q, entries_for, rating_of, submitted_return
from returns.tests.test_api import URL, payload

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


# --- By local authority (catalogue version 4, issue 17 item 3: "quarterly measures per provider and local authority")


def councils(world):
    for name in ("Northshire County Council", "Southvale Borough Council"):
        make_organisation(OrganisationKind.LOCAL_AUTHORITY, parent=world.icb, name=name)
    return catalogue.local_authorities_for(world.icb.pk)


def spread_cic(entries, codes):
    """CIC-IHA 15/17: 10/11 in the first council, 5/6 in the second; the rest split as the factory does."""
    entries["CIC-IHA"].numerator, entries["CIC-IHA"].denominator = D(15), D(17)
    rows = {code: (D(0), D(0)) for code in codes}
    rows[codes[0]], rows[codes[1]] = (D(10), D(11)), (D(5), D(6))
    entries["CIC-IHA"].breakdown["local_authority"] = rows
    return entries


def test_the_children_in_care_measures_are_broken_down_by_local_authority_and_rated_on_the_total(db):
    metrics = {m.code: m for m in Metric.objects.filter(code__in=CIC + DOLS)}
    assert all(metrics[code].breakdowns == ["local_authority"] for code in CIC)
    assert all(metrics[code].breakdowns == [] for code in DOLS)
    assert all(not metrics[code].scheme.get("require_breakdown") for code in CIC)  # the total is rated
    assert all(metrics[code].catalogue_version >= 4 for code in CIC)


def test_the_form_the_return_page_and_the_rating(world, client_for):
    authorities = councils(world)
    codes = [c for c, _ in authorities] + ["other"]
    ret = actions.get_or_start_return(provider=world.provider, quarter=Q, acting_user=None)
    client = client_for(world.user(Role.PROVIDER))
    form = client.get(f"/returns/{ret.pk}/edit/").content.decode()
    assert all(f'name="CIC-IHA__local_authority__{code}__den"' in form for code in codes)
    assert "Southvale Borough Council" in form
    actions.do_save_figures(ret, entries=spread_cic(entries_for(world.provider), codes), acting_user=None)
    actions.do_submit_return(ret, acting_user=None)
    assert rating_of(ret, "CIC-IHA") == "amber"  # 88.2 % of the total; the councils' 90.9 % and 83.3 % are not rated
    page = client_for(world.user(Role.DESIGNATED)).get(f"/returns/{ret.pk}/").content.decode()
    assert 'id="by-local-authority"' in page
    assert "10 / 11 (90.9%)" in page and "5 / 6 (83.3%)" in page and "Other or out of area" in page


def test_a_breakdown_by_local_authority_must_add_up_to_the_total(world):
    codes = [c for c, _ in councils(world)] + ["other"]
    entries = spread_cic(entries_for(world.provider), codes)
    entries["CIC-IHA"].numerator = entries["CIC-IHA"].numerator + 1
    ret = actions.get_or_start_return(provider=world.provider, quarter=Q, acting_user=None)
    with pytest.raises(ValidationError) as refused:
        actions.do_save_figures(ret, entries=entries, acting_user=None)
    assert "CIC-IHA" in str(refused.value) and "local_authority" in str(refused.value)


def test_the_xlsx_template_round_trips_the_local_authority_rows(world):
    codes = [c for c, _ in councils(world)] + ["other"]
    entries = spread_cic(entries_for(world.provider), codes)
    ret = actions.get_or_start_return(provider=world.provider, quarter=Q, acting_user=None)
    content = spreadsheet.build_template(world.provider, Q, entries=entries, stamp=reports.edit_stamp(ret))
    sheet = load_workbook(io.BytesIO(content))["Return"]
    keys = {(row[0].value, row[3].value, row[4].value) for row in sheet.iter_rows(min_row=spreadsheet.FIRST_ROW)}
    assert {("CIC-IHA", "local_authority", code) for code in codes} <= keys
    spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None)
    stored = reports.entries_of(reports.working_version(ret))
    assert stored["CIC-IHA"].breakdown["local_authority"] == entries["CIC-IHA"].breakdown["local_authority"]


def test_the_api_takes_and_gives_the_local_authority_rows(world):
    codes = [c for c, _ in councils(world)] + ["other"]
    data = payload(world.provider)
    data["values"]["CIC-IHA"].update(numerator=15, denominator=17)
    rows = dict.fromkeys(codes, [0, 0]) | {codes[0]: [10, 11], codes[1]: [5, 6]}
    data["values"]["CIC-IHA"]["breakdown"] = {"local_authority": rows}
    response = world.api(Role.PROVIDER).post(URL, data, format="json")
    assert response.status_code == 201, response.content
    body = world.api(Role.DESIGNATED).get(f"{URL}{response.json()['id']}/").json()
    assert body["values"]["CIC-IHA"]["breakdown"]["local_authority"][codes[1]] == [5, 6]
    assert body["values"]["CIC-IHA"]["rating"] == "amber"
    data["values"]["CIC-IHA"]["breakdown"]["local_authority"]["nowhere"] = [1, 1]
    refused = world.api(Role.PROVIDER).post(URL, data | {"quarter": "2025/26 Q3"}, format="json")
    assert refused.status_code == 400 and "CIC-IHA" in str(refused.json())
