import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from assurance import spreadsheets
from assurance.choices import AssessmentStatus
from assurance.tests.factories import add_action, assessment_of, open_cycle
from core.choices import Role
from core.models import TrackedAction


@pytest.fixture
def assessment(world):
    return assessment_of(open_cycle(world), world.provider)


def workbook_bytes(book):
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def fill(book, ratings, *, actions=()):
    sheet = book[spreadsheets.ASSESSMENT_SHEET]
    for row in range(spreadsheets.HEADER_ROW + 1, sheet.max_row + 1):
        code = sheet.cell(row=row, column=1).value
        if code in ratings:
            sheet.cell(row=row, column=5, value=ratings[code])
            sheet.cell(row=row, column=7, value=f"Narrative for {code}")
    action_sheet = book[spreadsheets.ACTIONS_SHEET]
    for values in actions:
        action_sheet.append(list(values))
    return book


class TestRoundTrip:
    def test_export_then_import_keeps_every_answer_and_adds_the_new_actions(self, world, assessment):
        user = world.user(Role.PROVIDER)
        existing = add_action(assessment.responses.get(requirement__code="S11-2"), user)
        book = load_workbook(io.BytesIO(spreadsheets.export_assessment(assessment)))
        codes = [c.value for c in book[spreadsheets.ASSESSMENT_SHEET]["A"][spreadsheets.HEADER_ROW :]]
        assert codes == [f"S11-{n}" for n in range(1, 13)]
        assert book[spreadsheets.ACTIONS_SHEET].cell(row=2, column=7).value == existing.pk
        ratings = {f"S11-{n}": "Fully met" for n in range(1, 13)} | {"S11-2": "Partially met", "S11-5": "not_met"}
        due = timezone.localdate() + dt.timedelta(days=45)
        fill(
            book, ratings, actions=[("S11-5", "Refresh the speaking-up policy", "Guardian", due, "Policy live", "", "")]
        )
        answers, created = spreadsheets.do_import_assessment(assessment, workbook_bytes(book), acting_user=user)
        assert (answers, created) == (12, 1)
        stored = dict(assessment.responses.values_list("requirement__code", "rating"))
        assert stored["S11-2"] == "partially_met" and stored["S11-5"] == "not_met" and stored["S11-1"] == "fully_met"
        assert (
            TrackedAction.objects.filter(organisation=world.provider).count() == 2
        )  # the existing one is not duplicated
        again = load_workbook(io.BytesIO(spreadsheets.export_assessment(assessment)))
        exported = {r[0].value: r[4].value for r in again[spreadsheets.ASSESSMENT_SHEET].iter_rows(min_row=7)}
        assert exported["S11-5"] == "Not met" and exported["S11-1"] == "Fully met"
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.IN_PROGRESS


