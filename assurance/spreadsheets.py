"""XLSX export of an assessment with its actions, and import of a provider's completed template.

The import is all-or-nothing: every row is checked first, each error names its sheet, row and
column, and nothing is written when any row is wrong.
"""

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assurance import actions
from assurance.choices import Rating
from assurance.models import Response
from core import rules as core_rules
from core.actions import audited
from core.downloads import workbook_bytes
from core.models import TrackedAction

ASSESSMENT_SHEET, ACTIONS_SHEET = "Assessment", "Actions"
HEADER_ROW = 6
COLUMNS = [
    ("code", "Requirement code", 14),
    ("section", "Section", 24),
    ("title", "Requirement", 60),
    ("guidance", "Evidence expected", 50),
    ("rating", "Rating", 16),
    ("na_reason", "Reason not applicable", 30),
    ("narrative", "Narrative", 60),
    ("review", "Review decision", 14),
    ("evidence", "Evidence", 40),
]
ACTION_COLUMNS = [
    ("code", "Requirement code", 14),
    ("title", "What will be done", 50),
    ("owner", "Owner", 24),
    ("due_date", "Due date", 14),
    ("success_measure", "How success will be measured", 50),
    ("status", "Status", 14),
    ("id", "Action id (leave blank for a new action)", 14),
]
RATING_BY_TEXT = {**{v: v for v in Rating.values}, **{label.lower(): value for value, label in Rating.choices}}


def column_letter(columns, name):
    return get_column_letter([c[0] for c in columns].index(name) + 1)


