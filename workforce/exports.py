"""XLSX exports, all through core.spreadsheets (the one safe writer). DBS certificate numbers are masked."""

from core.spreadsheets import DATE, DECIMAL, PERCENT, WHOLE, Column, SpreadsheetWriter, fraction_of_one, rating
from workforce import reports


def compliance_workbook(result, *, people):
    writer = SpreadsheetWriter()
    table = writer.table(
        "Compliance",
        [
            Column("Staff group", 30),
            Column("Topic and level", 40),
            Column("Up to date", 12, WHOLE),
            Column("In scope", 12, WHOLE),
            Column("Per cent", 10, PERCENT),
            Column("Rating", 10),
            Column("Target %", 10, WHOLE),
            Column("Expiring in 90 days", 12, WHOLE),
        ],
        title=f"ICB staff training compliance on {result.as_of:%d %B %Y}",
        lines=[(question, answer) for question, answer in reports.policy_choices(result.policy)]
        if result.policy
        else (),
    )
    for group, cells in result.rows:
        for cell in filter(None, cells):
            table.append(
                [
                    group,
                    reports.level_label(cell.topic, cell.level),
                    cell.numerator,
                    cell.denominator,
                    fraction_of_one(cell.percent),
                    rating(cell.rating.capitalize()),
                    int(cell.target) if cell.target is not None else None,
                    cell.expiring,
                ]
            )
    if people:
        expiring = writer.table(
            "Expiring",
            [
                Column("Staff key", 16),
                Column("Staff group", 30),
                Column("Topic and level", 40),
                Column("Valid until", 14, DATE),
            ],
        )
        for item in result.expiring:
            expiring.append(
                [
                    item.person.key,
                    item.person.staff_group,
                    reports.level_label(item.topic, item.level),
                    item.valid_until,
                ]
            )
    return writer


def staff_workbook(staff, as_of):
    writer = SpreadsheetWriter()
    table = writer.table(
        "Staff",
        [
            Column("Staff key", 16),
            Column("Role", 30),
            Column("Staff group", 30),
            Column("Start date", 12, DATE),
            Column("End date", 12, DATE),
            Column("Status", 20),
            Column("Supervision group", 20),
            Column("Regulated activity", 10),
        ],
        title=f"ICB staff on {as_of:%d %B %Y}",
    )
    for member in staff:
        table.append(
            [
                member.staff_key,
                member.role,
                member.staff_group,
                member.start_date,
                member.end_date,
                member.get_status_display(),
                member.get_supervision_group_display(),
                "Yes" if member.regulated_activity else "No",
            ]
        )
    return writer


def dbs_workbook(rows):
    writer = SpreadsheetWriter()
    table = writer.table(
        "DBS",
        [
            Column("Staff key", 16),
            Column("Start date", 12, DATE),
            Column("Regulated activity", 10),
            Column("Check level", 24),
            Column("Certificate date", 12, DATE),
            Column("Certificate (masked)", 18),
            Column("Update service", 10),
            Column("Self-disclosure due", 12, DATE),
            Column("References", 10, WHOLE),
            Column("Flag", 50, wrap=True),
        ],
    )
    for row in rows:
        check = row.check
        table.append(
            [
                row.staff.staff_key,
                row.staff.start_date,
                "Yes" if row.staff.regulated_activity else "No",
                check.get_level_display() if check else "",
                check.checked_on if check else None,
                check.masked_certificate if check else "",
                ("Yes" if check.update_service else "No") if check else "",
                row.disclosure_due,
                check.references_received if check else None,
                "; ".join(filter(None, [row.problem, row.references_problem])),
            ]
        )
    return writer


def supervision_workbook(rows):
    """Who is due or overdue supervision: dates and parties only, never a session's content."""
    writer = SpreadsheetWriter()
    table = writer.table(
        "Supervision",
        [
            Column("Staff key", 16),
            Column("Group", 24),
            Column("Last session", 14, DATE),
            Column("Due by", 14, DATE),
            Column("Overdue", 10),
            Column("Agreement", 10),
            Column("Rule", 60, wrap=True),
        ],
    )
    for row in rows:
        table.append(
            [
                row.staff.staff_key,
                row.staff.get_supervision_group_display(),
                row.last,
                row.due,
                "Yes" if row.overdue else "No",
                "Signed" if row.has_agreement else "None",
                row.rule.source,
            ]
        )
    return writer


def capacity_workbook(rows, population):
    writer = SpreadsheetWriter()
    lines = []
    if population:
        lines = [
            ("Population on", population.as_of),
            ("Children", population.children),
            ("Children in care", population.children_in_care),
            ("Adults", population.adults),
        ]
    table = writer.table(
        "Capacity",
        [
            Column("Role", 45),
            Column("As entered", 40, wrap=True),
            Column("Hours a week in post", 12, DECIMAL),
            Column("Vacant posts", 10, WHOLE),
            Column("Expected hours a week", 12, DECIMAL),
            Column("Gap (hours short)", 12, DECIMAL),
            Column("Source of the ratio", 60, wrap=True),
        ],
        title="Designated capacity",
        lines=lines,
    )
    for row in rows:
        entered = "; ".join(
            f"{e.amount.normalize():f} {e.get_unit_display()}" + (" vacant" if e.vacant else "") for e in row.entries
        )
        table.append(
            [
                row.label,
                entered,
                row.hours,
                row.vacancies,
                row.required,
                row.gap,
                row.ratio["source"] if row.ratio else "",
            ]
        )
    return writer
