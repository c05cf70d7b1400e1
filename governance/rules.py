"""Pure rules of governance: policy review dates, risk scores and bands, escalation, annual-report
due dates and states, the 5x5 heatmap and the score trend drawn as SVG.

No database here: settings, dates and bands are passed in.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from core.calendar import add_calendar_months

# --- Policies -------------------------------------------------------------------------------

IN_DATE, DUE_SOON, OVERDUE = "in_date", "due_soon", "overdue"
REVIEW_LABELS = {IN_DATE: "In date", DUE_SOON: "Review due soon", OVERDUE: "Review overdue"}
REVIEW_TAGS = {IN_DATE: "green", DUE_SOON: "yellow", OVERDUE: "red"}


def interval_problem(months):
    """None when `months` is a usable review interval, else the message."""
    if months is None or isinstance(months, bool) or not isinstance(months, int) or months < 1:
        return "Enter a review interval of at least 1 month."
    return None


def next_review_date(approved_on, interval_months):
    """The date a policy approved on `approved_on` is next reviewed: the same day `interval_months` later,
    clamped to the month's end (approved 31 January, reviewed monthly: 28 or 29 February)."""
    if problem := interval_problem(interval_months):
        raise ValueError(problem)
    if approved_on is None:
        return None
    return add_calendar_months(approved_on, interval_months)


def review_state(next_review, today, due_soon_days):
    """In date, due soon (within `due_soon_days` days) or overdue (the day after the review date).
    A policy with no review date (never approved) is in date: a draft is not yet in force."""
    if next_review is None or next_review - today > dt.timedelta(days=due_soon_days):
        return IN_DATE
    return OVERDUE if today > next_review else DUE_SOON


# --- The monitoring schedule ------------------------------------------------------------------
# Recurring internal checks from the policies' monitoring tables [DDICB Monitoring and Review of Policy].
# A check is due `frequency_months` after it was last done (or on its first due date when never done); it
# is due soon within its reminder days and overdue from the day after the due date. The states are the
# policy review's (IN_DATE, DUE_SOON, OVERDUE).

CHECK_LABELS = {IN_DATE: "In date", DUE_SOON: "Check due soon", OVERDUE: "Check overdue"}


def next_check_date(first_due_on, last_done_on, frequency_months):
    """The date the next check is due: `frequency_months` after the last one done (the same day, clamped to
    the month's end), else the first due date."""
    if problem := interval_problem(frequency_months):
        raise ValueError(problem)
    if last_done_on is None:
        return first_due_on
    return add_calendar_months(last_done_on, frequency_months)


def check_state(next_due_on, today, reminder_days):
    """In date, due soon (within `reminder_days` days) or overdue (the day after the due date)."""
    return review_state(next_due_on, today, reminder_days)


# --- Risks ----------------------------------------------------------------------------------

SCALE = range(1, 6)
LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
CONSEQUENCE_LABELS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}
SCORE_KINDS = ("initial", "current", "target")
BAND_TAGS = {"low": "green", "moderate": "yellow", "high": "orange", "extreme": "red"}


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    lowest: int

    @property
    def tag(self):
        return BAND_TAGS.get(self.code, "grey")


def bands_from(setting):
    """Bands from the setting ([[code, label, lowest], ...]), lowest first; refuses an unusable list."""
    bands = sorted(
        (Band(str(code), str(label), int(lowest)) for code, label, lowest in setting), key=lambda b: b.lowest
    )
    if not bands or bands[0].lowest != 1 or len({b.lowest for b in bands}) != len(bands):
        raise ValueError("Risk bands must start at a score of 1 and each begin at a different score.")
    return bands


def score_problems(values):
    """{field: message} for each likelihood or consequence in `values` ({field: value}) outside 1-5."""
    return {
        name: "Enter a whole number from 1 to 5."
        for name, value in values.items()
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE
    }


def risk_score(likelihood, consequence):
    if score_problems({"likelihood": likelihood, "consequence": consequence}):
        raise ValueError("Likelihood and consequence are whole numbers from 1 to 5.")
    return likelihood * consequence


def band_for(score, bands):
    """The last band whose lowest score `score` reaches (with the usual bands, 7, 13 and 14 cannot occur)."""
    if score is None:
        return None
    return [band for band in bands if score >= band.lowest][-1]


def needs_escalation(score, threshold):
    return score is not None and score >= threshold


