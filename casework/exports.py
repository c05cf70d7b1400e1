"""XLSX exports of a register. Only readers export; every exported record is logged (how="export")."""

import datetime as dt

from django.utils import timezone
from openpyxl import Workbook

from casework.registers import display_value, label
from core.audit import log_access
from core.downloads import workbook_bytes


def _cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def register_workbook(register, records, user):
    """The register as a workbook (one row per record, every field); logs each record exported."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = register.slug[:31]
    names = ("reference", *register.fields)
    sheet.append([label(register.model, name) for name in names])
    for record in records:
        row = []
        for name in names:
            model_field = record._meta.get_field(name)
            if model_field.is_relation or model_field.choices or isinstance(getattr(record, name), bool):
                row.append(display_value(record, name))
            else:
                row.append(_cell(getattr(record, name)))
        sheet.append(row)
        log_access(user, record, how="export")
    return workbook_bytes(workbook)


def escalation_counts_workbook(counts):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Escalations"
    sheet.append([f"Escalations active {counts.start:%d %B %Y} to {counts.end:%d %B %Y}, by highest stage reached"])
    sheet.append(["Local authority", "Theme", "Stage 1", "Stage 2", "Stage 3", "Stage 4", "Stage 5", "Total"])
    for local_authority, theme, by_stage, total in counts.rows:
        sheet.append([local_authority, theme, *by_stage, total])
    sheet.append(["All", "All", *counts.by_stage.values(), counts.total])
    flags = workbook.create_sheet("Urgent and multiple")
    flags.append(["Urgent starts (earlier stages skipped, reason recorded)", counts.skipped])
    flags.append(["Concerns about poor practice across multiple cases", counts.multiple_cases])
    return workbook_bytes(workbook)
