"""Reading an uploaded workbook within limits, and the import error report. Every XLSX import uses this
(returns template, assurance self-assessment); docs/imports.md explains the limits and their defaults.

The checks run cheapest first and stop at the first limit passed, before the file is parsed further:
1. the file's size (read no further than the limit);
2. the ZIP container (an XLSX is a ZIP): number of members, number of worksheets and the total
   uncompressed size, from the ZIP directory, before openpyxl opens it (a zip bomb is refused here);
3. each worksheet's XML, streamed (expat's events, no tree): its declared size (the dimension tag, which may
   be absent or lie), then each cell with a value, stopping at the first beyond the last allowed row or column;
4. openpyxl in read-only mode (it streams each sheet) with cached values (`data_only`), its worksheets not
   reading their size on opening (`_UnsizedWorksheet`): the number of sheets. Only then are rows read, by
   `sheet_rows`.

Problems in the content are collected by `Problems`: each names its sheet, row and column; the report
shows the first few and counts the rest, so it stays small whatever the file holds.
"""

import io
import posixpath
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from xml.parsers import expat

from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

# openpyxl's own streaming parser of one worksheet. Its public read-only rows fill every missing row up
# to the next one present (an empty <row r="1000000000"/> would make it loop a billion times) and stop
# at the row its size tag names (a tag that lies would hide rows); the parser gives the real rows.
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from core.conf import setting
from core.uploads import format_size, zip_problem

# defusedxml: no DTD, no entity expansion (openpyxl uses it too once it is installed).

