"""The one place this app reads its settings (`settings.VIGIL["GOVERNANCE_..."]`).

Each default comes from a source; docs/governance.md lists every key with its source.
"""

from core import conf

DEFAULTS = {
    # Months between policy reviews unless a policy sets its own [DDICB Monitoring: every 2 years].
    "GOVERNANCE_POLICY_REVIEW_MONTHS": 24,
    # Days before a policy's review date when it shows as "due soon" and reminders start.
    "GOVERNANCE_POLICY_REMINDER_DAYS": 60,
    # Risk grading bands on the score (likelihood x consequence, 1-25): [code, label, lowest score].
    # A score belongs to the last band whose lowest score it reaches. Usual NHS grading
    # [NPSA "A risk matrix for risk managers", 2008]: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
    "GOVERNANCE_RISK_BANDS": [
        ["low", "Low", 1],
        ["moderate", "Moderate", 4],
        ["high", "High", 8],
        ["extreme", "Extreme", 15],
    ],
    # A current score at or above this is escalated to a committee [CPCCG 8.2; SAAF 5.1.2].
    "GOVERNANCE_RISK_ESCALATION_THRESHOLD": 15,
    # Days before a risk's review date when reminders start.
    "GOVERNANCE_RISK_REMINDER_DAYS": 14,
    # Provider annual safeguarding reports for a financial year are due by this month and day of the
    # following year [CPCCG App. 3 11.a.3: "by August"].
    "GOVERNANCE_ANNUAL_REPORT_DUE_MONTH": 8,
    "GOVERNANCE_ANNUAL_REPORT_DUE_DAY": 31,
    # Days before an annual report is due when providers are reminded.
    "GOVERNANCE_ANNUAL_REPORT_REMINDER_DAYS": 30,
    # Days before a monitoring check is due when it shows as "due soon" and reminders start, unless the check
    # sets its own [DDICB Monitoring and Review of Policy].
    "GOVERNANCE_MONITORING_REMINDER_DAYS": 14,
    # Largest policy or annual-report document, in bytes (20 MB).
    "GOVERNANCE_DOCUMENT_MAX_BYTES": 20 * 1024 * 1024,
}


def setting(name, default=None):
    """A value from settings.VIGIL, else this app's default, else `default`."""
    return conf.setting(name, DEFAULTS, default)
