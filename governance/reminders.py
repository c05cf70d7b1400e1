"""Reminders for `manage.py send_reminders`: policy reviews within GOVERNANCE_POLICY_REMINDER_DAYS (default
60) and overdue, risk reviews within GOVERNANCE_RISK_REMINDER_DAYS (default 14), provider annual reports due
within GOVERNANCE_ANNUAL_REPORT_REMINDER_DAYS (default 30) or missing, and monitoring checks due within their
reminder days (GOVERNANCE_MONITORING_REMINDER_DAYS, default 14, unless the check sets its own) or overdue.
ICB reminders go to the ICB's designated professionals and safeguarding administrators; annual-report
reminders also to the provider."""

import datetime as dt

from core.choices import Role
from core.recipients import AddressBook
from core.reminders import Due
from governance import conf, reports, rules
from governance.choices import RiskStatus
from governance.models import AnnualReport, MonitoringCheck, Policy, Risk

ICB_TEAM = {Role.DESIGNATED, Role.ADMINISTRATOR}


def collect(today):
    emails = AddressBook()
    yield from _policies(today, emails)
    yield from _risks(today, emails)
    yield from _annual_reports(today, emails)
    yield from _monitoring_checks(today, emails)


def _policies(today, emails):
    for row in reports.policy_rows(Policy.objects.all(), today):
        if row.state == rules.IN_DATE:
            continue
        policy, overdue = row.policy, row.state == rules.OVERDUE
        yield Due(
            key=f"governance:policy-{row.state}:{policy.pk}:{policy.next_review_on}",
            recipients=emails.emails(policy.organisation.icb_id, ICB_TEAM),
            subject=f"{'Policy review overdue' if overdue else 'Policy review due soon'}: {policy.title}",
            body=f"'{policy}' ({policy.organisation.name}, owner {policy.owner}) {'was' if overdue else 'is'} due for "
            f"review on {rules.fmt(policy.next_review_on)}."
            + (" It stays in force until its revision is approved." if overdue else ""),
        )


def _risks(today, emails):
    horizon = today + dt.timedelta(days=conf.setting("GOVERNANCE_RISK_REMINDER_DAYS"))
    risks = Risk.objects.filter(archived_at__isnull=True, status=RiskStatus.OPEN, review_date__lte=horizon)
    for risk in risks:
        overdue = risk.review_date < today
        yield Due(
            key=f"governance:risk-review:{risk.pk}:{risk.review_date}",
            recipients=emails.emails(risk.icb_id, ICB_TEAM),
            subject=f"{'Risk review overdue' if overdue else 'Risk review due soon'}: {risk}",
            body=f"{risk} (owner {risk.owner}, current score {risk.current_score}) "
            f"{'was' if overdue else 'is'} due for review on {rules.fmt(risk.review_date)}.",
        )


def _annual_reports(today, emails):
    horizon = today + dt.timedelta(days=conf.setting("GOVERNANCE_ANNUAL_REPORT_REMINDER_DAYS"))
    awaited = AnnualReport.objects.filter(
        archived_at__isnull=True, received_on__isnull=True, due_date__lte=horizon
    ).select_related("provider")
    for report in awaited:
        missing = report.due_date < today
        yield Due(
            key=f"governance:annual-report-{'missing' if missing else 'due'}:{report.pk}",
            recipients=emails.emails(report.provider_id) + emails.emails(report.provider.icb_id, ICB_TEAM),
            subject=f"{'Missing' if missing else 'Due soon'}: {report}",
            body=f"{report.provider.name}: the annual {report.get_subject_display().lower()} report for "
            f"{report.year_label} {'was' if missing else 'is'} due by {rules.fmt(report.due_date)}.",
        )


def _monitoring_checks(today, emails):
    for row in reports.monitoring_rows(MonitoringCheck.objects.all(), today):
        if row.state == rules.IN_DATE:
            continue
        check, overdue = row.check, row.state == rules.OVERDUE
        forum = f" for the {check.reviewing_committee.name}" if check.reviewing_committee else ""
        yield Due(
            key=f"governance:monitoring-{row.state}:{check.pk}:{row.next_due_on}",
            recipients=emails.emails(check.icb_id, ICB_TEAM),
            subject=f"{'Monitoring check overdue' if overdue else 'Monitoring check due soon'}: {check.title}",
            body=f"'{check.title}' (owner {check.owner}, {check.get_frequency_months_display().lower()}{forum}) "
            f"{'was' if overdue else 'is'} due on {rules.fmt(row.next_due_on)}.",
        )