def export_assessment(assessment):
    responses = list(assessment.responses.select_related("requirement__section").prefetch_related("evidence"))
    tracked = _actions_by_response(responses)
    book = Workbook()
    sheet = book.active
    sheet.title = ASSESSMENT_SHEET
    cycle = assessment.cycle
    sheet["A1"] = "Safeguarding self-assessment"
    sheet["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(
        [
            ("Organisation", str(assessment.organisation)),
            ("Framework", str(cycle.framework)),
            ("Period", f"{cycle.period_label}, due {cycle.due_date:%d %B %Y}"),
            ("Status", assessment.get_status_display()),
        ],
        start=2,
    ):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=value)
    _header(sheet, COLUMNS, HEADER_ROW)
    ratings = ", ".join(label for _, label in Rating.choices)
    sheet.cell(row=HEADER_ROW - 1, column=5, value=f"Rating: one of {ratings}")
    for offset, response in enumerate(responses, start=1):
        requirement = response.requirement
        evidence = "; ".join(e.original_name or e.url for e in response.evidence.all() if e.archived_at is None)
        values = [
            requirement.code,
            requirement.section.title,
            requirement.title,
            requirement.expected_evidence,
            response.get_rating_display() if response.rating else "",
            response.na_reason,
            response.narrative,
            response.get_review_decision_display() if response.review_decision else "",
            evidence,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if responses:
        choices = ",".join(label for _, label in Rating.choices)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.error = "Choose one of: " + ", ".join(label for _, label in Rating.choices)
        sheet.add_data_validation(validation)
        column = column_letter(COLUMNS, "rating")
        validation.add(f"{column}{HEADER_ROW + 1}:{column}{HEADER_ROW + len(responses)}")
    action_sheet = book.create_sheet(ACTIONS_SHEET)
    _header(action_sheet, ACTION_COLUMNS, 1)
    row = 2
    for response in responses:
        for action in tracked.get(response.pk, []):
            values = [
                response.requirement.code,
                action.title,
                action.owner,
                action.due_date,
                action.success_measure,
                action.get_status_display(),
                action.pk,
            ]
            for column, value in enumerate(values, start=1):
                action_sheet.cell(row=row, column=column, value=value)
            action_sheet.cell(row=row, column=4).number_format = "DD/MM/YYYY"
            row += 1
    return workbook_bytes(book)


def _header(sheet, columns, row):
    for column, (_, label, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def _actions_by_response(responses):
    from django.contrib.contenttypes.models import ContentType

    result = {}
    for action in TrackedAction.objects.filter(
        source_type=ContentType.objects.get_for_model(Response),
        source_id__in=[r.pk for r in responses],
        archived_at__isnull=True,
    ):
        result.setdefault(action.source_id, []).append(action)
    return result


def _text(value):
    if value is None:
        return ""
    return str(value).strip()


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def read_import(assessment, data):
    """Check the whole workbook; returns (answers, new actions) or raises ValidationError listing
    every error as 'Sheet, row N, column X: message'."""
    try:
        book = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file is the same problem for the user
        raise ValidationError("This file is not an XLSX workbook.") from error
    if ASSESSMENT_SHEET not in book.sheetnames:
        raise ValidationError(f"The workbook has no sheet named '{ASSESSMENT_SHEET}': use the exported template.")
    responses = {r.requirement.code: r for r in assessment.responses.select_related("requirement")}
    errors, answers, seen = [], {}, set()

    def error(sheet, row, columns, name, message):
        errors.append(f"{sheet}, row {row}, column {column_letter(columns, name)}: {message}")

    for row_number, row in enumerate(
        book[ASSESSMENT_SHEET].iter_rows(min_row=HEADER_ROW + 1, values_only=True), start=HEADER_ROW + 1
    ):
        cells = dict(zip([c[0] for c in COLUMNS], list(row) + [None] * len(COLUMNS), strict=False))
        if not any(_text(v) for v in cells.values()):
            continue
        code = _text(cells["code"])
        if not code:
            error(ASSESSMENT_SHEET, row_number, COLUMNS, "code", "the requirement code is missing.")
            continue
        if code not in responses:
            error(ASSESSMENT_SHEET, row_number, COLUMNS, "code", f"'{code}' is not a requirement of this assessment.")
            continue
        if code in seen:
            error(ASSESSMENT_SHEET, row_number, COLUMNS, "code", f"'{code}' appears twice.")
            continue
        seen.add(code)
        rating_text = _text(cells["rating"]).lower()
        if rating_text and rating_text not in RATING_BY_TEXT:
            allowed = ", ".join(label for _, label in Rating.choices)
            error(ASSESSMENT_SHEET, row_number, COLUMNS, "rating", f"'{cells['rating']}' is not a rating ({allowed}).")
            continue
        answers[responses[code]] = {
            "rating": RATING_BY_TEXT.get(rating_text, ""),
            "na_reason": _text(cells["na_reason"]),
            "narrative": _text(cells["narrative"]),
        }
    new_actions = []
    if ACTIONS_SHEET in book.sheetnames:
        today = timezone.localdate()
        for row_number, row in enumerate(book[ACTIONS_SHEET].iter_rows(min_row=2, values_only=True), start=2):
            cells = dict(zip([c[0] for c in ACTION_COLUMNS], list(row) + [None] * 7, strict=False))
            if not any(_text(v) for v in cells.values()) or _text(cells["id"]):
                continue  # blank rows, and actions already in the tracker (updated there, not here)
            code = _text(cells["code"])
            if code not in responses:
                message = "the requirement code is missing." if not code else f"'{code}' is not in this assessment."
                error(ACTIONS_SHEET, row_number, ACTION_COLUMNS, "code", message)
                continue
            try:
                due = _date(cells["due_date"])
            except ValueError:
                error(ACTIONS_SHEET, row_number, ACTION_COLUMNS, "due_date", "write the date as DD/MM/YYYY.")
                continue
            fields = {
                "title": _text(cells["title"]),
                "owner": _text(cells["owner"]),
                "due_date": due,
                "success_measure": _text(cells["success_measure"]),
            }
            problems = core_rules.smart_action_problems(**fields, today=today)
            for name, message in problems.items():
                error(ACTIONS_SHEET, row_number, ACTION_COLUMNS, name, message)
            if not problems:
                new_actions.append((responses[code], fields))
    if errors:
        raise ValidationError(errors)
    return answers, new_actions


def do_import_assessment(assessment, data, *, acting_user):
    """Save the template's answers as a draft and open its new actions: all or nothing."""
    answers, new_actions = read_import(assessment, data)
    with audited(acting_user):
        actions.do_save_responses(assessment, answers, acting_user=acting_user)
        for response, fields in new_actions:
            response.assessment = assessment
            actions.do_add_shortfall_action(response, acting_user=acting_user, **fields)
    return len(answers), len(new_actions)
