"""The XLSX return template generated per provider and quarter, and its all-or-nothing import.

Sheet "Return": one row per metric total and one per breakdown category; the provider fills column G
(numerator, count, yes/no or date), H (denominator, for percentages) and I (explanation). A hidden sheet
"_vigil" names the provider, the quarter, the catalogue version and the return's state when the template was
made (reports.edit_stamp): a template from another provider or quarter, or made before the return last
changed, is refused. The file is read within the limits of core.imports; every error names the sheet, row
and column; nothing is stored unless the whole file is right.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl.worksheet.datavalidation import DataValidation

from core.imports import Problems, open_workbook, sheet_rows
from core.spreadsheets import WHOLE, Column, SpreadsheetWriter, Styled
from returns import actions, catalogue, reports, rules
from returns.choices import Source, Unit

HEADER = [
    "Metric code",
    "Metric",
    "Unit",
    "Breakdown",
    "Category code",
    "Category",
    "Numerator / value",
    "Denominator",
    "Explanation",
]
FIRST_ROW = 7
SHEET, META = "Return", "_vigil"
STAMP, MADE_AT = "stamp", "made_at"  # rows of the hidden sheet: the return's state when the template was made
NUM, DEN, EXP = "G", "H", "I"
TOTAL = "total"
INPUT_FILL = "FFF2CC"
WIDTHS = (12, 45, 12, 20, 16, 40, 18, 14, 50)


def build_template(provider, quarter, metrics=None, entries=None, prefilled=None, stamp=""):
    """The template for `provider` and `quarter` (pre-filled with `entries` when given), as bytes. `stamp`
    is the return's state when the template is made (reports.edit_stamp): see `template_for`."""
    metrics = metrics if metrics is not None else catalogue.metrics_for(provider.kind)
    authorities = catalogue.local_authorities_for(provider.icb_id)
    entries = entries or {}
    prefilled = prefilled or {}
    writer = SpreadsheetWriter()
    columns = [
        Column(title, width, WHOLE if col in (NUM, DEN) else None)
        for col, title, width in zip("ABCDEFGHI", HEADER, WIDTHS, strict=True)
    ]
    sheet = writer.table(
        "Return",
        columns,
        title="Vigil quarterly safeguarding return",
        lines=[
            ("Provider", provider.name),
            ("ODS code", provider.ods_code or ""),
            ("Quarter", quarter.label),
            ("Fill in", "the yellow cells only: whole numbers; yes or no; dates as 2026-08-31"),
        ],
    )
    yes_no = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    for metric in metrics:
        entry = entries.get(metric.code, rules.Entry())
        total_value = entry.date_value if metric.unit == Unit.DATE else entry.numerator
        if metric.unit == Unit.YES_NO and total_value is not None:
            total_value = "Yes" if total_value else "No"
        label = (
            f"Total (prefilled from the {prefilled[metric.code]}: check it)" if metric.code in prefilled else "Total"
        )
        row = _write(sheet, metric, TOTAL, TOTAL, label, total_value, entry.denominator, entry.explanation)
        if metric.unit == Unit.YES_NO:
            yes_no.add(f"{NUM}{row}")
        for dimension in metric.breakdowns:
            for category, label in catalogue.categories(dimension, authorities):
                num, den = entry.breakdown.get(dimension, {}).get(category, (None, None))
                _write(sheet, metric, dimension, category, label, num, den, None)
    sheet.add_validation(yes_no)
    writer.hidden_sheet(
        "_vigil",
        [
            ["provider_id", provider.pk],
            ["ods_code", provider.ods_code or ""],
            ["period", quarter.index],
            ["quarter", quarter.label],
            ["catalogue_version", catalogue.data()["version"]],
            [STAMP, stamp],
            [MADE_AT, timezone.now().isoformat(timespec="seconds")],
        ],
    )
    return writer.to_bytes()


def template_for(return_obj):
    """The template of a return, pre-filled with its working figures and stamped with its state. The stamp
    is taken first: a save that lands while the template is built makes the template stale, never wrong."""
    stamp = reports.edit_stamp(return_obj)
    version = reports.working_version(return_obj)
    return build_template(
        return_obj.provider,
        return_obj.quarter,
        entries=reports.entries_of(version),
        prefilled=reports.prefilled_codes(version),
        stamp=stamp,
    )


