"""Reading uploaded workbooks within limits (core.imports): each limit at its boundary, a zip bomb, a
200,000-row sheet, size tags that lie, and the report that lists the first problems and counts the rest."""

import io

import pytest
from django.core.exceptions import ValidationError

from core import imports
from core.tests import workbooks

LIMITS = imports.Limits(
    max_bytes=5 * 1024 * 1024,
    max_uncompressed_bytes=25 * 1024 * 1024,
    max_zip_members=200,
    max_sheets=3,
    max_rows=20,
    max_columns=10,
    max_problems_shown=5,
)


def read(content, limits=LIMITS, sheet=None, width=12):
    """Every (row number, values) of a sheet (the first by default) read within `limits`."""
    with imports.open_workbook(content, limits=limits) as book:
        return list(imports.sheet_rows(book[sheet or book.sheetnames[0]], width=width))


def refusal(content, limits=LIMITS, **kwargs):
    with pytest.raises(ValidationError) as error:
        read(content, limits, **kwargs)
    (message,) = error.value.messages
    return message


def limits(**changes):
    return imports.Limits(**{**LIMITS.__dict__, **changes})


class TestFileSize:
    def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(self):
        content = workbooks.workbook({"Data": [["a", 1]]})
        assert read(content, limits(max_bytes=len(content))) == [(1, ("a", 1) + (None,) * 10)]
        message = refusal(content, limits(max_bytes=len(content) - 1))
        assert message.startswith("The file is ") and "the largest workbook that can be imported is" in message

    def test_an_upload_is_refused_by_its_declared_size_before_it_is_read(self):
        class Upload(io.BytesIO):
            size = LIMITS.max_bytes + 1

            def read(self, *args):
                raise AssertionError("read although too large")

        assert "largest workbook" in refusal(Upload(b""))


class TestZipContainer:
    def test_a_zip_bomb_is_refused_from_the_zip_directory(self):
        bomb = workbooks.zip_bomb()
        assert len(bomb) < 200 * 1024
        message = refusal(bomb)
        assert message.startswith("This file unpacks to 64.1 MB: the largest accepted is 25 MB")

    def test_the_uncompressed_total_at_the_limit_passes_and_one_byte_more_is_refused(self):
        import zipfile

        content = workbooks.workbook({"Data": [["a"]]})
        total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist())
        assert read(content, limits(max_uncompressed_bytes=total))
        assert "unpacks to" in refusal(content, limits(max_uncompressed_bytes=total - 1))

    def test_the_number_of_parts_is_limited(self):
        import zipfile

        content = workbooks.workbook({"Data": [["a"]]})
        members = len(zipfile.ZipFile(io.BytesIO(content)).infolist())
        assert read(content, limits(max_zip_members=members))
        assert "at most" in refusal(content, limits(max_zip_members=members - 1))

    def test_a_file_that_is_not_a_workbook_is_refused(self):
        assert refusal(b"not a spreadsheet") == "This file is not an XLSX workbook."
        assert refusal(b"PK\x03\x04 broken") == "This file is not an XLSX workbook."


class TestSheets:
    def test_exactly_the_sheet_limit_passes_and_one_more_is_refused(self):
        three = workbooks.workbook({f"S{n}": [[n]] for n in range(3)})
        four = workbooks.workbook({f"S{n}": [[n]] for n in range(4)})
        assert read(three) == [(1, (0,) + (None,) * 11)]
        assert refusal(four) == "The workbook has 4 sheets: at most 3 can be imported."


