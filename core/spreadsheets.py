"""The one way Vigil writes a spreadsheet: every export, template and report goes through here.

- Text is always a text cell, never a formula: openpyxl would turn a value starting with `=` into a
  formula (and `#N/A` into an error), so every string is written with cell type "s". Text starting
  with `=`, `+`, `-`, `@`, tab or carriage return also gets Excel's "quote prefix" style, so the
  cell stays text even when someone edits it in Excel; the value itself is never changed.
- Tables have a bold header row, column widths, a frozen header and an autofilter.
- Numbers stay numbers, with a number format (a percentage is 0.929 shown as 92.9 %).
- A rating is written as its word ("Red") as well as its fill colour.
- Workbooks are write-only (streamed row by row), so a large export is not held cell by cell.
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel refuses longer text in one cell

DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
PERCENT = "0.0%"
WHOLE = "0"
DECIMAL = "0.00"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)

# NHS.UK tag colours, light enough to read black text on.
RAG_FILLS = {"red": "F6D4D1", "amber": "FFEEBB", "green": "CCE5D8"}


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 15
    number_format: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Styled:
    """A value with a look of its own: a fill colour (hex), a number format, bold, unlocked for input."""

    value: object
    fill: str | None = None
    number_format: str | None = None
    bold: bool = False
    unlocked: bool = False


def rating(label, colour=None):
    """A rating as its word with its fill: `rating("Red")` or `rating("Red", "F6D4D1")`."""
    if not label:
        return None
    return Styled(label, fill=colour or RAG_FILLS.get(str(label).lower()))


def fraction_of_one(percent):
    """A percentage on the 0-100 scale (number, Decimal or Fraction) as the 0-1 number a '0.0%' cell holds."""
    return None if percent is None else float(Fraction(percent) / 100)


def plain_value(value):
    """A Python value as something a cell can hold: aware datetimes in local time without a zone,
    Fractions as floats, text without the control characters XLSX cannot store, cut at Excel's limit."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, str):
        # XML reads a bare carriage return as a line feed, so write the line feed it will become.
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]
    return value


def safe_cell(sheet, value, *, number_format=None, wrap=False, font=None):
    """A write-only cell for `value` that can never be a formula."""
    styled = value if isinstance(value, Styled) else Styled(value)
    cell = WriteOnlyCell(sheet, value=plain_value(styled.value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    value = cell.value
    if isinstance(value, dt.date):
        number_format = DATETIME if isinstance(value, dt.datetime) else DATE
    elif not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        number_format = None
    number_format = styled.number_format or number_format
    if number_format:
        cell.number_format = number_format
    if styled.fill:
        cell.fill = PatternFill("solid", fgColor=styled.fill)
    if styled.bold or font:
        cell.font = font or BOLD
    if wrap:
        cell.alignment = WRAP
    if styled.unlocked:
        cell.protection = UNLOCKED
    return cell


class Table:
    """One sheet: optional lines above the table (a title, label/value pairs), then a bold header row
    that stays in view, then rows appended one at a time. `close()` sets the autofilter."""

    def __init__(self, sheet, columns, *, title=None, lines=()):
        self.sheet, self.columns = sheet, list(columns)
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.header_row = (1 if title else 0) + len(lines) + 1
        sheet.freeze_panes = f"A{self.header_row + 1}"
        self.row = 0
        if title:
            self._write([safe_cell(sheet, title, font=TITLE)])
        for line in lines:
            label, *values = line
            self._write([safe_cell(sheet, label, font=BOLD), *(self.cell(v) for v in values)])
        self._write([safe_cell(sheet, c.title, font=BOLD, wrap=True) for c in self.columns])

    def cell(self, value, column=None):
        column = column or Column("")
        return safe_cell(self.sheet, value, number_format=column.number_format, wrap=column.wrap)

    def append(self, values):
        """Write one row; returns its row number."""
        columns = self.columns + [Column("")] * max(0, len(values) - len(self.columns))
        self._write([self.cell(v, c) for v, c in zip(values, columns, strict=False)])
        return self.row

    def add_validation(self, validation):
        """A data validation (a drop-down list) on cells of this sheet."""
        self.sheet.data_validations.append(validation)

    def _write(self, cells):
        self.sheet.append(cells)
        self.row += 1

    def close(self):
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A{self.header_row}:{last}{max(self.row, self.header_row)}"


class SpreadsheetWriter:
    """A write-only workbook of tables. `table(...)` opens a sheet; `to_bytes()` closes every table
    and returns the XLSX file."""

    def __init__(self):
        self.book = Workbook(write_only=True)
        self.book.properties.creator = "Vigil"
        self.tables = []

    def table(self, name, columns, *, title=None, lines=()):
        table = Table(self.book.create_sheet(name[:31]), columns, title=title, lines=lines)
        self.tables.append(table)
        return table

    def hidden_sheet(self, name, rows):
        """A hidden sheet of plain rows (a template's own metadata), text written safely."""
        sheet = self.book.create_sheet(name)
        sheet.sheet_state = "hidden"
        for row in rows:
            sheet.append([safe_cell(sheet, value) for value in row])
        return sheet

    def to_bytes(self):
        for table in self.tables:
            table.close()
        return workbook_bytes(self.book)


def workbook_bytes(workbook):
    """An openpyxl workbook as the bytes of an XLSX file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
