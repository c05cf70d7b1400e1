"""Assessment reminders, gathered by core's `send_reminders` command (sent once a day per key and address).

- Due soon: on the working day when exactly ASSURANCE_DUE_SOON_WORKING_DAYS (10) working days remain
  before the due date (England working days with the ICB's closure days), for assessments not yet
  submitted (returned ones included).
- Overdue: on every working day after the due date while the assessment is not submitted.
Recipients: the assessed organisation's active users (for the ICB's own self-assessment, its staff)
and the ICB's designated professionals.
"""

from assurance import conf, rules
from assurance.choices import UNSUBMITTED_STATUSES
from assurance.models import Assessment
from core.choices import Role
from core.recipients import AddressBook
from core.reminders import Due
from core.working_calendars import Calendars


def collect(today):
    days = int(conf.get("ASSURANCE_DUE_SOON_WORKING_DAYS"))
    assessments = list(
        Assessment.objects.filter(status__in=UNSUBMITTED_STATUSES, cycle__archived_at=None, cycle__closed_at=None)
        .select_related("organisation", "cycle__framework")
        .order_by("pk")
    )
    if not assessments:
        return
    calendars = Calendars()
    emails = AddressBook()
    for assessment in assessments:
        cycle, organisation = assessment.cycle, assessment.organisation
        icb_id = cycle.icb_id
        calendar = calendars[icb_id]
        recipients = emails.emails(organisation.pk) + emails.emails(icb_id, {Role.DESIGNATED})
        name = f"{cycle.framework.name}, {cycle.period_label}"
        if rules.due_soon_today(assessment.status, cycle.due_date, today, calendar, days):
            yield Due(
                key=f"assurance:assessment-due:{assessment.pk}",
                recipients=recipients,
                subject=f"Self-assessment due in {days} working days: {organisation.name}",
                body=f"The safeguarding self-assessment '{name}' for {organisation.name} is due on "
                f"{cycle.due_date:%d %B %Y}. Its status is {assessment.get_status_display().lower()}.",
            )
        elif rules.overdue_today(assessment.status, cycle.due_date, today, calendar):
            yield Due(
                key=f"assurance:assessment-overdue:{assessment.pk}",
                recipients=recipients,
                subject=f"Self-assessment overdue: {organisation.name}",
                body=f"The safeguarding self-assessment '{name}' for {organisation.name} was due on "
                f"{cycle.due_date:%d %B %Y} and has not been submitted.",
            )
