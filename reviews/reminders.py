"""Reminders for `manage.py send_reminders`: review milestones and contributions due within
REVIEWS_REMINDER_WORKING_DAYS working days (default 5), and overdue ones."""

from core.choices import Role
from core.recipients import AddressBook
from core.reminders import Due
from core.working_calendars import Calendars
from reviews import conf, reports, rules
from reviews.choices import ACTIVE_STATUSES, ContributionStatus
from reviews.models import Contribution, Review

ICB_RECIPIENT_ROLES = {Role.DESIGNATED, Role.ADMINISTRATOR}


def _icb_team(emails, icb_id):
    return emails.emails(icb_id, ICB_RECIPIENT_ROLES)


def collect(today):
    emails = AddressBook()
    calendars = Calendars()
    soon = conf.setting("REVIEWS_REMINDER_WORKING_DAYS")
    for row in reports.milestone_rows(Review.objects.all(), today, states={rules.DUE_SOON, rules.OVERDUE}):
        review, milestone = row.review, row.milestone
        overdue = milestone.state == rules.OVERDUE
        yield Due(
            key=f"reviews:milestone-{'overdue' if overdue else 'due'}:{review.pk}:{milestone.rule.code}",
            recipients=_icb_team(emails, review.icb_id),
            subject=f"{'Overdue' if overdue else 'Due soon'}: {milestone.rule.name} ({review.reference})",
            body=f"{review.reference} {review.kind.name} ({review.subject_reference}): '{milestone.rule.name}' "
            f"{'was' if overdue else 'is'} due on {rules.fmt(milestone.due)} ({milestone.rule.description}).",
        )
    contributions = Contribution.objects.filter(
        status=ContributionStatus.REQUESTED,
        archived_at__isnull=True,
        involvement__archived_at__isnull=True,
        involvement__review__archived_at__isnull=True,
        involvement__review__status__in=ACTIVE_STATUSES,
    ).select_related("involvement__organisation", "involvement__review__kind")
    for contribution in contributions:
        review, organisation = contribution.involvement.review, contribution.involvement.organisation
        horizon = calendars[review.icb_id].add_working_days(today, soon)
        if contribution.due_date > horizon:
            continue
        overdue = contribution.due_date < today
        recipients = emails.emails(organisation.pk) + _icb_team(emails, review.icb_id)
        yield Due(
            key=f"reviews:contribution-{'overdue' if overdue else 'due'}:{contribution.pk}",
            recipients=recipients,
            subject=f"{'Overdue' if overdue else 'Due soon'}: {contribution.get_kind_display()} for {review.reference}",
            body=f"{organisation.name}: the {contribution.get_kind_display().lower()} for {review.reference} "
            f"{review.kind.name} ({review.subject_reference}) {'was' if overdue else 'is'} due on "
            f"{rules.fmt(contribution.due_date)}.",
        )