def _write(sheet, metric, dimension, category, label, num, den, explanation):
    """One row of the template, its input cells yellow and unlocked; returns the row number."""
    inputs = {NUM}
    if metric.unit == Unit.PERCENTAGE:
        inputs.add(DEN)
    if dimension == TOTAL:
        inputs.add(EXP)
    values = {NUM: _cell(num), DEN: _cell(den), EXP: explanation or None}
    return sheet.append(
        [
            metric.code,
            metric.title,
            metric.get_unit_display(),
            dimension,
            category,
            label,
            *(
                Styled(values[col], fill=INPUT_FILL, unlocked=True) if col in inputs else values[col]
                for col in (NUM, DEN, EXP)
            ),
        ]
    )


def _cell(value):
    if value is None:
        return None
    return int(value) if hasattr(value, "to_integral_value") else value


@dataclass
class Upload:
    """What a template holds: its figures, where each was read ({problem key: (row, column)}), and the
    stamp and time of the return's state when the template was made."""

    entries: dict
    cells: dict
    stamp: str
    made_at: str


def read_upload(file, return_obj):
    """Parse an uploaded template for `return_obj` (within the limits of core.imports). Raises
    ValidationError naming sheet, row and column of the first bad cells (nothing is stored)."""
    upload, problems = _parse_upload(file, return_obj, reports.figures_setting(return_obj.provider))
    check_stamp(return_obj, upload.stamp, upload.made_at)
    problems.raise_if_any("file")
    return upload


def _parse_upload(file, return_obj, setting):
    """The upload's figures and the problems of its cells (not raised yet: the caller checks the stamp first)."""
    # the figures' sheet is read whole before anything else is done: its cells are held to the limits as it is read
    with open_workbook(file, field="file", what="an XLSX return template", streamed=(SHEET,)) as book:
        if META not in book.sheetnames or SHEET not in book.sheetnames:
            raise _refused("This is not a Vigil return template: download the template for this return.")
        meta = {row[0]: row[1] for _, row in sheet_rows(book[META], width=2, field="file")}
        _check_template_is_for(return_obj, meta)
        problems = Problems()
        entries, cells = _read_figures(book[SHEET], setting, problems)
    return Upload(entries, cells, meta.get(STAMP), meta.get(MADE_AT)), problems


def _refused(message):
    return ValidationError({"file": message})


def _check_template_is_for(return_obj, meta):
    provider, quarter = return_obj.provider, return_obj.quarter
    if meta.get("provider_id") != provider.pk:
        raise _refused(f"This template is for another provider ({meta.get('ods_code') or '?'}), not {provider.name}.")
    if meta.get("period") != quarter.index:
        raise _refused(f"This template is for {meta.get('quarter') or 'another quarter'}, not {quarter.label}.")


def check_stamp(return_obj, stamp, made_at, *, working=None):
    """Refuse a template made from another state of the return than its current one (`working`: see
    reports.edit_stamp)."""
    if not stamp:
        raise _refused(
            "This template does not record the state of the return it was made from: download a new template."
        )
    if stamp != reports.edit_stamp(return_obj, working=working):
        raise _refused(
            f"This return changed since the template was downloaded{_on(made_at)}: download a new template "
            "(it holds the current figures), copy your changes into it and upload it again."
        )


def _on(made_at):
    try:
        moment = timezone.localtime(dt.datetime.fromisoformat(str(made_at)))
    except (TypeError, ValueError):
        return ""
    return f" on {moment.day} {moment:%B %Y} at {moment:%H:%M}"