class TestBadImports:
    def test_a_missing_or_unknown_requirement_code_is_reported_by_row_and_column_and_nothing_is_written(
        self, world, assessment
    ):
        book = load_workbook(io.BytesIO(spreadsheets.export_assessment(assessment)))
        fill(book, {f"S11-{n}": "Fully met" for n in range(1, 13)})
        sheet = book[spreadsheets.ASSESSMENT_SHEET]
        sheet.cell(row=8, column=1).value = None  # S11-2 loses its code
        sheet.cell(row=9, column=1, value="S11-99")
        sheet.cell(row=10, column=5, value="Mostly")
        with pytest.raises(ValidationError) as error:
            spreadsheets.do_import_assessment(assessment, workbook_bytes(book), acting_user=world.user(Role.PROVIDER))
        assert error.value.messages == [
            "Assessment, row 8, column A: the requirement code is missing.",
            "Assessment, row 9, column A: 'S11-99' is not a requirement of this assessment.",
            "Assessment, row 10, column E: 'Mostly' is not a rating "
            "(Fully met, Partially met, Not met, Not applicable).",
        ]
        assert not assessment.responses.exclude(rating="").exists()

    def test_a_bad_action_row_rejects_the_whole_file(self, world, assessment):
        book = load_workbook(io.BytesIO(spreadsheets.export_assessment(assessment)))
        past = timezone.localdate() - dt.timedelta(days=1)
        fill(book, {"S11-1": "Not met"}, actions=[("S11-1", "Do something", "", past, "Measure", "", "")])
        with pytest.raises(ValidationError) as error:
            spreadsheets.do_import_assessment(assessment, workbook_bytes(book), acting_user=world.user(Role.PROVIDER))
        assert "Actions, row 2, column C: Name who owns the action." in error.value.messages
        assert "Actions, row 2, column D: The due date cannot be in the past." in error.value.messages
        assert not assessment.responses.exclude(rating="").exists() and not TrackedAction.objects.exists()

    def test_a_file_that_is_not_a_workbook_is_refused(self, world, assessment):
        with pytest.raises(ValidationError) as error:
            spreadsheets.do_import_assessment(assessment, b"not a workbook", acting_user=world.user(Role.PROVIDER))
        assert error.value.messages == ["This file is not an XLSX workbook."]

    def test_the_import_page_lists_the_errors(self, world, assessment, client_for):
        from django.core.files.uploadedfile import SimpleUploadedFile

        book = load_workbook(io.BytesIO(spreadsheets.export_assessment(assessment)))
        book[spreadsheets.ASSESSMENT_SHEET].cell(row=7, column=1).value = None
        book[spreadsheets.ASSESSMENT_SHEET].cell(row=7, column=5, value="Fully met")
        upload = SimpleUploadedFile("filled.xlsx", workbook_bytes(book))
        page = client_for(world.user(Role.PROVIDER)).post(
            f"/assurance/assessments/{assessment.pk}/import/", {"upload": upload}
        )
        assert "row 7, column A: the requirement code is missing" in page.content.decode()


def test_the_rating_column_offers_a_drop_down(world, assessment):
    book = load_workbook(io.BytesIO(spreadsheets.export_assessment(assessment)))
    (validation,) = book[spreadsheets.ASSESSMENT_SHEET].data_validations.dataValidation
    assert "Partially met" in validation.formula1 and str(validation.sqref) == "E7:E18"


class TestBoundedImport:
    def test_200000_rows_sent_to_the_import_page_get_a_short_page_and_write_nothing(
        self, world, assessment, client_for
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from core.tests import workbooks

        template = spreadsheets.export_assessment(assessment)
        huge = workbooks.with_sheet_xml(template, workbooks.many_rows(200_000, width=1))
        page = client_for(world.user(Role.PROVIDER)).post(
            f"/assurance/assessments/{assessment.pk}/import/", {"upload": SimpleUploadedFile("filled.xlsx", huge)}
        )
        text = page.content.decode()
        assert page.status_code == 200
        assert "Sheet &#x27;Assessment&#x27; has a value in row 2,001: at most 2,000 rows can be imported." in text
        assert len(page.content) < 30_000
        assert not assessment.responses.exclude(rating="").exists()

    def test_errors_past_the_fiftieth_are_counted_not_listed(self, world, assessment):
        book = load_workbook(io.BytesIO(spreadsheets.export_assessment(assessment)))
        for _ in range(120):
            book[spreadsheets.ACTIONS_SHEET].append(["S11-99", "Do", "Owner", "31/12/2099", "Measure", "", ""])
        with pytest.raises(ValidationError) as error:
            spreadsheets.do_import_assessment(assessment, workbook_bytes(book), acting_user=world.user(Role.PROVIDER))
        assert len(error.value.messages) == 51
        assert error.value.messages[0] == "Actions, row 2, column A: 'S11-99' is not in this assessment."
        assert error.value.messages[-1] == "… and 70 more problems (the first 50 are listed)."
        assert not TrackedAction.objects.exists()
