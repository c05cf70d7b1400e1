"""XLSX exports of the registers: one function per register, built with openpyxl, sent by
core.downloads.xlsx_response. Cells are written as values, never as formulas."""

from openpyxl import Workbook

from governance import rules


def _safe(value):
    """Text that a spreadsheet would read as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _workbook(title, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    sheet.freeze_panes = "A2"
    return workbook


def policy_register(policies, today):
    return _workbook(
        "Policies",
        [
            "Reference",
            "Title",
            "Organisation",
            "Owner",
            "Version",
            "Status",
            "Approved on",
            "Approved by",
            "Review interval (months)",
            "Next review",
            "Review state",
        ],
        (
            [
                p.reference,
                p.title,
                p.organisation.name,
                p.owner,
                p.version,
                p.get_status_display(),
                p.approved_on,
                p.approving_committee.name if p.approving_committee else "",
                p.review_interval_months,
                p.next_review_on,
                rules.REVIEW_LABELS[p.review_state_on(today)],
            ]
            for p in policies
        ),
    )


def risk_register(rows):
    return _workbook(
        "Risks",
        [
            "Reference",
            "Risk",
            "Owner",
            "Initial score",
            "Current likelihood",
            "Current consequence",
            "Current score",
            "Band",
            "Target score",
            "Review date",
            "Escalated to",
            "Needs escalation",
        ],
        (
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
            for r in rows
        ),
    )