def _read_figures(sheet, setting, problems):
    metrics = setting.applicable
    categories = {(code, d): set(codes) for code, spec in setting.specs.items() for d, codes in spec.breakdowns.items()}
    cells, entries = {}, {}
    breakdowns = defaultdict(lambda: defaultdict(dict))
    for n, row in sheet_rows(sheet, width=len(HEADER), first_row=FIRST_ROW, field="file"):
        code = row[0]
        if code in (None, ""):
            continue
        metric = metrics.get(str(code).strip())
        if metric is None:
            problems.add(f"unknown metric code {code}", SHEET, n, "A")
            continue
        dimension, category = str(row[3] or "").strip(), str(row[4] or "").strip()
        if dimension != TOTAL and category not in categories.get((metric.code, dimension), ()):
            problems.add(f"{metric.code} has no breakdown {dimension}: {category}", SHEET, n, "D")
            continue
        where = "" if dimension == TOTAL else f"{dimension}: {category}"
        num = _read(problems, metric, where, n, NUM, row[6], metric.unit)
        den = _read(problems, metric, where, n, DEN, row[7], metric.unit) if metric.unit == Unit.PERCENTAGE else None
        cells[(metric.code, where, "numerator")] = (n, NUM)
        cells[(metric.code, where, "denominator")] = (n, DEN)
        if dimension == TOTAL:
            entry = entries.setdefault(metric.code, rules.Entry())
            cells[(metric.code, "", "explanation")] = (n, EXP)
            entry.explanation = str(row[8] or "").strip()
            if metric.unit == Unit.DATE:
                entry.date_value = num
            else:
                entry.numerator, entry.denominator = num, den
        elif num is not None or den is not None:
            breakdowns[metric.code][dimension][category] = (num, den)
    for code, dims in breakdowns.items():
        entries.setdefault(code, rules.Entry()).breakdown = {d: dict(rows) for d, rows in dims.items()}
    entries = {
        code: e
        for code, e in entries.items()
        if e.numerator is not None or e.denominator is not None or e.date_value or e.breakdown or e.explanation
    }
    return entries, cells


def _read(problems, metric, where, row, column, value, unit):
    try:
        if unit == Unit.YES_NO:
            return rules.parse_yes_no(value)
        if unit == Unit.DATE and where == "":
            return rules.parse_date(value)
        return rules.parse_number(value)
    except rules.NotANumber as error:
        problems.add(f"{' / '.join(filter(None, [metric.code, where]))}: {error}", SHEET, row, column)
        return None


def import_upload(return_obj, file, *, acting_user):
    """Read and store an uploaded template; every error names its cell. All or nothing. The return is locked
    while its stamp is checked again and the figures saved, so of two uploads made from one template
    the second is refused instead of silently replacing the first.

    Each thing is read once: the metrics and local authorities (before the parse, for the parse, the check and
    the save), then under the lock the return with its working version (one query) and its figures (for the stamp
    and the save)."""
    setting = reports.figures_setting(return_obj.provider)
    upload, problems = _parse_upload(file, return_obj, setting)  # parsed once, outside the lock
    with transaction.atomic():
        locked, version = reports.lock_with_working_version(return_obj.pk)
        working = reports.working_figures(locked, version=version)
        # checked once, under the lock, before any cell error
        check_stamp(locked, upload.stamp, upload.made_at, working=working)
        problems.raise_if_any("file")
        _check_figures(locked, upload, setting)
        actions.do_save_figures(
            locked,
            entries=upload.entries,
            acting_user=acting_user,
            source=Source.XLSX,
            replace=True,
            checked=True,  # validated once, by _check_figures (which names the cells)
            setting=setting,
            working=working,
            savepoint=False,  # this transaction is the import's: any error leaves it, and it rolls back whole
        )
    return_obj.version = locked.version  # the caller's copy is the return as it now is
    return upload.entries


def _check_figures(return_obj, upload, setting):
    found = rules.validate(
        setting.specs, upload.entries, previous=reports.previous_entries(return_obj), rules=reports.rule_settings()
    )
    problems = Problems()
    for p in (p for p in found if p.severity == rules.ERROR):
        row, column = (
            upload.cells.get((p.metric, p.breakdown, p.field))
            or upload.cells.get((p.metric, "", p.field))
            or (None, None)
        )
        problems.add(f"{p.where()}: {p.message}", SHEET, row, column)
    problems.raise_if_any("file")
