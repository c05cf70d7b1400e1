"""The read side of governance, for pages, the API, home panels and the `reporting` app's report builder.

Each function takes querysets (already restricted by the caller, or filtered to one ICB for a job) and
an "as at" date, so a report counts what was known on that date; each runs a fixed number of queries
whatever the number of records.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from governance import conf, rules
from governance.choices import PolicyStatus, RiskStatus
from governance.models import (
    AnnualReport,
    Committee,
    Meeting,
    MonitoringCheck,
    MonitoringCheckRecord,
    Policy,
    Risk,
    RiskEscalation,
    RiskScore,
)


def risk_bands():
    return rules.bands_from(conf.setting("GOVERNANCE_RISK_BANDS"))


def escalation_threshold():
    return int(conf.setting("GOVERNANCE_RISK_ESCALATION_THRESHOLD"))


def for_icb(icb_id):
    """Unrestricted querysets of one ICB's registers, for jobs and the report builder."""
    return {
        "committees": Committee.objects.filter(icb_id=icb_id),
        "meetings": Meeting.objects.filter(committee__icb_id=icb_id),
        "policies": Policy.objects.filter(organisation__icb_id=icb_id),
        "risks": Risk.objects.filter(icb_id=icb_id),
        "annual_reports": AnnualReport.objects.filter(provider__icb_id=icb_id),
        "monitoring_checks": MonitoringCheck.objects.filter(icb_id=icb_id),
    }


# --- Policies -------------------------------------------------------------------------------


@dataclass
class PolicyRow:
    policy: Policy
    state: str

    @property
    def label(self):
        return rules.REVIEW_LABELS[self.state]

    @property
    def tag(self):
        return rules.REVIEW_TAGS[self.state]


def policy_rows(policies, as_at):
    """Policies in force (approved) on `as_at`, each with its review state then (1 query)."""
    days = conf.setting("GOVERNANCE_POLICY_REMINDER_DAYS")
    in_force = (
        policies.filter(status=PolicyStatus.APPROVED, archived_at__isnull=True, approved_on__lte=as_at)
        .select_related("organisation", "approving_committee")
        .order_by("next_review_on", "title", "pk")
    )
    return [PolicyRow(policy, rules.review_state(policy.next_review_on, as_at, days)) for policy in in_force]


def policy_summary(policies, as_at):
    rows = policy_rows(policies, as_at)
    counts = dict.fromkeys(rules.REVIEW_LABELS, 0)
    for row in rows:
        counts[row.state] += 1
    return {
        "as_at": as_at,
        "counts": counts,
        "in_date": [r for r in rows if r.state == rules.IN_DATE],
        "due_soon": [r for r in rows if r.state == rules.DUE_SOON],
        "overdue": [r for r in rows if r.state == rules.OVERDUE],
    }


# --- Risks ----------------------------------------------------------------------------------


@dataclass
class RiskRow:
    risk: Risk
    likelihood: int
    consequence: int
    history: list  # [(date, score)] up to the as-at date
    escalations: list  # RiskEscalation up to the as-at date, newest first
    band: rules.Band
    needs_escalation: bool

    @property
    def score(self):
        return self.likelihood * self.consequence

    @property
    def trend_svg(self):
        return rules.trend_svg(self.history, title=f"Current score of {self.risk.reference} over time")


def risk_rows(risks, as_at, *, bands=None, threshold=None):
    """Open risks opened by `as_at`, each scored as it stood on `as_at` (3 queries)."""
    bands = bands or risk_bands()
    threshold = escalation_threshold() if threshold is None else threshold
    risks = (
        risks.filter(archived_at__isnull=True, status=RiskStatus.OPEN, opened_on__lte=as_at)
        .prefetch_related(
            Prefetch("scores", queryset=RiskScore.objects.filter(scored_on__lte=as_at).order_by("scored_on", "pk")),
            Prefetch(
                "escalations",
                queryset=RiskEscalation.objects.filter(escalated_on__lte=as_at).select_related("committee"),
            ),
        )
        .order_by("pk")
    )
    rows = []
    for risk in risks:
        scores = list(risk.scores.all())
        history = [(s.scored_on, s.score) for s in scores]
        last = scores[-1] if scores else None
        likelihood = last.likelihood if last else risk.current_likelihood
        consequence = last.consequence if last else risk.current_consequence
        escalations = list(risk.escalations.all())
        rows.append(
            RiskRow(
                risk=risk,
                likelihood=likelihood,
                consequence=consequence,
                history=history,
                escalations=escalations,
                band=rules.band_for(likelihood * consequence, bands),
                needs_escalation=rules.escalation_due(
                    history or [(as_at, likelihood * consequence)], [e.escalated_on for e in escalations], threshold
                ),
            )
        )
    rows.sort(key=lambda row: (-row.score, row.risk.pk))
    return rows


def risk_summary(risks, as_at, start=None):
    """Risks by band, the heatmap, risks needing escalation and escalations since `start` (3 queries)."""
    bands, threshold = risk_bands(), escalation_threshold()
    rows = risk_rows(risks, as_at, bands=bands, threshold=threshold)
    by_band = [(band, sum(1 for row in rows if row.band == band)) for band in reversed(bands)]
    escalations = [
        (row, escalation)
        for row in rows
        for escalation in row.escalations
        if start is None or escalation.escalated_on >= start
    ]
    return {
        "as_at": as_at,
        "rows": rows,
        "threshold": threshold,
        "by_band": by_band,
        "heatmap": heatmap_rows(rows, bands),
        "needs_escalation": [row for row in rows if row.needs_escalation],
        "escalations": sorted(escalations, key=lambda pair: pair[1].escalated_on, reverse=True),
    }


@dataclass
class HeatCell:
    likelihood: int
    consequence: int
    score: int
    count: int
    band: rules.Band