DEFAULTS = {
    # A filled-in returns template is about 10 KB and an assessment template about 15 KB: 5 MB leaves room
    # for a workbook re-saved by Excel with styles and extra sheets, and refuses anything else early.
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    # Total of the ZIP members once uncompressed. The templates hold about 60 KB of XML; 25 MB is far
    # above any real template and keeps the memory openpyxl needs small (it loads shared strings whole).
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 25 * 1024 * 1024,
    # An XLSX saved by Excel has 10 to 20 members.
    "IMPORT_MAX_ZIP_MEMBERS": 200,
    # The templates have two sheets (Return + a hidden one; Assessment + Actions): room for a notes sheet.
    "IMPORT_MAX_SHEETS": 10,
    # The returns template has about 100 rows (more for an ICB with many local authorities, one row per
    # authority in some breakdowns) and an assessment about 40: 2,000 is several times the largest.
    "IMPORT_MAX_ROWS": 2000,
    # The templates use 9 columns.
    "IMPORT_MAX_COLUMNS": 100,
    # Problems listed in an import report; the rest are counted.
    "IMPORT_MAX_PROBLEMS_SHOWN": 50,
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_zip_members: int
    max_sheets: int
    max_rows: int
    max_columns: int
    max_problems_shown: int

    @classmethod
    def from_settings(cls):
        def get(name):
            return int(setting(name, DEFAULTS))

        return cls(
            max_bytes=get("IMPORT_MAX_BYTES"),
            max_uncompressed_bytes=get("IMPORT_MAX_UNCOMPRESSED_BYTES"),
            max_zip_members=get("IMPORT_MAX_ZIP_MEMBERS"),
            max_sheets=get("IMPORT_MAX_SHEETS"),
            max_rows=get("IMPORT_MAX_ROWS"),
            max_columns=get("IMPORT_MAX_COLUMNS"),
            max_problems_shown=get("IMPORT_MAX_PROBLEMS_SHOWN"),
        )


def where(sheet, row=None, column=None):
    """'Return, row 12, column G': a place in a workbook (column as a letter or a 1-based number)."""
    parts = [str(sheet)]
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {get_column_letter(column) if isinstance(column, int) else column}")
    return ", ".join(parts)


class Problems:
    """The problems found in an import: the first `shown` kept as messages, the others only counted."""

    def __init__(self, shown=None):
        self.shown = Limits.from_settings().max_problems_shown if shown is None else shown
        self.messages = []
        self.count = 0

    def add(self, message, sheet=None, row=None, column=None):
        self.count += 1
        if len(self.messages) < self.shown:
            self.messages.append(f"{where(sheet, row, column)}: {message}" if sheet else message)

    def __bool__(self):
        return self.count > 0

    def report(self):
        """The messages to show: the first problems, then how many more there are."""
        more = self.count - len(self.messages)
        if more <= 0:
            return list(self.messages)
        plural = "problem" if more == 1 else "problems"
        return [*self.messages, f"… and {more:,} more {plural} (the first {len(self.messages)} are listed)."]

    def raise_if_any(self, field=None):
        if self:
            raise ValidationError({field: self.report()} if field else self.report())


def refuse(message, field=None):
    return ValidationError({field: message} if field else message)


def _read_bytes(upload, max_bytes):
    """The file's bytes, reading no more than one byte past the limit."""
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > max_bytes:
            return None, size
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(max_bytes + 1)
    return (None, len(data)) if len(data) > max_bytes else (data, len(data))


@contextmanager
def open_workbook(upload, *, limits=None, field=None, what="an XLSX workbook", streamed=()):
    """Open an uploaded XLSX (bytes or a file) read-only, after the size, ZIP, sheet, row and column checks;
    yields the openpyxl workbook and closes it after. Raises ValidationError (on `field` when given) for a
    file that passes a limit or is not a workbook.

    `streamed`: titles of sheets the caller reads whole with `sheet_rows` before it acts on anything (the returns
    template's figures). Their size tag is checked here and their cells as `sheet_rows` reads them, with the same
    limits and messages: their XML is parsed once instead of twice."""
    limits = limits or Limits.from_settings()
    data, size = _read_bytes(upload, limits.max_bytes)
    if data is None:
        raise refuse(
            f"The file is {format_size(size)}: the largest workbook that can be imported is "
            f"{format_size(limits.max_bytes)}.",
            field,
        )
    if problem := zip_problem(
        data,
        max_uncompressed_bytes=limits.max_uncompressed_bytes,
        max_members=limits.max_zip_members,
        max_worksheets=limits.max_sheets,
        what=what,
    ):
        raise refuse(problem, field)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if problem := _sheets_problem(archive, limits, streamed):
            raise refuse(problem, field)
    try:
        book = _read_only_workbook(data)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not XLSX
        raise refuse(f"This file is not {what}.", field) from error
    try:
        if len(book.sheetnames) > limits.max_sheets:
            raise refuse(
                f"The workbook has {len(book.sheetnames)} sheets: at most {limits.max_sheets} can be imported.", field
            )
        for title in set(streamed) & set(book.sheetnames):
            book[title].limits = limits
        yield book
    finally:
        book.close()


def _read_only_workbook(data):
    """openpyxl's `load_workbook(read_only=True, data_only=True)`, except that its worksheets do not read their size
    on opening (`_UnsizedWorksheet`)."""
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


class _UnsizedWorksheet(ReadOnlyWorksheet):
    """A read-only worksheet that does not read its size tag on opening. openpyxl's reads the sheet's XML up to the
    tag and, when there is none (the templates Vigil writes have none), the whole sheet: a second parse of every
    sheet on top of the reading. Nothing here needs that size: rows are read by `sheet_rows`, and the limits are
    checked before (`_sheets_problem`) or while reading (`limits`)."""

    limits = None  # set on a streamed sheet (open_workbook): `sheet_rows` checks its cells as it reads them

    def _get_size(self):
        return None


class _Reader(ExcelReader):
    """openpyxl's reader with `_UnsizedWorksheet` worksheets: its read-only branch of `read_worksheets` otherwise
    (chartsheets read as it reads them; each sheet's relationships read, so a damaged one is refused as before)."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            rels_path = get_rels_path(rel.target)
            if rels_path in self.valid_files:
                get_dependents(self.archive, rels_path)
            worksheet = _UnsizedWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


# --- The row and column limits, checked on the worksheets' XML before openpyxl opens the file ----------
# (A size tag may be missing or lie: every cell with a value is checked, however the sheet is read later.)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheets_problem(archive, limits, streamed=()):
    """The first sheet that passes the row or column limit, as a message; None when every sheet is within. A
    streamed sheet's size tag only: its cells are checked as they are read."""
    titles = _sheet_titles(archive)
    for name in _worksheet_parts(archive, titles):
        title = titles.get(name, name.rsplit("/", 1)[-1].removesuffix(".xml"))
        try:
            with archive.open(name) as source:
                problem = _worksheet_problem(source, title, limits, tag_only=name in titles and title in streamed)
        except Exception:  # noqa: BLE001 - bad XML, a bad cell reference, a damaged part: all the same to the user
            problem = f"Sheet '{title}' could not be read: the file is damaged."
        if problem:
            return problem
    return None


def _worksheet_parts(archive, titles):
    """The worksheets folder's parts, and every part the workbook names as a sheet wherever it lies: openpyxl
    follows the workbook's relationships, so a sheet moved out of xl/worksheets/ is read all the same."""
    names = archive.namelist()
    parts = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    return parts + [n for n in titles if n in names and n not in parts]


def _sheet_titles(archive):
    """{worksheet part name: the sheet's title} from the workbook's part list; {} when it cannot be read."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - missing or damaged: sheets are then named by their part
        return {}
    targets = {}
    for relationship in relationships.iter(f"{RELATIONSHIPS}Relationship"):
        target = relationship.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        targets[relationship.get("Id")] = part
    return {
        targets.get(sheet.get(OFFICE_RELATIONSHIP_ID)): sheet.get("name")
        for sheet in workbook.iter(f"{MAIN}sheet")
        if sheet.get(OFFICE_RELATIONSHIP_ID) in targets
    }


def _worksheet_problem(source, title, limits, *, tag_only=False):
    """Stream one worksheet's XML: its size tag, then each cell with a value, stopping at the first beyond
    the last allowed row or column. Empty rows and cells (formatting only) do not count.

    expat's own events, start tags and text only (no element tree, nothing kept: memory stays flat whatever the
    number of rows), with defusedxml's protections (no entity declarations, no external entities): each sheet's
    XML is read once here, at a small share of openpyxl's parse, before openpyxl opens the file."""
    scan = _SheetScan(title, limits, tag_only)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = _forbidden
    parser.StartElementHandler, parser.CharacterDataHandler = scan.start, scan.text
    parser.buffer_text = True
    try:
        parser.ParseFile(source)
    except _Beyond as beyond:
        return beyond.problem
    except _TagRead:
        return None
    return None


