"""Pages: the web form, upload, the RAG matrix (query counts), drill-down, trend chart."""

import io

import pytest
from openpyxl import load_workbook

from core.choices import Role
from core.testing import count_queries, make_provider
from organisations.choices import OrganisationKind
from returns import actions, reports, spreadsheet
from returns.models import MetricValue, Return
from returns.tests.factories import Q, entries_for, submitted_return


def form_data(provider, **kwargs):
    data = {}
    for code, entry in entries_for(provider, **kwargs).items():
        if entry.numerator is not None:
            data[f"{code}__num"] = str(entry.numerator)
        if entry.denominator is not None:
            data[f"{code}__den"] = str(entry.denominator)
        if entry.date_value:
            data[f"{code}__date"] = entry.date_value.isoformat()
        data[f"{code}__exp"] = entry.explanation
        for dimension, rows in entry.breakdown.items():
            for category, (num, den) in rows.items():
                data[f"{code}__{dimension}__{category}__num"] = "" if num is None else str(num)
                if den is not None:
                    data[f"{code}__{dimension}__{category}__den"] = str(den)
    return data


@pytest.fixture
def draft(world):
    return actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)


def test_a_provider_starts_a_return_from_the_list(world, client_for):
    client = client_for(world.user(Role.PROVIDER))
    response = client.post("/returns/start/", {"quarter": Q.label})
    ret = Return.objects.get(provider=world.provider, period=Q.index)
    assert response.url == f"/returns/{ret.pk}/"


def test_a_provider_cannot_start_a_return_for_a_quarter_not_ended(world, client_for):
    client = client_for(world.user(Role.PROVIDER))
    client.post("/returns/start/", {"quarter": "2030/31 Q1"}, follow=True)
    assert not Return.objects.exists()


def test_the_web_form_saves_and_the_return_is_submitted(world, client_for, draft):
    client = client_for(world.user(Role.PROVIDER))
    assert client.get(f"/returns/{draft.pk}/edit/").status_code == 200
    response = client.post(f"/returns/{draft.pk}/edit/", form_data(world.provider, pct=(88, 100)))
    assert response.status_code == 302, response.context["form"].errors
    assert MetricValue.objects.get(metric__code="TRN-CH").numerator == 88
    client.post(f"/returns/{draft.pk}/submit/")
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_the_web_form_names_a_non_numeric_breakdown_entry(world, client_for, draft):
    data = form_data(world.provider)
    data["TRN-CH__level__L2__num"] = "ten"
    response = client_for(world.user(Role.PROVIDER)).post(f"/returns/{draft.pk}/edit/", data)
    assert response.status_code == 200
    assert "TRN-CH Level 2 numerator: &#x27;ten&#x27; is not a number" in response.content.decode()
    assert not MetricValue.objects.exists()


def test_the_web_form_shows_validation_errors_and_stores_nothing(world, client_for, draft):
    data = form_data(world.provider)
    data["TRN-CH__num"] = "150"
    response = client_for(world.user(Role.PROVIDER)).post(f"/returns/{draft.pk}/edit/", data)
    assert "numerator 150 is above denominator 100" in response.content.decode()
    assert not MetricValue.objects.exists()


def test_the_upload_page_reads_a_template(world, client_for, draft):
    client = client_for(world.user(Role.PROVIDER))
    template = client.get(f"/returns/{draft.pk}/template.xlsx")
    assert load_workbook(io.BytesIO(template.content))["Return"]["B4"].value == Q.label
    stamp = reports.edit_stamp(draft)
    content = spreadsheet.build_template(world.provider, Q, entries=entries_for(world.provider), stamp=stamp)
    upload = io.BytesIO(content)
    upload.name = "return.xlsx"
    response = client.post(f"/returns/{draft.pk}/upload/", {"file": upload})
    assert response.status_code == 302
    assert MetricValue.objects.filter(version__return_obj=draft).count() == len(entries_for(world.provider))


def test_the_upload_page_refuses_another_providers_template(world, client_for, draft):
    content = spreadsheet.build_template(world.other_provider, Q, entries=entries_for(world.other_provider))
    upload = io.BytesIO(content)
    upload.name = "return.xlsx"
    response = client_for(world.user(Role.PROVIDER)).post(f"/returns/{draft.pk}/upload/", {"file": upload})
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert "another provider" in response.content.decode()


def test_the_matrix_shows_ratings_completeness_and_timeliness(world, client_for):
    submitted_return(world.provider, pct=(70, 100))
    response = client_for(world.user(Role.DESIGNATED)).get(f"/returns/matrix/?quarter={Q.slug}")
    matrix = response.context["matrix"]
    # Provider One submitted; Provider Two and the ICB (its own staff training figures) are missing.
    assert (matrix.expected, matrix.submitted, matrix.missing) == (3, 1, 2)
    assert {r.provider.name: r.status for r in matrix.rows}["Provider Two"] == "missing"
    assert matrix.late == 1  # submitted today, long after 30 April 2026
    row = next(r for r in matrix.rows if r.provider == world.provider)
    assert row.cells["TRN-CH"].rating == "red"
    assert "rag-red" in response.content.decode()


