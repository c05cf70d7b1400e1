"""The XLSX return template generated per provider and quarter, and its all-or-nothing import.

Sheet "Return": one row per metric total and one per breakdown category; the provider fills column G
(numerator, count, yes/no or date), H (denominator, for percentages) and I (explanation). A hidden sheet
"_vigil" names the provider, the quarter and the catalogue version: a template from another provider or
quarter is refused. Every error names the metric, the breakdown and the cell; nothing is stored unless
the whole file is right.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import WHOLE, Column, SpreadsheetWriter, Styled
from returns import actions, catalogue, rules, services
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
NUM, DEN, EXP = "G", "H", "I"
TOTAL = "total"
INPUT_FILL = "FFF2CC"
WIDTHS = (12, 45, 12, 20, 16, 40, 18, 14, 50)


def build_template(provider, quarter, metrics=None, entries=None, prefilled=None):
    """The template for `provider` and `quarter` (pre-filled with `entries` when given), as bytes."""
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
        ],
    )
    return writer.to_bytes()


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


class TemplateError(ValidationError):
    pass


def read_upload(file, return_obj):
    """Parse an uploaded template for `return_obj` into ({metric code: Entry}, {problem key: cell}).
    Raises ValidationError naming every bad cell (nothing is stored)."""
    try:
        book = load_workbook(file, data_only=True, read_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not XLSX
        raise ValidationError({"file": f"This is not an XLSX return template ({type(error).__name__})."}) from error
    if "_vigil" not in book.sheetnames or "Return" not in book.sheetnames:
        raise ValidationError({"file": "This is not a Vigil return template: download the template for this return."})
    meta = {row[0]: row[1] for row in book["_vigil"].iter_rows(values_only=True) if row and row[0]}
    provider, quarter = return_obj.provider, return_obj.quarter
    if meta.get("provider_id") != provider.pk:
        raise ValidationError(
            {"file": f"This template is for another provider ({meta.get('ods_code') or '?'}), not {provider.name}."}
        )
    if meta.get("period") != quarter.index:
        raise ValidationError(
            {"file": f"This template is for {meta.get('quarter') or 'another quarter'}, not {quarter.label}."}
        )
    metrics = {m.code: m for m in catalogue.metrics_for(provider.kind)}
    authorities = catalogue.local_authorities_for(provider.icb_id)
    errors, cells = [], {}
    entries = {}
    breakdowns = defaultdict(lambda: defaultdict(dict))
    sheet = book["Return"]
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=9):
        code = row[0].value
        if code in (None, ""):
            continue
        n = row[0].row
        metric = metrics.get(str(code).strip())
        if metric is None:
            errors.append(f"A{n}: unknown metric code {code}")
            continue
        dimension, category = str(row[3].value or "").strip(), str(row[4].value or "").strip()
        if dimension != TOTAL and (
            dimension not in metric.breakdowns
            or category not in {c for c, _ in catalogue.categories(dimension, authorities)}
        ):
            errors.append(f"D{n}: {metric.code} has no breakdown {dimension}: {category}")
            continue
        where = "" if dimension == TOTAL else f"{dimension}: {category}"
        num = _read(errors, metric, where, row[6], metric.unit)
        den = _read(errors, metric, where, row[7], metric.unit) if metric.unit == Unit.PERCENTAGE else None
        cells[(metric.code, where, "numerator")] = f"{NUM}{n}"
        cells[(metric.code, where, "denominator")] = f"{DEN}{n}"
        if dimension == TOTAL:
            entry = entries.setdefault(metric.code, rules.Entry())
            cells[(metric.code, "", "explanation")] = f"{EXP}{n}"
            entry.explanation = str(row[8].value or "").strip()
            if metric.unit == Unit.DATE:
                entry.date_value = num
            else:
                entry.numerator, entry.denominator = num, den
        elif num is not None or den is not None:
            breakdowns[metric.code][dimension][category] = (num, den)
    if errors:
        raise ValidationError({"file": errors})
    for code, dims in breakdowns.items():
        entries.setdefault(code, rules.Entry()).breakdown = {d: dict(rows) for d, rows in dims.items()}
    entries = {
        code: e
        for code, e in entries.items()
        if e.numerator is not None or e.denominator is not None or e.date_value or e.breakdown or e.explanation
    }
    return entries, cells


def _read(errors, metric, where, cell, unit):
    try:
        if unit == Unit.YES_NO:
            return rules.parse_yes_no(cell.value)
        if unit == Unit.DATE and where == "":
            return rules.parse_date(cell.value)
        return rules.parse_number(cell.value)
    except rules.NotANumber as error:
        errors.append(f"{cell.coordinate}: {' / '.join(filter(None, [metric.code, where]))}: {error}")
        return None


def import_upload(return_obj, file, *, acting_user):
    """Read and store an uploaded template; every error names its cell. All or nothing."""
    entries, cells = read_upload(file, return_obj)
    specs = services.specs_for_provider(return_obj.provider)
    problems = rules.validate(
        specs, entries, previous=services.previous_entries(return_obj), rules=services.rule_settings()
    )
    errors = [p for p in problems if p.severity == rules.ERROR]
    if errors:
        raise ValidationError(
            {
                "file": [
                    f"{cells.get((p.metric, p.breakdown, p.field)) or cells.get((p.metric, '', p.field)) or '?'}: "
                    f"{p.where()}: {p.message}"
                    for p in errors
                ]
            }
        )
    actions.do_save_figures(return_obj, entries=entries, acting_user=acting_user, source=Source.XLSX, replace=True)
    return entries
