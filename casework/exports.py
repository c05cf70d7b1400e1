"""XLSX exports of a register. Only readers export; every exported record is logged (how="export")."""

from django.db import models

from casework.registers import display_value, label
from core.audit import log_access
from core.spreadsheets import DATE, DATETIME, WHOLE, Column, SpreadsheetWriter


def _column(model, name):
    if name == "reference":
        return Column(label(model, name), 18)
    model_field = model._meta.get_field(name)
    if model_field.is_relation or model_field.choices:
        return Column(label(model, name), 30)
    if isinstance(model_field, models.DateTimeField):
        return Column(label(model, name), 17, DATETIME)
    if isinstance(model_field, models.DateField):
        return Column(label(model, name), 12, DATE)
    if isinstance(model_field, models.BooleanField):
        return Column(label(model, name), 10)
    if isinstance(model_field, models.TextField):
        return Column(label(model, name), 60, wrap=True)
    return Column(label(model, name), 25)


def _value(record, name):
    model_field = record._meta.get_field(name)
    value = getattr(record, name)
    if model_field.is_relation or model_field.choices or isinstance(value, bool):
        return display_value(record, name)
    return value


def register_workbook(register, records, user):
    """The register as a workbook (one row per record, every field); logs each record exported."""
    names = ("reference", *register.fields)
    writer = SpreadsheetWriter()
    table = writer.table(register.slug, [_column(register.model, name) for name in names])
    for record in records:
        table.append([_value(record, name) for name in names])
        log_access(user, record, how="export")
    return writer.to_bytes()


STAGES = [Column(f"Stage {stage}", 10, WHOLE) for stage in range(1, 6)]


def escalation_counts_workbook(counts):
    writer = SpreadsheetWriter()
    table = writer.table(
        "Escalations",
        [Column("Local authority", 35), Column("Theme", 30), *STAGES, Column("Total", 10, WHOLE)],
        title=f"Escalations active {counts.start:%d %B %Y} to {counts.end:%d %B %Y}, by highest stage reached",
    )
    for local_authority, theme, by_stage, total in counts.rows:
        table.append([local_authority, theme, *by_stage, total])
    table.append(["All", "All", *counts.by_stage.values(), counts.total])
    flags = writer.table("Urgent and multiple", [Column("Escalations", 60, wrap=True), Column("Number", 10, WHOLE)])
    flags.append(["Urgent starts (earlier stages skipped, reason recorded)", counts.skipped])
    flags.append(["Concerns about poor practice across multiple cases", counts.multiple_cases])
    return writer.to_bytes()
