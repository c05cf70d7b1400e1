"""Hostile and boundary workbooks for the import tests: built as raw XLSX parts, so a test can make a
sheet of 200,000 rows in a fraction of a second, or a sheet whose size tag lies."""

import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.downloads import workbook_bytes


def workbook(sheets):
    """An XLSX (bytes) from {sheet name: [rows of values]}, written by openpyxl (with a true size tag)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    return workbook_bytes(book)


def rows_xml(rows):
    """Worksheet XML rows from [(row number, {column number: value})] (numbers and inline strings)."""
    parts = []
    for number, cells in rows:
        cell_xml = []
        for column, value in sorted(cells.items()):
            ref = f"{get_column_letter(column)}{number}"
            if isinstance(value, int | float):
                cell_xml.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cell_xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        parts.append(f'<row r="{number}">{"".join(cell_xml)}</row>')
    return "".join(parts)


def with_sheet_xml(content, sheet_data, *, dimension=None, sheet=1):
    """`content` (an XLSX) with sheet number `sheet`'s rows replaced by `sheet_data` (rows XML) and its
    size tag set to `dimension` ("A1:A1"), or removed when None."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    target = f"xl/worksheets/sheet{sheet}.xml"
    rows = f"<sheetData>{sheet_data}</sheetData>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == target:
                xml = data.decode()
                xml = re.sub(r"<sheetData\s*/>|<sheetData>.*</sheetData>", lambda _: rows, xml, flags=re.S)
                xml = re.sub(r"<dimension [^>]*/>", f'<dimension ref="{dimension}"/>' if dimension else "", xml)
                data = xml.encode()
            archive.writestr(item.filename, data)
    return out.getvalue()


def many_rows(count, width=9, first=1):
    """Rows XML for `count` rows of `width` numbers: what a provider can send in 138 KB."""
    return rows_xml((n, dict.fromkeys(range(1, width + 1), n)) for n in range(first, first + count))


def zip_bomb(size=64 * 1024 * 1024):
    """A small ZIP (about 64 KB) that unpacks to `size` bytes, dressed as an XLSX."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    return out.getvalue()
