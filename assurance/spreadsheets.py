"""XLSX export of an assessment with its actions, and import of a provider's completed template.

The import is all-or-nothing: every row is checked first, each error names its sheet, row and
column, and nothing is written when any row is wrong.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assurance import actions
from assurance.choices import Rating
from assurance.models import Response
from core import rules as core_rules
from core.actions import audited
from core.imports import Problems, open_workbook, sheet_rows
from core.models import TrackedAction
from core.spreadsheets import DATE, WHOLE, Column, SpreadsheetWriter

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
    cycle = assessment.cycle
    ratings = ", ".join(label for _, label in Rating.choices)
    writer = SpreadsheetWriter()
    sheet = writer.table(
        ASSESSMENT_SHEET,
        [Column(label, width, wrap=True) for _, label, width in COLUMNS],
        title="Safeguarding self-assessment",
        lines=[
            ("Organisation", str(assessment.organisation)),
            ("Framework", str(cycle.framework)),
            ("Period", f"{cycle.period_label}, due {cycle.due_date:%d %B %Y}"),
            ("Status", assessment.get_status_display(), None, None, f"Rating: one of {ratings}"),
        ],
    )
    for response in responses:
        requirement = response.requirement
        evidence = "; ".join(e.original_name or e.url for e in response.evidence.all() if e.archived_at is None)
        sheet.append(
            [
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
        )
    if responses:
        validation = DataValidation(type="list", formula1=f'"{",".join(label for _, label in Rating.choices)}"')
        validation.allow_blank = True
        validation.error = f"Choose one of: {ratings}"
        column = column_letter(COLUMNS, "rating")
        validation.add(f"{column}{HEADER_ROW + 1}:{column}{HEADER_ROW + len(responses)}")
        sheet.add_validation(validation)
    action_sheet = writer.table(ACTIONS_SHEET, [_action_column(*column) for column in ACTION_COLUMNS])
    for response in responses:
        for action in tracked.get(response.pk, []):
            action_sheet.append(
                [
                    response.requirement.code,
                    action.title,
                    action.owner,
                    action.due_date,
                    action.success_measure,
                    action.get_status_display(),
                    action.pk,
                ]
            )
    return writer.to_bytes()


def _action_column(name, label, width):
    number_format = {"due_date": DATE, "id": WHOLE}.get(name)
    return Column(label, width, number_format, wrap=number_format is None)


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


def read_import(assessment, data):  # `data`: the file's bytes or the uploaded file
    """Check the whole workbook within the import limits (core.imports); returns (answers, new actions) or
    raises ValidationError listing the first errors as 'Sheet, row N, column X: message' and how many more."""
    with open_workbook(data) as book:
        if ASSESSMENT_SHEET not in book.sheetnames:
            raise ValidationError(f"The workbook has no sheet named '{ASSESSMENT_SHEET}': use the exported template.")
        responses = {r.requirement.code: r for r in assessment.responses.select_related("requirement")}
        problems = Problems()
        answers = _read_answers(book[ASSESSMENT_SHEET], responses, problems)
        new_actions = []
        if ACTIONS_SHEET in book.sheetnames:
            new_actions = _read_new_actions(book[ACTIONS_SHEET], responses, problems)
    problems.raise_if_any()
    return answers, new_actions


def _error(problems, sheet, row, columns, name, message):
    problems.add(message, sheet, row, column_letter(columns, name))


def _read_answers(sheet, responses, problems):
    answers, seen = {}, set()
    names = [c[0] for c in COLUMNS]
    for row_number, row in sheet_rows(sheet, width=len(COLUMNS), first_row=HEADER_ROW + 1):
        cells = dict(zip(names, row, strict=True))

        def error(name, message, row_number=row_number):
            _error(problems, ASSESSMENT_SHEET, row_number, COLUMNS, name, message)

        code = _text(cells["code"])
        if not code:
            error("code", "the requirement code is missing.")
            continue
        if code not in responses:
            error("code", f"'{code}' is not a requirement of this assessment.")
            continue
        if code in seen:
            error("code", f"'{code}' appears twice.")
            continue
        seen.add(code)
        rating_text = _text(cells["rating"]).lower()
        if rating_text and rating_text not in RATING_BY_TEXT:
            allowed = ", ".join(label for _, label in Rating.choices)
            error("rating", f"'{cells['rating']}' is not a rating ({allowed}).")
            continue
        answers[responses[code]] = {
            "rating": RATING_BY_TEXT.get(rating_text, ""),
            "na_reason": _text(cells["na_reason"]),
            "narrative": _text(cells["narrative"]),
        }
    return answers


def _read_new_actions(sheet, responses, problems):
    new_actions, today = [], timezone.localdate()
    names = [c[0] for c in ACTION_COLUMNS]
    for row_number, row in sheet_rows(sheet, width=len(ACTION_COLUMNS), first_row=2):
        cells = dict(zip(names, row, strict=True))

        def error(name, message, row_number=row_number):
            _error(problems, ACTIONS_SHEET, row_number, ACTION_COLUMNS, name, message)

        if _text(cells["id"]):
            continue  # actions already in the tracker (updated there, not here)
        code = _text(cells["code"])
        if code not in responses:
            error("code", "the requirement code is missing." if not code else f"'{code}' is not in this assessment.")
            continue
        try:
            due = _date(cells["due_date"])
        except ValueError:
            error("due_date", "write the date as DD/MM/YYYY.")
            continue
        fields = {
            "title": _text(cells["title"]),
            "owner": _text(cells["owner"]),
            "due_date": due,
            "success_measure": _text(cells["success_measure"]),
        }
        rule_problems = core_rules.smart_action_problems(**fields, today=today)
        for name, message in rule_problems.items():
            error(name, message)
        if not rule_problems:
            new_actions.append((responses[code], fields))
    return new_actions


def do_import_assessment(assessment, data, *, acting_user):
    """Save the template's answers as a draft and open its new actions: all or nothing."""
    answers, new_actions = read_import(assessment, data)
    with audited(acting_user):
        actions.do_save_responses(assessment, answers, acting_user=acting_user)
        for response, fields in new_actions:
            response.assessment = assessment
            actions.do_add_shortfall_action(response, acting_user=acting_user, **fields)
    return len(answers), len(new_actions)


