"""Reminders for the casework clocks, sent by `python manage.py send_reminders` (core.reminders).

Each clock not yet done that is due today or overdue goes to the register's editors in the record's
ICB (an allegation about a designated professional: only HR and the executive lead) and, where the
register is shared with providers, to the users of the provider the record belongs to.
No names or case details go into an e-mail: only the pseudonymous reference and what is due.
"""

from django.utils.text import slugify

from casework import rules
from casework.models import DESIGNATED_ALLEGATION_READERS, Allegation
from casework.registers import BY_MODEL
from casework.reports import CLOCK_MODELS, _open, open_clocks
from core.choices import Role
from core.recipients import AddressBook
from core.reminders import Due
from core.working_calendars import Calendars

SEND = {rules.OVERDUE, rules.DUE_TODAY}


def collect(today):
    calendars = Calendars()

    def calendar_for(record):
        return calendars[record.organisation.icb_id]

    emails = AddressBook()

    for model in CLOCK_MODELS:
        register = BY_MODEL[model]
        for item in open_clocks(_open(model), calendar_for, today):
            if item.status not in SEND:
                continue
            record = item.record
            roles = register.editors
            if isinstance(record, Allegation) and record.concerns_designated_professional:
                roles = DESIGNATED_ALLEGATION_READERS
            recipients = emails.emails(record.organisation.icb_id, roles)
            if Role.PROVIDER in roles and record.organisation_id != record.organisation.icb_id:
                recipients += emails.emails(record.organisation_id, {Role.PROVIDER})
            due = item.clock.due
            when = due.strftime("%d %B %Y %H:%M") if item.clock.has_time else due.strftime("%d %B %Y")
            yield Due(
                key=f"casework:{register.slug}:{record.pk}:{slugify(item.clock.label)[:60]}",
                recipients=sorted(set(recipients)),
                subject=f"{rules.STATUS_LABELS[item.status]}: {item.clock.label} ({record.reference})",
                body=f"{register.title}, {record.reference}: '{item.clock.label}' is due {when}. "
                "Open Vigil's 'What needs doing' page for details.",
            )
