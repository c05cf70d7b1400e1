"""Reminders for quarterly returns (gathered by `manage.py send_reminders`, once a day per key and address):
- due soon: a return not yet submitted whose due date is within RETURNS_REMINDER_WORKING_DAYS working days
  (default 5), to the provider's users;
- overdue: a return not submitted by its due date, to the provider's users and the ICB's designated
  professionals and safeguarding administrators.
Only the last ended quarter is chased (an older missing return stays visible as missing in the matrix).
"""

from core.choices import Role
from core.models import User, working_calendar
from core.reminders import Due
from organisations.models import Organisation
from returns import conf, reports, rules
from returns.models import Return

ICB_RECIPIENTS = {Role.DESIGNATED, Role.ADMINISTRATOR}


def collect(today):
    quarter = rules.last_ended_quarter(today)
    window = conf.reminder_working_days()
    providers = list(
        Organisation.objects.filter(kind__in=reports.REPORTING_KINDS, archived_at__isnull=True, icb__isnull=False)
    )
    returns = {r.provider_id: r for r in Return.objects.filter(period=quarter.index)}
    emails = {}
    for user in User.objects.filter(is_active=True).exclude(email="").only("email", "role", "organisation_id"):
        emails.setdefault(user.organisation_id, []).append((user.role, user.email))
    calendars = {}
    for provider in providers:
        ret = returns.get(provider.pk)
        if ret is not None and ret.first_submitted_at is not None:
            continue
        calendar = calendars.setdefault(provider.icb_id, working_calendar(provider.icb_id))
        due = ret.due_date if ret else rules.due_date(quarter, calendar, conf.due_working_days())
        own = [email for role, email in emails.get(provider.pk, []) if provider.kind != "icb" or role in ICB_RECIPIENTS]
        if today > due:
            icb_team = [email for role, email in emails.get(provider.icb_id, []) if role in ICB_RECIPIENTS]
            yield Due(
                key=f"returns:overdue:{provider.pk}:{quarter.slug}",
                recipients=own + icb_team,
                subject=f"Overdue quarterly safeguarding return: {provider.name}, {quarter}",
                body=f"The {quarter} safeguarding return of {provider.name} was due on {due:%d %B %Y} "
                f"and has not been submitted.",
            )
        elif 0 <= calendar.working_days_between(today, due) <= window:
            yield Due(
                key=f"returns:due-soon:{provider.pk}:{quarter.slug}",
                recipients=own,
                subject=f"Quarterly safeguarding return due {due:%d %B %Y}: {provider.name}",
                body=f"The {quarter} safeguarding return of {provider.name} is due on {due:%d %B %Y}. "
                f"Submit it in Vigil (web form, XLSX template or API).",
            )