def heatmap(pairs):
    """Counts per cell from (likelihood, consequence) pairs: rows of likelihood 5 down to 1, each a list of
    (consequence 1..5, likelihood, consequence, score, count)."""
    counts = {}
    for likelihood, consequence in pairs:
        counts[(likelihood, consequence)] = counts.get((likelihood, consequence), 0) + 1
    return [
        [
            (likelihood, consequence, likelihood * consequence, counts.get((likelihood, consequence), 0))
            for consequence in SCALE
        ]
        for likelihood in reversed(SCALE)
    ]


# --- Provider annual reports ----------------------------------------------------------------

AWAITED, MISSING, RECEIVED, LATE, REVIEWED = "awaited", "missing", "received", "late", "reviewed"
REPORT_LABELS = {
    AWAITED: "Awaited",
    MISSING: "Missing (past due)",
    RECEIVED: "Received",
    LATE: "Received late",
    REVIEWED: "Reviewed",
}
REPORT_TAGS = {AWAITED: "blue", MISSING: "red", RECEIVED: "green", LATE: "yellow", REVIEWED: "green"}


def financial_year_label(year):
    """2025 -> "2025/26" (the financial year from April 2025 to March 2026)."""
    return f"{year}/{(year + 1) % 100:02d}"


def annual_report_due(year, month, day):
    """A report on the financial year starting in April `year` is due by `day` `month` of `year + 1`,
    clamped to the month's end."""
    return dt.date(year + 1, month, min(day, calendar.monthrange(year + 1, month)[1]))


def annual_report_state(due, received_on, reviewed_on, today):
    """Missing once past due and not received; late when received after the due date; reviewed once the
    ICB has given its feedback (late stays late until then)."""
    if received_on is None:
        return MISSING if today > due else AWAITED
    if reviewed_on is not None:
        return REVIEWED
    return LATE if received_on > due else RECEIVED


# --- Score trend as SVG (server-side, no script, nothing from another origin) ---------------

SVG_WIDTH, SVG_HEIGHT, SVG_PAD = 360, 150, 28


def trend_svg(points, *, title):
    """An inline SVG line of scores over time. `points`: [(date, score)] in date order. Scores run 0-25
    up the side; each point is labelled with its score; the title and description give a text alternative."""
    if not points:
        return ""
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    inner_w, inner_h = SVG_WIDTH - 2 * SVG_PAD, SVG_HEIGHT - 2 * SVG_PAD

    def x(day):
        return SVG_PAD + (inner_w * (day - first).days / span if len(points) > 1 else inner_w / 2)

    def y(score):
        return SVG_PAD + inner_h * (1 - score / 25)

    coords = [(round(x(day), 1), round(y(score), 1)) for day, score in points]
    description = "; ".join(f"{day:%d %b %Y}: {score}" for day, score in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" role="img" '
        f'aria-labelledby="trend-title trend-desc" class="vigil-trend" width="{SVG_WIDTH}" height="{SVG_HEIGHT}">',
        f'<title id="trend-title">{escape(title)}</title><desc id="trend-desc">{escape(description)}</desc>',
    ]
    for mark in (0, 5, 10, 15, 20, 25):
        parts.append(
            f'<line x1="{SVG_PAD}" x2="{SVG_WIDTH - SVG_PAD}" y1="{y(mark):.1f}" y2="{y(mark):.1f}" stroke="#d8dde0"/>'
            f'<text x="{SVG_PAD - 4}" y="{y(mark) + 4:.1f}" font-size="10" text-anchor="end">{mark}</text>'
        )
    parts.append(
        f'<polyline fill="none" stroke="#005eb8" stroke-width="2" points="{" ".join(f"{a},{b}" for a, b in coords)}"/>'
    )
    for (cx, cy), (_, score) in zip(coords, points, strict=True):
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="3" fill="#005eb8"/>'
            f'<text x="{cx}" y="{cy - 6}" font-size="10" text-anchor="middle">{score}</text>'
        )
    parts.append(
        f'<text x="{SVG_PAD}" y="{SVG_HEIGHT - 6}" font-size="10">{first:%d %b %Y}</text>'
        f'<text x="{SVG_WIDTH - SVG_PAD}" y="{SVG_HEIGHT - 6}" font-size="10" text-anchor="end">{last:%d %b %Y}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def escalation_due(history, escalation_dates, threshold):
    """Does a risk need escalating? Yes when its latest score (history: [(date, score)] in order) is at or
    over `threshold` and no escalation is dated on or after the day its score last reached the threshold."""
    if not history or history[-1][1] < threshold:
        return False
    reached = history[-1][0]
    for day, score in reversed(history):
        if score < threshold:
            break
        reached = day
    return not any(day >= reached for day in escalation_dates)


def fmt(day):
    return f"{day.day} {day:%B %Y}"