def heatmap_rows(rows, bands=None):
    """The 5x5 grid (likelihood 5 at the top, consequence 1 on the left) with a count of risks per cell."""
    bands = bands or risk_bands()
    grid = rules.heatmap((row.likelihood, row.consequence) for row in rows)
    return [
        (line[0][0], [HeatCell(lk, cq, score, count, rules.band_for(score, bands)) for lk, cq, score, count in line])
        for line in grid
    ]


# --- Committees -----------------------------------------------------------------------------


def meetings_in(meetings, start, end):
    """Meetings held from `start` to `end` with their papers and decisions (3 queries)."""
    return list(
        meetings.filter(date__gte=start, date__lte=end, archived_at__isnull=True)
        .select_related("committee")
        .prefetch_related("papers", "decisions")
        .order_by("date", "pk")
    )


def committee_summary(meetings, start, end):
    held = meetings_in(meetings, start, end)
    return {
        "meetings": held,
        "meeting_count": len(held),
        "paper_count": sum(len([p for p in m.papers.all() if not p.archived_at]) for m in held),
        "decisions": [(m, d) for m in held for d in m.decisions.all() if not d.archived_at],
    }


# --- Provider annual reports ----------------------------------------------------------------


@dataclass
class AnnualReportCounts:
    expected: int = 0
    received: int = 0
    late: int = 0
    missing: int = 0
    reviewed: int = 0
    awaited: int = 0
    rows: list = field(default_factory=list)


def annual_report_rows(reports, as_at, year=None):
    """Expected reports (of `year`, else every year) as they stood on `as_at`: (report, state) (1 query).
    An expectation follows from the year, so it counts whenever it was entered; receipts and reviews count
    from their dates."""
    reports = reports.filter(archived_at__isnull=True).select_related("provider")
    if year is not None:
        reports = reports.filter(year=year)
    rows = []
    for report in reports.order_by("-year", "provider__name", "subject"):
        received = report.received_on if report.received_on and report.received_on <= as_at else None
        reviewed = report.reviewed_on if received and report.reviewed_on and report.reviewed_on <= as_at else None
        rows.append((report, rules.annual_report_state(report.due_date, received, reviewed, as_at)))
    return rows


def annual_report_summary(reports, as_at, year=None):
    """Received (on time or late), missing and awaited counts, and the rows, as at `as_at` (1 query)."""
    counts = AnnualReportCounts(rows=annual_report_rows(reports, as_at, year))
    for report, state in counts.rows:
        counts.expected += 1
        if state == rules.MISSING:
            counts.missing += 1
        elif state == rules.AWAITED:
            counts.awaited += 1
        else:
            counts.received += 1
            counts.reviewed += state == rules.REVIEWED
            counts.late += report.received_on > report.due_date
    return counts


# --- The monitoring schedule ----------------------------------------------------------------


@dataclass
class CheckRow:
    check: MonitoringCheck
    last: MonitoringCheckRecord | None
    next_due_on: object
    state: str

    @property
    def label(self):
        return rules.CHECK_LABELS[self.state]

    @property
    def tag(self):
        return rules.REVIEW_TAGS[self.state]


def monitoring_rows(checks, as_at):
    """Active checks set up by `as_at`, each with the last check done by then, the next due date and the state
    on that date (2 queries)."""
    default_days = conf.setting("GOVERNANCE_MONITORING_REMINDER_DAYS")
    done = MonitoringCheckRecord.objects.filter(done_on__lte=as_at).order_by("-done_on", "-pk")
    active = (
        checks.filter(archived_at__isnull=True, created_at__date__lte=as_at)
        .select_related("reviewing_committee")
        .prefetch_related(Prefetch("records", queryset=done, to_attr="done_by_then"))
    )
    rows = []
    for check in active:
        last = check.done_by_then[0] if check.done_by_then else None
        due = rules.next_check_date(check.first_due_on, last.done_on if last else None, check.frequency_months)
        days = default_days if check.reminder_days is None else check.reminder_days
        rows.append(CheckRow(check, last, due, rules.check_state(due, as_at, days)))
    return sorted(rows, key=lambda row: (row.next_due_on, row.check.pk))


def monitoring_summary(checks, as_at):
    rows = monitoring_rows(checks, as_at)
    return {
        "as_at": as_at,
        "rows": rows,
        "overdue": [row for row in rows if row.state == rules.OVERDUE],
        "due_soon": [row for row in rows if row.state == rules.DUE_SOON],
    }


def attention(user_querysets, today, checks=None):
    """What needs attention now: overdue policies, risks needing escalation, late or missing annual reports and
    (with `checks`) overdue monitoring checks."""
    policies, risks, reports = user_querysets
    return {
        "overdue_policies": [row for row in policy_rows(policies, today) if row.state == rules.OVERDUE],
        "needs_escalation": [row for row in risk_rows(risks, today) if row.needs_escalation],
        "missing_reports": [(r, s) for r, s in annual_report_rows(reports, today) if s in (rules.MISSING, rules.LATE)],
        "overdue_checks": (
            [row for row in monitoring_rows(checks, today) if row.state == rules.OVERDUE] if checks is not None else []
        ),
    }


def governance_summary(icb_id, start, end, as_at):
    """Every section a governance report needs for one ICB and one period (a fixed number of queries)."""
    sets = for_icb(icb_id)
    return {
        "period": (start, end),
        "as_at": as_at,
        "policies": policy_summary(sets["policies"], as_at),
        "risks": risk_summary(sets["risks"], as_at, start=start),
        "committees": committee_summary(sets["meetings"], start, end),
        "annual_reports": annual_report_summary(sets["annual_reports"], as_at),
        "monitoring": monitoring_summary(sets["monitoring_checks"], as_at),
    }
