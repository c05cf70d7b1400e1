"""The XLSX template: generated per provider and quarter, read back all or nothing, errors naming cells."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from openpyxl import load_workbook

from returns import actions, reports, rules, spreadsheet
from returns.models import MetricValue
from returns.tests.factories import Q, entries_for


def fill(template_bytes, changes):
    """Edit cells of the 'Return' sheet found by (metric code, dimension, category) -> {column: value}."""
    book = load_workbook(io.BytesIO(template_bytes))
    sheet = book["Return"]
    for row in sheet.iter_rows(min_row=spreadsheet.FIRST_ROW):
        key = (row[0].value, row[3].value, row[4].value)
        for column, value in changes.get(key, {}).items():
            sheet[f"{column}{row[0].row}"] = value
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def cell_of(template_bytes, key, column):
    """How an import error names the cell of `key` in `column`."""
    sheet = load_workbook(io.BytesIO(template_bytes))["Return"]
    for row in sheet.iter_rows(min_row=spreadsheet.FIRST_ROW):
        if (row[0].value, row[3].value, row[4].value) == key:
            return f"Return, row {row[0].row}, column {column}"
    raise AssertionError(key)


@pytest.fixture
def ret(world):
    return actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)


def test_a_filled_template_round_trips_to_the_same_figures(world, ret):
    entries = entries_for(world.provider, pct=(83, 97))
    content = spreadsheet.build_template(world.provider, Q, entries=entries, stamp=reports.edit_stamp(ret))
    spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None)
    stored = reports.entries_of(reports.working_version(ret))
    assert stored == entries
    actions.do_submit_return(ret, acting_user=None)


def test_a_filled_in_blank_template_is_read(world, ret):
    content = spreadsheet.build_template(world.provider, Q, stamp=reports.edit_stamp(ret))
    changes = {
        ("TRN-CH", "total", "total"): {"G": 9, "H": 10},
        ("TRN-CH", "level", "L1"): {"G": 9, "H": 10},
        ("AUDIT", "total", "total"): {"G": "Yes"},
    }
    changes |= {("TRN-CH", "level", level): {"G": 0, "H": 0} for level in ("L2", "L3", "L4", "L5")}
    spreadsheet.import_upload(ret, fill(content, changes), acting_user=None)
    values = {v.metric.code: v for v in MetricValue.objects.select_related("metric")}
    assert (values["TRN-CH"].numerator, values["TRN-CH"].denominator) == (9, 10)
    assert values["AUDIT"].numerator == 1


def test_it_refuses_a_template_for_another_quarter(world, ret):
    content = spreadsheet.build_template(
        world.provider, Q.previous(), entries=entries_for(world.provider), stamp=reports.edit_stamp(ret)
    )
    with pytest.raises(ValidationError) as error:
        spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None)
    assert "2025/26 Q3" in str(error.value) and "not 2025/26 Q4" in str(error.value)
    assert not MetricValue.objects.exists()


def test_it_refuses_a_template_for_another_provider(world, ret):
    content = spreadsheet.build_template(
        world.other_provider, Q, entries=entries_for(world.other_provider), stamp=reports.edit_stamp(ret)
    )
    with pytest.raises(ValidationError) as error:
        spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None)
    assert "another provider" in str(error.value)
    assert not MetricValue.objects.exists()


def test_a_non_numeric_cell_is_named_and_nothing_is_stored(world, ret):
    content = spreadsheet.build_template(
        world.provider, Q, entries=entries_for(world.provider), stamp=reports.edit_stamp(ret)
    )
    where = cell_of(content, ("SUP", "professional_group", "nursing"), "H")
    with pytest.raises(ValidationError) as error:
        spreadsheet.import_upload(
            ret, fill(content, {("SUP", "professional_group", "nursing"): {"H": "lots"}}), acting_user=None
        )
    message = " ".join(error.value.messages)
    assert f"{where}: SUP / professional_group: nursing: 'lots' is not a number" in message
    assert not MetricValue.objects.exists()


def test_a_numerator_above_its_denominator_names_the_cell(world, ret):
    content = spreadsheet.build_template(
        world.provider, Q, entries=entries_for(world.provider), stamp=reports.edit_stamp(ret)
    )
    key = ("TRN-AD", "total", "total")
    with pytest.raises(ValidationError) as error:
        spreadsheet.import_upload(ret, fill(content, {key: {"G": 120}}), acting_user=None)
    message = " ".join(error.value.messages)
    assert f"{cell_of(content, key, 'G')}: TRN-AD / numerator: numerator 120 is above denominator 100" in message
    assert not MetricValue.objects.exists()


def test_a_missing_breakdown_cell_is_named(world, ret):
    content = spreadsheet.build_template(
        world.provider, Q, entries=entries_for(world.provider), stamp=reports.edit_stamp(ret)
    )
    key = ("TRN-PREV", "level", "L3")
    with pytest.raises(ValidationError) as error:
        spreadsheet.import_upload(ret, fill(content, {key: {"G": None}}), acting_user=None)
    message = " ".join(error.value.messages)
    assert f"{cell_of(content, key, 'G')}: TRN-PREV / level: L3 / numerator: breakdown value is missing" in message


def test_a_file_that_is_not_a_template_is_refused(world, ret):
    with pytest.raises(ValidationError) as error:
        spreadsheet.import_upload(ret, io.BytesIO(b"not a spreadsheet"), acting_user=None)
    assert "not an XLSX" in str(error.value)


def test_an_import_runs_as_many_queries_for_one_figure_as_for_all_and_stores_the_fresh_ratings(world):
    from core.testing import count_queries
    from returns import catalogue

    def imported(quarter, entries):
        ret = actions.do_start_return(provider=world.provider, quarter=quarter, acting_user=None)
        content = spreadsheet.build_template(world.provider, quarter, entries=entries, stamp=reports.edit_stamp(ret))
        queries, _ = count_queries(lambda: spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None))
        return queries, ret

    everything = entries_for(world.provider, pct=(74, 100))
    imported(Q.previous(2), everything)  # the first import of a process looks up its content types once
    one, _ = imported(Q.previous(), {"TRN-CH": everything["TRN-CH"]})
    all_of_them, ret = imported(Q, everything)
    assert one == all_of_them <= 25
    version = reports.working_version(ret)
    metrics = catalogue.metrics_for(world.provider.kind)
    fresh = reports.fresh_ratings(ret, version, metrics)
    stored = reports.stored_ratings([version], metrics, with_schemes=True)[version.pk]
    assert fresh["TRN-CH"].rating == rules.RED
    for code, cell in fresh.items():
        assert (stored[code].rating, stored[code].target_met, stored[code].scheme) == (
            cell.rating,
            cell.target_met,
            cell.scheme,
        ), code


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array input syntax")
def test_array_literals_read_back_as_the_items_they_were_made_of():
    import datetime as dt

    from core.bulk import array_literal

    texts = ['a "quoted" word', "back\\slash", "{braces}, commas", "NULL", "", "  spaced  ", "café", "it's", None]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(%s AS text[]), CAST(%s AS bigint[]), CAST(%s AS date[]), CAST(%s AS boolean[])",
            [
                array_literal(texts),
                array_literal([1, -2, None, 2**62]),
                array_literal([dt.date(2026, 12, 3), None]),
                array_literal([True, False, None]),
            ],
        )
        assert cursor.fetchone() == (texts, [1, -2, None, 2**62], [dt.date(2026, 12, 3), None], [True, False, None])
