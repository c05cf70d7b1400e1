"""Reminders for `manage.py send_reminders`: training expiring within the horizon (to the line manager),
annual DBS self-disclosure due within 30 days or overdue (to HR), supervision overdue (to the designated
professionals)."""

import datetime as dt

from core.choices import Role
from core.recipients import AddressBook
from core.reminders import Due
from workforce import reports, rules
from workforce.models import StaffMember, WorkforcePolicy

SELF_DISCLOSURE_NOTICE_DAYS = 30


def collect(today):
    emails = AddressBook()
    for icb_id in WorkforcePolicy.objects.values_list("icb_id", flat=True):
        yield from _expiring(icb_id, today)
        yield from _self_disclosures(icb_id, today, emails)
        yield from _supervision(icb_id, today, emails)


def _expiring(icb_id, today):
    result = reports.compliance_for(icb_id, today)
    managers = dict(StaffMember.objects.filter(icb_id=icb_id).values_list("staff_key", "line_manager_email"))
    for item in result.expiring:
        yield Due(
            key=f"workforce:expiring:{icb_id}:{item.person.key}:{item.topic}:{item.level}:{item.valid_until}",
            recipients=[managers.get(item.person.key, "")],
            subject=f"Safeguarding training expires {rules.fmt(item.valid_until)}: {item.person.key}",
            body=f"{item.person.key}'s {reports.level_label(item.topic, item.level).lower()} training is valid until "
            f"{rules.fmt(item.valid_until)}. Please book a refresher.",
        )


def _self_disclosures(icb_id, today, emails):
    horizon = today + dt.timedelta(days=SELF_DISCLOSURE_NOTICE_DAYS)
    for row in reports.dbs_rows(StaffMember.objects.filter(icb_id=icb_id), today):
        if row.disclosure_due and row.disclosure_due <= horizon:
            yield Due(
                key=f"workforce:self-disclosure:{row.check.pk}:{row.disclosure_due}",
                recipients=emails.emails(icb_id, {Role.HR}) + [row.staff.line_manager_email],
                subject=f"Annual DBS self-disclosure due {rules.fmt(row.disclosure_due)}: {row.staff.staff_key}",
                body=f"{row.staff.staff_key}'s annual self-disclosure [DUDLEY §7.5] is due on "
                f"{rules.fmt(row.disclosure_due)}.",
            )


def _supervision(icb_id, today, emails):
    for row in reports.supervision_rows(icb_id, today):
        if row.overdue:
            yield Due(
                key=f"workforce:supervision-overdue:{row.staff.pk}:{row.due}",
                recipients=emails.emails(icb_id, {Role.DESIGNATED}),
                subject=f"Safeguarding supervision overdue: {row.staff.staff_key}",
                body=f"{row.staff.staff_key} ({row.staff.get_supervision_group_display().lower()}) was due "
                f"supervision by {rules.fmt(row.due)} ({row.rule.source}).",
            )