class TestRows:
    def test_a_value_in_the_last_allowed_row_is_read(self):
        content = workbooks.workbook({"Data": [["x"]] * 20})
        assert [n for n, _ in read(content)] == list(range(1, 21))

    def test_a_sheet_whose_size_tag_is_one_row_over_is_refused_before_reading(self):
        content = workbooks.workbook({"Data": [["x"]] * 21})
        assert refusal(content) == "Sheet 'Data' has 21 rows: at most 20 rows can be imported."

    def test_a_sheet_without_a_size_tag_is_stopped_at_the_first_row_past_the_limit(self):
        content = workbooks.with_sheet_xml(workbooks.workbook({"Data": []}), workbooks.many_rows(21, width=1))
        assert refusal(content) == "Sheet 'Data' has a value in row 21: at most 20 rows can be imported."

    def test_a_size_tag_that_lies_does_not_hide_rows(self):
        content = workbooks.with_sheet_xml(
            workbooks.workbook({"Data": []}), workbooks.many_rows(30, width=1), dimension="A1:A1"
        )
        assert "a value in row 21" in refusal(content)

    def test_a_single_far_away_row_is_refused_without_walking_to_it(self):
        far = workbooks.rows_xml([(1, {1: "a"}), (1_000_000_000, {1: "b"})])
        content = workbooks.with_sheet_xml(workbooks.workbook({"Data": []}), far, dimension="A1:A1")
        assert "a value in row 1,000,000,000" in refusal(content)

    def test_reading_stops_at_the_first_row_past_the_limit(self):
        # Row 22 would make the parser fail ("x" in a number cell): reading it would give another message.
        damaged = '<row r="22"><c r="A22" t="n"><v>x</v></c></row>'
        content = workbooks.with_sheet_xml(workbooks.workbook({"Data": []}), workbooks.many_rows(21, width=1) + damaged)
        assert "a value in row 21" in refusal(content)
        damaged_early = workbooks.with_sheet_xml(
            workbooks.workbook({"Data": []}), workbooks.many_rows(2, width=1) + damaged.replace("22", "3")
        )
        assert refusal(damaged_early) == "Sheet 'Data' could not be read: the file is damaged."

    def test_200000_rows_in_a_small_file_get_a_short_answer(self):
        base, defaults = workbooks.workbook({"Data": []}), imports.Limits.from_settings()
        huge = workbooks.many_rows(200_000, width=1)
        for dimension in ("A1:A200000", None, "A1:A1"):  # a true size tag, none, one that lies
            content = workbooks.with_sheet_xml(base, huge, dimension=dimension)
            assert len(content) < defaults.max_bytes  # the row limit refuses it, not the size
            message = refusal(content, defaults)
            assert "at most 2,000 rows can be imported" in message and len(message) < 200

    def test_empty_rows_are_skipped_and_rows_before_the_first_are_not_returned(self):
        content = workbooks.workbook({"Data": [["title"], [], [None, None], ["a", 1], [], ["b", 2]]})
        with imports.open_workbook(content, limits=LIMITS) as book:
            rows = list(imports.sheet_rows(book["Data"], width=2, first_row=2))
        assert rows == [(4, ("a", 1)), (6, ("b", 2))]


class TestColumns:
    def test_a_value_in_the_last_allowed_column_is_read_and_one_column_more_is_refused(self):
        last = workbooks.workbook({"Data": [[None] * 9 + ["J"]]})
        assert read(last) == [(1, (None,) * 9 + ("J", None, None))]
        over = workbooks.workbook({"Data": [[None] * 10 + ["K"]]})
        assert refusal(over) == "Sheet 'Data' has 11 columns: at most 10 columns (up to column J) can be imported."

    def test_a_column_hidden_by_a_lying_size_tag_is_caught_while_reading(self):
        content = workbooks.with_sheet_xml(
            workbooks.workbook({"Data": []}), workbooks.rows_xml([(3, {11: "far"})]), dimension="A1:A1"
        )
        assert refusal(content) == (
            "Sheet 'Data' has a value in column K (row 3): at most 10 columns (up to column J) can be imported."
        )


class TestProblems:
    def test_a_problem_names_sheet_row_and_column(self):
        problems = imports.Problems(shown=5)
        problems.add("not a number", "Return", 12, "G")
        problems.add("unknown code", "Actions", 3, 1)
        problems.add("no sheet named Return")
        assert problems.report() == [
            "Return, row 12, column G: not a number",
            "Actions, row 3, column A: unknown code",
            "no sheet named Return",
        ]

    def test_the_report_lists_the_first_problems_and_counts_the_rest(self):
        problems = imports.Problems(shown=5)
        for row in range(1, 5001):
            problems.add("bad", "Data", row, 1)
        report = problems.report()
        assert report[:5] == [f"Data, row {n}, column A: bad" for n in range(1, 6)]
        assert report[5] == "… and 4,995 more problems (the first 5 are listed)."
        assert len(report) == 6

    def test_exactly_the_shown_number_has_no_count_and_one_more_says_one(self):
        problems = imports.Problems(shown=2)
        problems.add("a")
        problems.add("b")
        assert problems.report() == ["a", "b"]
        problems.add("c")
        assert problems.report()[-1] == "… and 1 more problem (the first 2 are listed)."

    def test_no_problem_raises_nothing_and_any_problem_raises_on_the_field(self):
        problems = imports.Problems(shown=2)
        problems.raise_if_any("file")
        problems.add("bad", "Data", 1, 1)
        with pytest.raises(ValidationError) as error:
            problems.raise_if_any("file")
        assert error.value.message_dict == {"file": ["Data, row 1, column A: bad"]}