def inspection_register(inspections, action_counts, notices, registrations):
    """The inspection register, the conditions and notices, and the CQC registrations: one sheet each."""
    writer = SpreadsheetWriter()
    table = writer.table(
        "Inspections",
        [
            Column("Organisation", 35),
            Column("Inspected by", 30),
            Column("Kind", 30),
            Column("Title", 45, wrap=True),
            Column("Started", 12, DATE),
            Column("Ended", 12, DATE),
            Column("Report published", 12, DATE),
            Column("Rating", 20),
            Column("Findings", 60, wrap=True),
            Column("Investigation", 12),
            Column("Designated professional informed", 14, DATE),
            Column("ICB told", 12, DATE),
            Column("Actions", 10, WHOLE),
        ],
    )
    for i in inspections:
        table.append(
            [
                i.organisation.name,
                i.get_body_display(),
                i.get_kind_display(),
                i.title,
                i.started_on,
                i.ended_on,
                i.published_on,
                i.get_rating_display(),
                i.findings,
                "Yes" if i.investigation else "No",
                i.designated_informed_on,
                i.icb_told_on,
                action_counts.get(i.pk, 0),
            ]
        )
    table = writer.table(
        "Conditions and notices",
        [
            Column("Provider", 35),
            Column("Kind", 28),
            Column("Issued", 12, DATE),
            Column("What is required", 60, wrap=True),
            Column("ICB told", 12, DATE),
            Column("Lifted or met", 12, DATE),
            Column("Actions", 10, WHOLE),
            Column("Needs an action", 10),
        ],
    )
    for row in notices:
        n = row.notice
        table.append(
            [
                n.provider.name,
                n.get_kind_display(),
                n.issued_on,
                n.summary,
                n.icb_told_on,
                n.lifted_on,
                row.actions,
                "Yes" if row.needs_action else "No",
            ]
        )
    table = writer.table(
        "CQC registrations",
        [
            Column("Provider", 35),
            Column("CQC provider ID", 16),
            Column("Registered", 12, DATE),
            Column("Current rating", 20),
            Column("Rated on", 12, DATE),
            Column("Conditions", 60, wrap=True),
            Column("ICB told", 12, DATE),
        ],
    )
    for r in registrations:
        table.append(
            [
                r.provider.name,
                r.registration_id,
                r.registered_on,
                r.get_current_rating_display(),
                r.rated_on,
                r.conditions,
                r.icb_told_on,
            ]
        )
    return writer.to_bytes()