def _forbidden(*_args):
    raise ValueError("entities are not accepted")  # as defusedxml: no entity declared, no external one read


class _TagRead(Exception):
    """A streamed sheet's scan has reached its rows: its size tag, which comes before them, has been read."""


class _Beyond(Exception):
    """A worksheet passes a limit: raised from the scan's handlers to stop reading at once."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


_ROW, _CELL, _VALUE, _INLINE, _DIMENSION, _SHEET_DATA = (
    f"{MAIN[1:-1]} {name}" for name in ("row", "c", "v", "is", "dimension", "sheetData")
)
_DIGITS = "0123456789"


class _SheetScan:
    """Where the scan is (row and column of the current cell) and what a cell with a value is: text in a <v>, or an
    inline string (<is>). A <v> is judged by the text that follows its start tag, so an empty one is not a value."""

    def __init__(self, title, limits, tag_only=False):
        self.title, self.limits, self.tag_only = title, limits, tag_only
        self.row = self.column = 0
        self.in_value = False
        self.columns = {}  # column letters -> number, each reference's letters checked once

    def start(self, tag, attributes):
        self.in_value = False
        if tag == _CELL:
            reference = attributes.get("r")
            self.column = self._column(reference) if reference else self.column + 1
        elif tag == _ROW:
            self.row, self.column = int(float(attributes.get("r") or self.row + 1)), 0
        elif tag == _VALUE:
            self.in_value = True
        elif tag == _INLINE:
            self._check_cell()
        elif tag == _DIMENSION and (
            problem := _declared_size_problem(self.title, attributes.get("ref") or "", self.limits)
        ):
            raise _Beyond(problem)
        elif tag == _SHEET_DATA and self.tag_only:
            raise _TagRead

    def text(self, data):
        if self.in_value and data:
            self.in_value = False
            self._check_cell()

    def _column(self, reference):
        letters = reference.rstrip(_DIGITS)
        column = self.columns.get(letters)
        if column is None or letters == reference:  # new letters, or no row number: openpyxl's own check
            column = self.columns[letters] = column_index_from_string(coordinate_from_string(reference)[0])
        return column

    def _check_cell(self):
        if problem := _cell_problem(self.title, self.row, self.column, self.limits):
            raise _Beyond(problem)


def _cell_problem(title, row, column, limits):
    """The limit a cell with a value passes, as a message; None when it is within them."""
    if row > limits.max_rows:
        return _too_many_rows(title, f"a value in row {row:,}", limits)
    if column > limits.max_columns:
        return _too_many_columns(title, f"a value in column {get_column_letter(column)} (row {row:,})", limits)
    return None


def _declared_size_problem(title, reference, limits):
    _, _, max_column, max_row = range_boundaries(reference)
    if max_row and max_row > limits.max_rows:
        return _too_many_rows(title, f"{max_row:,} rows", limits)
    if max_column and max_column > limits.max_columns:
        return _too_many_columns(title, f"{max_column:,} columns", limits)
    return None


def _too_many_rows(title, found, limits):
    return f"Sheet '{title}' has {found}: at most {limits.max_rows:,} rows can be imported."


def _too_many_columns(title, found, limits):
    return (
        f"Sheet '{title}' has {found}: at most {limits.max_columns:,} columns (up to column "
        f"{get_column_letter(limits.max_columns)}) can be imported."
    )


def sheet_rows(sheet, *, width, first_row=1, field=None):
    """Yield (row number, values) for each row of `sheet` (opened by `open_workbook`, so within the
    limits) from `first_row` that holds a value: `width` values (columns A onwards), None where a cell is
    empty. Empty rows are skipped. A streamed sheet (`open_workbook`) is held to the limits here, row by row:
    reading stops at the first cell with a value beyond them."""
    book, limits = sheet.parent, getattr(sheet, "limits", None)
    try:
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                if limits is not None and (problem := _row_problem(sheet.title, number, cells, limits)):
                    raise _Beyond(problem)
                values = {c["column"]: c["value"] for c in cells if c["value"] not in (None, "")}
                if values and number >= first_row:
                    yield number, tuple(values.get(column) for column in range(1, width + 1))
    except _Beyond as beyond:
        raise refuse(beyond.problem, field) from None
    except Exception as error:  # noqa: BLE001 - a damaged sheet: openpyxl raises many kinds
        raise refuse(f"Sheet '{sheet.title}' could not be read: the file is damaged.", field) from error


def _row_problem(title, number, cells, limits):
    for cell in cells:
        if cell["value"] is not None and (problem := _cell_problem(title, number, cell["column"], limits)):
            return problem
    return None
