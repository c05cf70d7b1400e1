from django.urls import reverse
from django.utils import timezone

from core.choices import Role
from core.home import Panel
from governance import reports, rules
from governance.models import (
    ANNUAL_REPORT_READERS,
    COMMITTEE_READERS,
    POLICY_READERS,
    RISK_READERS,
    AnnualReport,
    MonitoringCheck,
    Policy,
    Risk,
)


def panels(user):
    """Governance needing attention: risks to escalate, overdue policy reviews, late or missing annual reports,
    overdue monitoring checks."""
    role = user.role
    if role not in RISK_READERS | POLICY_READERS | ANNUAL_REPORT_READERS:
        return []
    attention = reports.attention(
        (Policy.objects.restrict(user), Risk.objects.restrict(user), AnnualReport.objects.restrict(user)),
        timezone.localdate(),
        checks=MonitoringCheck.objects.restrict(user) if role in COMMITTEE_READERS else None,
    )
    items = []
    items += [
        (
            f"Monitoring check overdue: {row.check}",
            reverse("governance:monitoring-detail", args=[row.check.pk]),
            f"was due {rules.fmt(row.next_due_on)}, owner {row.check.owner}",
        )
        for row in attention["overdue_checks"]
    ]
    if role in RISK_READERS:
        items += [
            (f"Escalate {row.risk}", reverse("governance:risk-detail", args=[row.risk.pk]), f"score {row.score}")
            for row in attention["needs_escalation"]
        ]
    if role in POLICY_READERS:
        items += [
            (
                f"Policy review overdue: {row.policy}",
                reverse("governance:policy-detail", args=[row.policy.pk]),
                f"was due {rules.fmt(row.policy.next_review_on)}, still in force",
            )
            for row in attention["overdue_policies"]
        ]
    if role in ANNUAL_REPORT_READERS:
        items += [
            (
                str(report),
                reverse("governance:annual-report-detail", args=[report.pk]),
                rules.REPORT_LABELS[state].lower() + f", due {rules.fmt(report.due_date)}",
            )
            for report, state in attention["missing_reports"]
        ]
    title = "Your annual safeguarding reports" if role == Role.PROVIDER else "Governance needing attention"
    return [
        Panel(
            title,
            items=items[:20],
            count=len(items),
            empty_text="Nothing needs attention.",
            link=("Governance registers", reverse("governance:index")),
        )
    ]
