"""XLSX export of the team's review tasks, through the safe writer (core.spreadsheets). The organisation's own
safeguarding users only; each task exported is logged (how="export"), as casework's registers are."""

from core.audit import log_access
from core.spreadsheets import DATE, Column, SpreadsheetWriter


def tasks_workbook(tasks, user):
    writer = SpreadsheetWriter()
    table = writer.table(
        "Review tasks",
        [
            Column("Task", 8),
            Column("Signal", 45),
            Column("NHS number or household", 22),
            Column("Opened", 12, DATE),
            Column("Due", 12, DATE),
            Column("Status", 18),
            Column("Outcome", 35),
            Column("Completed", 12, DATE),
            Column("Notes", 60, wrap=True),
        ],
    )
    for task in tasks:
        subject = task.child.nhs_number if task.child_id else task.household.key
        table.append(
            [
                task.pk,
                task.get_signal_display(),
                subject,
                task.opened_on,
                task.due_on,
                task.get_status_display(),
                task.get_outcome_display(),
                task.completed_on,
                task.outcome_notes,
            ]
        )
        log_access(user, task, how="export")
    return writer.to_bytes()