def test_the_matrix_filters_by_provider_kind_and_sorts_by_metric(world, client_for):
    care_home = make_provider(world.icb, kind=OrganisationKind.CARE_HOME, name="A Care Home")
    submitted_return(world.provider, pct=(70, 100))
    submitted_return(care_home, pct=(95, 100))
    client = client_for(world.user(Role.DESIGNATED))
    rows = client.get(f"/returns/matrix/?quarter={Q.slug}&kind=care_home").context["matrix"].rows
    assert [r.provider.name for r in rows] == ["A Care Home"]
    rows = client.get(f"/returns/matrix/?quarter={Q.slug}&sort=TRN-CH").context["matrix"].rows
    assert [r.provider.name for r in rows][:2] == ["Provider One", "A Care Home"]


def test_the_matrix_runs_the_same_number_of_queries_for_many_providers(world, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    submitted_return(world.provider)
    few, _ = count_queries(lambda: client.get(f"/returns/matrix/?quarter={Q.slug}"))
    for n in range(4):
        submitted_return(make_provider(world.icb, name=f"Extra {n}"))
    many, _ = count_queries(lambda: client.get(f"/returns/matrix/?quarter={Q.slug}"))
    assert many == few


def test_the_api_list_runs_the_same_number_of_queries_for_many_returns(world):
    api = world.api(Role.DESIGNATED)
    submitted_return(world.provider)
    few, _ = count_queries(lambda: api.get("/api/v1/returns/"))
    for n in range(3):
        submitted_return(make_provider(world.icb, name=f"Extra {n}"))
    many, _ = count_queries(lambda: api.get("/api/v1/returns/"))
    assert many == few


def test_a_red_cell_drills_down_to_its_figures_and_breakdown(world, client_for):
    ret = submitted_return(world.provider, pct=(60, 100))
    response = client_for(world.user(Role.DESIGNATED)).get(f"/returns/{ret.pk}/metric/TRN-CH/")
    page = response.content.decode()
    assert response.context["rated"].rating == "red"
    assert "60 of 100" in page
    assert "By professional group" in page and "Medical and dental" in page
    assert "Open an action" in page


def test_an_action_is_opened_from_a_red_cell(world, client_for):
    import datetime as dt

    from core.models import TrackedAction

    ret = submitted_return(world.provider, pct=(60, 100))
    response = client_for(world.user(Role.DESIGNATED)).post(
        f"/returns/{ret.pk}/metric/TRN-CH/action/",
        {
            "title": "Extra level 3 sessions",
            "owner": "Named nurse",
            "due_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "success_measure": "Above 90 % next quarter",
        },
    )
    assert response.status_code == 302
    assert TrackedAction.objects.for_source(ret).get().source_kind == "return"


def test_the_trend_chart_is_a_png(world, client_for):
    submitted_return(world.provider, quarter=Q.previous(), pct=(80, 100))
    submitted_return(world.provider, pct=(85, 100))
    response = client_for(world.user(Role.PROVIDER)).get(f"/returns/provider/{world.provider.pk}/chart/TRN-CH.png")
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    page = client_for(world.user(Role.PROVIDER)).get(f"/returns/provider/{world.provider.pk}/?quarter={Q.slug}")
    rows = {r["metric"].code: r["cells"] for r in page.context["rows"]}
    assert [c.display for q, c in rows["TRN-CH"][-2:]] == ["80.0%", "85.0%"]


def test_a_value_blanked_in_the_web_form_is_cleared(world, client_for, draft):
    client = client_for(world.user(Role.PROVIDER))
    data = form_data(world.provider)
    client.post(f"/returns/{draft.pk}/edit/", data)
    data = {k: v for k, v in data.items() if not k.startswith("REF__")}
    assert client.post(f"/returns/{draft.pk}/edit/", data).status_code == 302
    assert MetricValue.objects.get(metric__code="REF").numerator is None
    assert MetricValue.objects.get(metric__code="TRN-CH").numerator == 80


def test_the_icb_administrator_starts_a_return_on_a_providers_behalf(world, client_for):
    client = client_for(world.user(Role.ADMINISTRATOR))
    assert "Start a return on a provider" in client.get("/returns/").content.decode()
    client.post("/returns/start/", {"quarter": Q.label, "provider": world.provider.pk})
    assert Return.objects.filter(provider=world.provider, period=Q.index).exists()
    foreign = client.post("/returns/start/", {"quarter": Q.label, "provider": world.foreign_provider.pk})
    assert foreign.status_code == 404


def test_the_matrix_pauses_the_cycle_collector_and_always_resumes_it():
    import gc

    from returns.views import collector_paused

    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()  # resumed after an error too
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else: left to them
    finally:
        gc.enable()
