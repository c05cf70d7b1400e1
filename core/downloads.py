"""Files Vigil hands to a user: spreadsheets it builds (written by core.spreadsheets), and stored
uploads. Always as attachments (never shown inline in the browser), with a type taken from the file
name. Callers check access and log the export (core.audit.log_access(..., how="export")) before
building the response."""

import mimetypes

from django.http import FileResponse, HttpResponse

from core.spreadsheets import SpreadsheetWriter, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content, filename):
    """An XLSX download of `content` (bytes, a core.spreadsheets writer, or an openpyxl workbook)."""
    if isinstance(content, SpreadsheetWriter):
        content = content.to_bytes()
    elif not isinstance(content, bytes | bytearray):
        content = workbook_bytes(content)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def file_attachment(stored_file, filename=None):
    """A stored file (a FieldFile) as a download named `filename` (default: its stored name), typed from
    that name; unknown types are application/octet-stream."""
    filename = filename or stored_file.name.rsplit("/", 1)[-1]
    return FileResponse(
        stored_file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
    )
