"""XLSX exports of the records beside statutory reviews, through core's one safe spreadsheet writer: local authorities'
section 42 enquiries running in parallel [SAAF 4.5.7] and NHS bodies not taking part in a review, with the escalation
to the NHS England region [SAAF 4.5]. (The NHS England quarterly list is reviews.reports.notification_xlsx.)"""

from core.spreadsheets import DATE, Column, SpreadsheetWriter


def enquiries(records):
    """`records`: SafeguardingEnquiry with local_authority selected and reviews__kind prefetched."""
    writer = SpreadsheetWriter()
    table = writer.table(
        "Section 42 enquiries",
        [
            Column("Subject (pseudonym)", 20),
            Column("Local authority's reference", 20),
            Column("Local authority", 35),
            Column("Opened", 12, DATE),
            Column("Concluded", 12, DATE),
            Column("Outcome", 50, wrap=True),
            Column("Reviews it runs beside", 45, wrap=True),
            Column("Archived", 10),
        ],
    )
    for enquiry in records:
        table.append(
            [
                enquiry.subject_reference,
                enquiry.reference,
                enquiry.local_authority.name,
                enquiry.opened_on,
                enquiry.concluded_on,
                enquiry.outcome,
                "; ".join(f"{review.reference} {review.kind.name}" for review in enquiry.reviews.all()),
                "Yes" if enquiry.archived_at else "No",
            ]
        )
    return writer.to_bytes()


def non_participation(records):
    """`records`: NonParticipation with review__kind, organisation and region selected."""
    writer = SpreadsheetWriter()
    table = writer.table(
        "NHS bodies not taking part",
        [
            Column("Review", 16),
            Column("Kind of review", 35),
            Column("NHS body", 35),
            Column("Noted on", 12, DATE),
            Column("What happened", 50, wrap=True),
            Column("NHS England region escalated to", 30),
            Column("Escalated on", 12, DATE),
            Column("Escalation and response", 50, wrap=True),
            Column("Took part on", 12, DATE),
            Column("State", 16),
        ],
    )
    for record in records:
        state = "Took part" if record.resolved_on else "Escalated" if record.escalated_on else "Not escalated"
        table.append(
            [
                record.review.reference,
                record.review.kind.name,
                record.organisation.name,
                record.noted_on,
                record.reason,
                record.region.name if record.region else "",
                record.escalated_on,
                record.escalation_note,
                record.resolved_on,
                state,
            ]
        )
    return writer.to_bytes()
