"""core.downloads: every spreadsheet and stored upload leaves as an attachment with a type from its name."""

import io

import pytest
from django.core.files import File
from openpyxl import Workbook, load_workbook

from core import downloads, spreadsheets


def a_workbook():
    workbook = Workbook()
    workbook.active.append(["reference", "status"])
    workbook.active.append(["ALG-2026-001", "open"])
    return workbook


def test_a_workbook_becomes_xlsx_bytes_that_open_again():
    content = spreadsheets.workbook_bytes(a_workbook())
    assert content.startswith(b"PK\x03\x04")
    assert [list(row) for row in load_workbook(io.BytesIO(content)).active.values][1] == ["ALG-2026-001", "open"]


@pytest.mark.parametrize("content", [spreadsheets.workbook_bytes(a_workbook()), a_workbook()])
def test_an_xlsx_response_is_an_attachment_of_the_spreadsheet_type(content):
    response = downloads.xlsx_response(content, "reviews-2026-Q3.xlsx")
    assert response["Content-Type"] == downloads.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="reviews-2026-Q3.xlsx"'
    assert response.content.startswith(b"PK\x03\x04")


@pytest.mark.parametrize(
    "stored, filename, name, content_type",
    [
        ("reviews/tor/2026/tor_ab12.pdf", None, "tor_ab12.pdf", "application/pdf"),
        ("assurance/evidence/7/3f9c", "Policy.docx", "Policy.docx", "application/vnd.openxmlformats-officedocument"),
        ("assurance/evidence/7/3f9d", "notes", "notes", "application/octet-stream"),
    ],
)
def test_a_stored_file_is_an_attachment_named_and_typed_from_its_name(stored, filename, name, content_type):
    response = downloads.file_attachment(File(io.BytesIO(b"%PDF-1.4 synthetic"), name=stored), filename)
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert b"".join(response.streaming_content) == b"%PDF-1.4 synthetic"
