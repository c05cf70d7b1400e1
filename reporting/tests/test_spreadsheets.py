"""The data appendix (every table of a snapshot, one sheet per section) and NHS England's quarterly assurance
workbook (suppressed review counts), both through the safe writer."""

import io

from django.utils import timezone
from openpyxl import load_workbook

from reporting.spreadsheets import appendix_xlsx, nhse_assurance_xlsx
from reporting.tests.test_typeset import sample_snapshot
from returns.tests.factories import Q


def workbook(data):
    return load_workbook(io.BytesIO(data))


class TestAppendix:
    def test_one_sheet_per_section_with_tables_after_the_report_sheet(self):
        book = workbook(appendix_xlsx(sample_snapshot("=1+2")))
        assert book.sheetnames == ["Report", "Provider returns", "Glossary"]
        sheet = book["Provider returns"]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        assert rows[0][0] == "Provider returns: Completeness"
        assert rows[1][:3] == ["Provider", "Rating", "Note"] and sheet.cell(2, 1).font.bold
        assert rows[2][:2] == ["=1+2", "Red"]
        assert sheet.cell(3, 1).data_type == "s"  # text, never a formula
        assert sheet.cell(3, 2).fill.fgColor.rgb.endswith("F6D4D1")
        captions = [r[0] for r in rows]
        for caption in ("A wide table", "Ratings", "TRN-CH by quarter", "Risks"):
            assert caption in captions

    def test_the_report_sheet_names_the_report_and_its_key_messages(self):
        rows = [[c.value for c in row] for row in workbook(appendix_xlsx(sample_snapshot()))["Report"].iter_rows()]
        flat = [v for row in rows for v in row]
        assert "Test ICB" in flat and "OFFICIAL-SENSITIVE" in flat and "Red ratings in provider returns" in flat


class TestNhsEngland:
    def test_the_four_areas_with_review_counts_suppressed(self, world):
        from reviews import actions

        for n in range(2):
            actions.do_open_review(
                acting_user=None, icb=world.icb, kind="sar", subject_reference=f"Adult {n}", notification_date=Q.start
            )
        book = workbook(
            nhse_assurance_xlsx(icb=world.icb, period_start=Q.start, period_end=Q.end, as_at=timezone.now())
        )
        assert book.sheetnames == [
            "About",
            "Role holders and vacancies",
            "Training compliance",
            "Statutory reviews",
            "Assurance cycles",
        ]
        reviews = {row[0].value: row[1].value for row in book["Statutory reviews"].iter_rows() if row[0].value}
        assert reviews["Reviews opened in the period"] == "fewer than 5"
