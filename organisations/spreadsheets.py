"""XLSX export of the commissioning register through core's one safe spreadsheet writer: the events with their
consultations and gaps, the specifications with their checklist, subcontractors, associate notifications and due
diligence, one sheet each."""

from core.spreadsheets import DATE, Column, SpreadsheetWriter
from organisations import rules


def _yes(value):
    return "Yes" if value else "No"


def commissioning_register(*, events, specifications, subcontractors, notifications, due_diligence):
    """`events` is [(event, gaps)] (organisations.reports.event_rows); `due_diligence` is [(contract, gap)]."""
    writer = SpreadsheetWriter()
    table = writer.table(
        "Commissioning events",
        [
            Column("Event", 45, wrap=True),
            Column("Kind", 16),
            Column("Stage", 24),
            Column("Provider", 35),
            Column("Started", 12, DATE),
            Column("Consultations", 60, wrap=True),
            Column("Specification signed off", 12, DATE),
            Column("Signed off by", 28),
            Column("Gaps", 50, wrap=True),
        ],
    )
    for event, gaps in events:
        consulted = "\n".join(
            f"{c.consulted_on:%d/%m/%Y} {c.get_stage_display()}: {c.professional}: {c.advice}"
            for c in event.live_consultations
        )
        table.append(
            [
                event.title,
                event.get_kind_display(),
                event.get_stage_display(),
                event.provider.name if event.provider else "",
                event.started_on,
                consulted,
                event.specification_signed_off_on,
                event.specification_signed_off_by,
                "; ".join(g.text for g in gaps),
            ]
        )
    table = writer.table(
        "Specifications",
        [
            Column("Provider", 35),
            Column("Contract", 14),
            Column("Title", 40, wrap=True),
            Column("Kind", 22),
            Column("Schedule", 22),
            Column("Agreed", 12, DATE),
            Column("Next review", 12, DATE),
            *[Column(label, 14, wrap=True) for _, label, _ in rules.SPECIFICATION_CHECKLIST],
        ],
    )
    for s in specifications:
        table.append(
            [
                s.contract.provider.name,
                s.contract.reference,
                s.title,
                s.get_kind_display(),
                s.get_audience_display(),
                s.agreed_on,
                s.review_on,
                *[_yes(getattr(s, name)) for name in rules.CHECKLIST_FIELDS],
            ]
        )
    table = writer.table(
        "Subcontractors",
        [
            Column("Provider", 35),
            Column("Contract", 14),
            Column("Subcontractor", 35),
            Column("Services", 35, wrap=True),
            Column("Compliance confirmed", 12, DATE),
            Column("Policy appended", 10),
        ],
    )
    for s in subcontractors:
        table.append(
            [
                s.contract.provider.name,
                s.contract.reference,
                s.name,
                s.services,
                s.compliance_confirmed_on,
                _yes(s.policy_appended),
            ]
        )
    table = writer.table(
        "Associate notifications",
        [
            Column("Provider", 35),
            Column("Contract", 14),
            Column("Associate commissioner", 35),
            Column("Reason", 30),
            Column("Summary", 45, wrap=True),
            Column("Arose on", 12, DATE),
            Column("Notified on", 12, DATE),
        ],
    )
    for n in notifications:
        table.append(
            [
                n.contract.provider.name,
                n.contract.reference,
                n.associate_commissioner.name,
                n.get_reason_display(),
                n.summary,
                n.occurred_on,
                n.notified_on,
            ]
        )
    table = writer.table(
        "Due diligence",
        [
            Column("Provider", 35),
            Column("Contract", 14),
            Column("Let on", 12, DATE),
            Column("Due diligence completed", 12, DATE),
            Column("Gap", 45, wrap=True),
        ],
    )
    for contract, gap in due_diligence:
        dates = [d.completed_on for d in contract.live_due_diligence]
        table.append([contract.provider.name, contract.reference, contract.start_date, min(dates, default=None), gap])
    return writer.to_bytes()


def contacts_directory(contacts):
    """The safeguarding contacts directory [DUDLEY 10.1, 10.4], one row per contact, grouped by organisation."""
    writer = SpreadsheetWriter()
    table = writer.table(
        "Safeguarding contacts",
        [
            Column("Organisation", 40),
            Column("Service", 35),
            Column("Team or post", 40, wrap=True),
            Column("Phone (working hours)", 18),
            Column("Duty or out-of-hours line", 18),
            Column("Secure e-mail", 35),
            Column("When", 25),
            Column("Notes", 50, wrap=True),
            Column("Archived", 10),
        ],
    )
    for contact in contacts:
        table.append(
            [
                contact.organisation.name,
                contact.get_service_display(),
                contact.team,
                contact.phone,
                contact.duty_phone,
                contact.email,
                contact.hours,
                contact.notes,
                _yes(contact.archived_at),
            ]
        )
    return writer.to_bytes()
