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
