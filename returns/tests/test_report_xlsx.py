"""The quarterly assurance report's XLSX: figures are numbers (a percentage as a fraction of one with a
percentage format), ratings are words as well as colours."""

import io

import pytest
from openpyxl import load_workbook

from core.spreadsheets import PERCENT
from returns import quarterly_report
from returns.tests.factories import Q, submitted_return

RED_FILL = "00F6D4D1"


@pytest.fixture
def book(world):
    submitted_return(world.provider, pct=(60, 100))  # TRN-CH at 60 % is red
    return load_workbook(io.BytesIO(quarterly_report.assurance_xlsx(world.icb, Q)))


def rows_of(sheet):
    header, *rows = sheet.iter_rows()
    titles = [cell.value for cell in header]
    return [dict(zip(titles, row, strict=False)) for row in rows]


def test_the_summary_gives_completeness_and_timeliness_as_percentages(book):
    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=3)}
    completeness = summary["Completeness"]
    assert completeness.value == pytest.approx(1 / 3) and completeness.number_format == PERCENT
    assert summary["Submitted"].value == 1 and summary["Submitted"].data_type == "n"


def test_a_figure_is_a_number_and_its_rating_a_coloured_word(book):
    (figure,) = [row for row in rows_of(book["Figures"]) if row["Metric"].value == "TRN-CH"]
    percentage = figure["Percentage"]
    assert (percentage.value, percentage.data_type, percentage.number_format) == (0.6, "n", PERCENT)
    assert (figure["Numerator / value"].value, figure["Denominator"].value) == (60, 100)
    assert (figure["Rating"].value, figure["Rating"].fill.fgColor.rgb) == ("Red", RED_FILL)


def test_the_matrix_shows_each_metric_as_a_number_and_a_rating_word_both_coloured(book):
    provider_one = next(row for row in rows_of(book["RAG matrix"]) if row["Provider"].value == "Provider One")
    value, word = provider_one["TRN-CH"], provider_one["TRN-CH rating"]
    assert (value.value, value.number_format, value.fill.fgColor.rgb) == (0.6, PERCENT, RED_FILL)
    assert (word.value, word.fill.fgColor.rgb) == ("Red", RED_FILL)


def test_no_percentage_anywhere_in_the_report_is_text(book):
    texts = [
        cell.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.rstrip().endswith("%")
    ]
    assert texts == []


def test_a_legend_names_every_metric_code_the_matrix_uses(book):
    legend = {row["Code"].value: row["Metric"].value for row in rows_of(book["Metrics"])}
    matrix_codes = [cell.value for cell in next(book["RAG matrix"].iter_rows())][3::2]
    assert matrix_codes and set(matrix_codes) <= set(legend)
    assert all(legend[code] for code in matrix_codes)
