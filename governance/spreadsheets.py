"""XLSX exports of the registers, one function per register, through core's one safe spreadsheet writer (text is
never a formula; bold frozen headers, filters, widths, dates and numbers with their formats)."""

from core.spreadsheets import DATE, WHOLE, Column, SpreadsheetWriter
from governance import rules


def policy_register(policies, today):
    writer = SpreadsheetWriter()
    table = writer.table(
        "Policies",
        [
            Column("Reference", 14),
            Column("Title", 50, wrap=True),
            Column("Organisation", 35),
            Column("Owner", 30),
            Column("Version", 10),
            Column("Status", 14),
            Column("Approved on", 12, DATE),
            Column("Approved by", 35),
            Column("Review interval (months)", 12, WHOLE),
            Column("Next review", 12, DATE),
            Column("Review state", 16),
        ],
    )
    for p in policies:
        table.append(
            [
                p.reference,
                p.title,
                p.organisation.name,
                p.owner,
                p.document_version,
                p.get_status_display(),
                p.approved_on,
                p.approving_committee.name if p.approving_committee else "",
                p.review_interval_months,
                p.next_review_on,
                rules.REVIEW_LABELS[p.review_state_on(today)],
            ]
        )
    return writer.to_bytes()


def risk_register(rows):
    writer = SpreadsheetWriter()
    table = writer.table(
        "Risks",
        [
            Column("Reference", 14),
            Column("Risk", 50, wrap=True),
            Column("Owner", 30),
            Column("Initial score", 10, WHOLE),
            Column("Current likelihood", 10, WHOLE),
            Column("Current consequence", 10, WHOLE),
            Column("Current score", 10, WHOLE),
            Column("Band", 12),
            Column("Target score", 10, WHOLE),
            Column("Review date", 12, DATE),
            Column("Escalated to", 40, wrap=True),
            Column("Needs escalation", 10),
        ],
    )
    for r in rows:
        table.append(
            [
                r.risk.reference,
                r.risk.title,
                r.risk.owner,
                r.risk.initial_score,
                r.likelihood,
                r.consequence,
                r.score,
                r.band.label,
                r.risk.target_score,
                r.risk.review_date,
                "; ".join(f"{e.committee.name} {e.escalated_on:%d/%m/%Y}" for e in r.escalations),
                "Yes" if r.needs_escalation else "No",
            ]
        )
    return writer.to_bytes()


def monitoring_schedule(rows, records):
    """The monitoring schedule [DDICB Monitoring and Review of Policy]: one sheet of the checks (as the list page shows
    them: last done, next due, state) and one of every check done."""
    writer = SpreadsheetWriter()
    table = writer.table(
        "Monitoring schedule",
        [
            Column("Check", 50, wrap=True),
            Column("Purpose", 50, wrap=True),
            Column("Owner", 30),
            Column("Frequency", 16),
            Column("Reviewed by", 35),
            Column("Oversight", 35),
            Column("Source", 35),
            Column("Reminder days", 10, WHOLE),
            Column("Last done", 12, DATE),
            Column("Next due", 12, DATE),
            Column("State", 14),
        ],
    )
    for row in rows:
        check = row.check
        table.append(
            [
                check.title,
                check.purpose,
                check.owner,
                check.get_frequency_months_display(),
                check.reviewing_committee.name if check.reviewing_committee else "",
                check.oversight,
                check.source,
                check.reminder_window,
                row.last.done_on if row.last else None,
                row.next_due_on,
                row.label,
            ]
        )
    done = writer.table(
        "Checks done",
        [
            Column("Check", 50, wrap=True),
            Column("Date done", 12, DATE),
            Column("Done by", 30),
            Column("Outcome", 24),
            Column("Findings", 60, wrap=True),
            Column("Reported to", 40),
        ],
    )
    for record in records:
        done.append(
            [
                record.monitoring_check.title,
                record.done_on,
                record.done_by,
                record.get_outcome_display(),
                record.findings,
                str(record.reported_to) if record.reported_to else "",
            ]
        )
    return writer.to_bytes()