def test_the_limits_are_settings_with_defaults(settings):
    assert imports.Limits.from_settings() == imports.Limits(
        max_bytes=5 * 1024 * 1024,
        max_uncompressed_bytes=25 * 1024 * 1024,
        max_zip_members=200,
        max_sheets=10,
        max_rows=2000,
        max_columns=100,
        max_problems_shown=50,
    )
    settings.VIGIL = {**settings.VIGIL, "IMPORT_MAX_ROWS": 5}
    assert imports.Limits.from_settings().max_rows == 5


class TestSheetsWhereverTheyLie:
    def test_a_sheet_moved_out_of_the_worksheets_folder_is_still_held_to_the_row_limit(self):
        import zipfile

        original = workbooks.workbook({"Data": [[n] for n in range(1, 31)]})  # 30 rows, over the 20 allowed
        source, out = zipfile.ZipFile(io.BytesIO(original)), io.BytesIO()
        with zipfile.ZipFile(out, "w") as moved:
            for item in source.infolist():
                data = source.read(item.filename)
                name = item.filename.replace("xl/worksheets/sheet1.xml", "xl/elsewhere/sheet1.xml")
                if item.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                    data = data.replace(b"worksheets/sheet1.xml", b"elsewhere/sheet1.xml")
                moved.writestr(name, data)
        assert "xl/elsewhere/sheet1.xml" in zipfile.ZipFile(io.BytesIO(out.getvalue())).namelist()
        assert "at most 20 rows" in refusal(out.getvalue())


def read_streamed(content, sheet="Data", width=12, limits=LIMITS):
    with imports.open_workbook(content, limits=limits, streamed=(sheet,)) as book:
        return list(imports.sheet_rows(book[sheet], width=width))


def streamed_refusal(content, **kwargs):
    with pytest.raises(ValidationError) as error:
        read_streamed(content, **kwargs)
    (message,) = error.value.messages
    return message


class TestStreamedSheets:
    """A sheet the caller reads whole (`streamed`): its size tag checked before opening, its cells while reading,
    with the same messages as the scan's."""

    def test_a_streamed_sheet_within_the_limits_reads_as_any_other(self):
        content = workbooks.workbook({"Data": [["x", n] for n in range(20)]})
        assert read_streamed(content) == read(content)

    def test_its_size_tag_one_row_over_is_refused_before_reading(self):
        content = workbooks.workbook({"Data": [["x"]] * 21})
        assert streamed_refusal(content) == "Sheet 'Data' has 21 rows: at most 20 rows can be imported."

    def test_without_a_size_tag_or_with_one_that_lies_reading_stops_at_the_first_row_past_the_limit(self):
        base = workbooks.workbook({"Data": []})
        for dimension in (None, "A1:A1"):
            content = workbooks.with_sheet_xml(base, workbooks.many_rows(30, width=1), dimension=dimension)
            expected = "Sheet 'Data' has a value in row 21: at most 20 rows can be imported."
            assert streamed_refusal(content) == refusal(content) == expected

    def test_a_value_in_a_column_past_the_limit_is_refused_while_reading(self):
        content = workbooks.with_sheet_xml(
            workbooks.workbook({"Data": []}), workbooks.rows_xml([(3, {11: "far"})]), dimension="A1:A1"
        )
        assert streamed_refusal(content) == refusal(content)

    def test_reading_stops_before_a_damaged_row_past_the_limit(self):
        damaged = '<row r="22"><c r="A22" t="n"><v>x</v></c></row>'
        content = workbooks.with_sheet_xml(workbooks.workbook({"Data": []}), workbooks.many_rows(21, width=1) + damaged)
        assert "a value in row 21" in streamed_refusal(content)

    def test_the_other_sheets_are_still_scanned_before_opening(self):
        content = workbooks.with_sheet_xml(
            workbooks.workbook({"Data": [["x"]], "Notes": []}), workbooks.many_rows(30, width=1), sheet=2
        )
        assert streamed_refusal(content) == "Sheet 'Notes' has a value in row 21: at most 20 rows can be imported."

    def test_200000_rows_in_a_streamed_sheet_get_a_short_answer(self):
        base, defaults = workbooks.workbook({"Data": []}), imports.Limits.from_settings()
        content = workbooks.with_sheet_xml(base, workbooks.many_rows(200_000, width=1), dimension="A1:A1")
        message = streamed_refusal(content, limits=defaults)
        assert "at most 2,000 rows can be imported" in message and len(message) < 200
