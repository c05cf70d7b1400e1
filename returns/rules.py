"""Pure rules of quarterly returns: quarters, due dates, rating schemes, validation. No database.

Sources: DOMAIN.md §4 [CPCCG App. 3 11.a.2, 11.a.5, 11.b; NEL 14.0, 15.0, Std 11; DDICB Safeguarding Training].
Percentages are always computed from numerator and denominator with exact fractions, never floats:
74.99 % is red, exactly 75 % and exactly 90 % are amber, 90.01 % is green.
"""

import calendar as std_calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from core.quarters import Quarter as Quarter  # re-exported: quarters are core's, used throughout returns
from core.quarters import last_ended_quarter as last_ended_quarter
from core.quarters import quarters_up_to as quarters_up_to

RED, AMBER, GREEN, NONE = "red", "amber", "green", "none"
RATINGS = (RED, AMBER, GREEN, NONE)
GAP = "gap"  # placeholder in a band: the rating the ICB chose for a range the sources leave undefined
ERROR, WARNING = "error", "warning"
SEVERITY_ORDER = {RED: 0, AMBER: 1, GREEN: 2, NONE: 3}


def due_date(quarter, calendar, working_days):
    """A return is due `working_days` working days after the quarter ends (England + the ICB's closure days)."""
    return calendar.add_working_days(quarter.end, working_days)


def is_late(due, submitted_on):
    """Submitted after the due date (a return submitted on the due date is on time)."""
    return submitted_on is not None and submitted_on > due


def is_missing(due, submitted_on, today):
    """Not submitted and the due date has passed."""
    return submitted_on is None and today > due


def days_until(due, today, calendar):
    return calendar.working_days_between(today, due)


# ----------------------------------------------------------------------------------------- rating schemes

OPS = {
    "gt": lambda value, threshold: value > threshold,
    "ge": lambda value, threshold: value >= threshold,
}


@dataclass(frozen=True)
class Scheme:
    """How a metric is rated.

    kind "bands": `bands` are (op, threshold %, rating) checked in order; the first that holds gives the
    rating, otherwise `otherwise`. A rating of GAP in a band is replaced by the ICB's chosen rating for the
    range the sources leave undefined. `require_breakdown` names the breakdowns without which the figure
    is red whatever its value. `target` is a percentage shown as met / not met next to the rating.
    kind "yes_no": yes is `yes`, no is `no`. kind "deadline": a date on or before the deadline
    (`month`/`day` of the calendar year after the financial year starts) is green, later is `late` (red unless
    the scheme says otherwise), none after the deadline is red. kind "none": not rated.
    """

    kind: str = "none"
    bands: tuple = ()
    otherwise: str = RED
    require_breakdown: tuple = ()
    target: Decimal | None = None
    yes: str = GREEN
    no: str = RED
    month: int = 8
    day: int = 31
    late: str = RED
    gap_rating: str = RED

    @classmethod
    def from_dict(cls, data, *, gap_rating=RED):
        data = dict(data or {})
        bands = tuple((op, Decimal(str(threshold)), rating) for op, threshold, rating in data.get("bands", ()))
        target = data.get("target")
        return cls(
            kind=data.get("kind", "none"),
            bands=bands,
            otherwise=data.get("otherwise", RED),
            require_breakdown=tuple(data.get("require_breakdown", ())),
            target=Decimal(str(target)) if target not in (None, "") else None,
            yes=data.get("yes", GREEN),
            no=data.get("no", RED),
            month=int(data.get("month", 8)),
            day=int(data.get("day", 31)),
            late=data.get("late", RED),
            gap_rating=data.get("gap_rating", gap_rating),
        )

    def to_dict(self):
        data = {"kind": self.kind}
        if self.kind == "bands":
            data |= {
                "bands": [[op, str(threshold), rating] for op, threshold, rating in self.bands],
                "otherwise": self.otherwise,
                "require_breakdown": list(self.require_breakdown),
                "gap_rating": self.gap_rating,
            }
            if self.target is not None:
                data["target"] = str(self.target)
        elif self.kind == "yes_no":
            data |= {"yes": self.yes, "no": self.no}
        elif self.kind == "deadline":
            data |= {"month": self.month, "day": self.day}
            if self.late != RED:
                data["late"] = self.late
        return data

    def describe(self):
        if self.kind == "bands":
            words = {"gt": "above", "ge": "at or above"}
            parts = [
                f"{self._resolve(rating)} {words[op]} {threshold.normalize():f} %"
                for op, threshold, rating in self.bands
            ]
            text = "; ".join(parts) + f"; otherwise {self.otherwise}"
            if self.require_breakdown:
                text += (
                    f"; red if not broken down by {' and '.join(b.replace('_', ' ') for b in self.require_breakdown)}"
                )
            if self.target is not None:
                text += f"; target {self.target.normalize():f} %"
            return text
        if self.kind == "yes_no":
            return f"yes {self.yes}, no {self.no}"
        if self.kind == "deadline":
            deadline = f"{self.day} {std_calendar.month_name[self.month]} after the year ends"
            if self.late != RED:
                return f"green if on or before {deadline}, {self.late} if later, red if not submitted after it"
            return f"green if on or before {deadline}, else red"
        return "not rated"

    def _resolve(self, rating):
        return self.gap_rating if rating == GAP else rating


def percentage(numerator, denominator):
    """The exact percentage as a Fraction, or None when the denominator is missing or zero."""
    if numerator is None or not denominator:
        return None
    return Fraction(int(numerator) * 100, int(denominator))


def rate_percentage(scheme, pct, *, broken_down_by=frozenset()):
    """Rate an exact percentage (a Fraction) with a bands scheme."""
    if pct is None:
        return NONE
    if any(name not in broken_down_by for name in scheme.require_breakdown):
        return RED
    for op, threshold, rating in scheme.bands:
        if OPS[op](pct, Fraction(threshold)):
            return scheme._resolve(rating)
    return scheme._resolve(scheme.otherwise)


def rate(scheme, *, unit, numerator=None, denominator=None, date_value=None, broken_down_by=frozenset(), quarter=None):
    """The rating of one value under `scheme`."""
    if scheme.kind == "bands" and unit == "percentage":
        return rate_percentage(scheme, percentage(numerator, denominator), broken_down_by=broken_down_by)
    if scheme.kind == "yes_no" and numerator is not None:
        return scheme.yes if numerator else scheme.no
    if scheme.kind == "deadline" and quarter is not None:
        deadline = deadline_of(scheme, quarter)
        if date_value is not None:
            return GREEN if date_value <= deadline else scheme.late
        return RED if quarter.end > deadline else NONE
    return NONE


def deadline_of(scheme, quarter):
    """The date a deadline scheme's figure is due by, for the financial year of `quarter`."""
    return dt.date(quarter.fy + 1 if scheme.month < 4 else quarter.fy, scheme.month, scheme.day)


def target_met(scheme, numerator, denominator):
    pct = percentage(numerator, denominator)
    if scheme.target is None or pct is None:
        return None
    return pct >= Fraction(scheme.target)


def scheme_in_force(default, overrides, quarter_index):
    """The scheme for a quarter: the override with the latest effective-from quarter not after it, else the
    catalogue default. `overrides` are (effective_from_index, created_order, scheme); the later entered wins
    when two take effect in the same quarter."""
    applicable = [o for o in overrides if o[0] <= quarter_index]
    return max(applicable, key=lambda o: (o[0], o[1]))[2] if applicable else default


def worst(ratings):
    rated = [r for r in ratings if r != NONE]
    return min(rated, key=SEVERITY_ORDER.__getitem__) if rated else NONE


# -------------------------------------------------------------------------------------------- validation


class NotANumber(ValueError):
    pass


MAX_FIGURE = 2**63 - 1  # the largest number a figure's 64-bit column holds


def parse_number(raw):
    """A cell or field as a Decimal; None when blank. Refuses text that is not a number, and a
    number beyond what a figure's column holds (MAX_FIGURE either way)."""
    value = _as_decimal(raw)
    if value is not None and not value.is_finite():
        raise NotANumber(f"'{raw}' is not a number")
    if value is not None and abs(value) > MAX_FIGURE:
        raise NotANumber(f"is too large: a figure is at most {MAX_FIGURE:,}")
    return value


def _as_decimal(raw):
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NotANumber("is not a number")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace(",", "")
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise NotANumber(f"'{raw}' is not a number") from error
    if not value.is_finite():
        raise NotANumber(f"'{raw}' is not a number")
    return value


def parse_yes_no(raw):
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, bool):
        return Decimal(int(raw))
    text = str(raw).strip().lower()
    if text in {"yes", "y", "1", "true"}:
        return Decimal(1)
    if text in {"no", "n", "0", "false"}:
        return Decimal(0)
    raise NotANumber(f"'{raw}' is not yes or no")


def parse_date(raw):
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError as error:
        raise NotANumber(f"'{raw}' is not a date (write it as 2026-08-31)") from error


@dataclass(frozen=True)
class MetricSpec:
    """What validation needs to know of a metric (built from the catalogue)."""

    code: str
    title: str
    unit: str
    breakdowns: dict = field(default_factory=dict)  # dimension -> tuple of category codes


@dataclass
class Entry:
    """One metric's figures in a return: totals, breakdown rows {dimension: {category: (num, den)}}, explanation."""

    numerator: Decimal | None = None
    denominator: Decimal | None = None
    date_value: dt.date | None = None
    explanation: str = ""
    breakdown: dict = field(default_factory=dict)

    def broken_down_by(self):
        return frozenset(d for d, rows in self.breakdown.items() if any(v[0] is not None for v in rows.values()))


@dataclass(frozen=True)
class Problem:
    severity: str
    rule: str
    metric: str
    message: str
    breakdown: str = ""  # "dimension" or "dimension: category"
    field: str = ""  # numerator / denominator / date / explanation

    def where(self):
        return " / ".join(filter(None, [self.metric, self.breakdown, self.field]))


@dataclass(frozen=True)
class RuleSetting:
    code: str
    severity: str
    parameter: Decimal | None = None
    active: bool = True


DEFAULT_RULES = {
    "whole_non_negative": RuleSetting("whole_non_negative", ERROR),
    "numerator_within_denominator": RuleSetting("numerator_within_denominator", ERROR),
    "breakdown_complete": RuleSetting("breakdown_complete", ERROR),
    "breakdown_sums": RuleSetting("breakdown_sums", ERROR),
    "breakdown_given": RuleSetting("breakdown_given", WARNING),
    "change_percentage_points": RuleSetting("change_percentage_points", WARNING, Decimal("10")),
    "change_count_percent": RuleSetting("change_count_percent", WARNING, Decimal("50")),
}


# A count must move by at least this many (as well as by more than the rule's percentage) before the change
# needs explaining: 2 -> 0 allegations is a 100 % change but not a signal. Vigil's choice (the sources give
# no figure); an ICB changes it with RETURNS_CHANGE_MIN_ABSOLUTE (returns/conf.py).
DEFAULT_MIN_COUNT_CHANGE = 3


def count_change_needs_explaining(before, now, *, percent, min_absolute=DEFAULT_MIN_COUNT_CHANGE):
    """Whether a count that went from `before` to `now` moved enough to need an explanation: by at least
    `min_absolute` in number AND by more than `percent` % of `before`. From zero there is no percentage: only
    the absolute rule applies (0 -> 5 needs explaining, 0 -> 2 does not)."""
    before, now = Fraction(before), Fraction(now)
    moved = abs(now - before)
    if moved < min_absolute:
        return False
    if before == 0:
        return True
    return moved * 100 / before > Fraction(percent)


def _fmt(value):
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def validate(specs, entries, *, previous=None, rules=None, min_count_change=DEFAULT_MIN_COUNT_CHANGE):
    """Every problem in a return. `specs` is {code: MetricSpec}; `entries` {code: Entry}; `previous` the
    previous quarter's entries (for the change rule); `rules` {code: RuleSetting} (the rules as data);
    `min_count_change` the smallest change of a count that can need explaining."""
    rules = {**DEFAULT_RULES, **(rules or {})}
    previous = previous or {}
    problems = []

    def on(code):
        rule = rules.get(code)
        return rule if rule and rule.active else None

    def add(rule, metric, message, **where):
        problems.append(Problem(rule.severity, rule.code, metric, message, **where))

    for code, entry in entries.items():
        spec = specs[code]
        numbers = [("numerator", entry.numerator), ("denominator", entry.denominator)]
        for dimension, rows in entry.breakdown.items():
            for category, (num, den) in rows.items():
                numbers += [(f"{dimension}: {category}|numerator", num), (f"{dimension}: {category}|denominator", den)]
        if rule := on("whole_non_negative"):
            for where, value in numbers:
                if value is not None and (value < 0 or value != value.to_integral_value()):
                    breakdown, _, name = where.rpartition("|")
                    add(
                        rule,
                        code,
                        f"must be a whole number, not negative (got {_fmt(value)})",
                        breakdown=breakdown,
                        field=name,
                    )
        if spec.unit == "percentage":
            if rule := on("numerator_within_denominator"):
                if (
                    entry.numerator is not None
                    and entry.denominator is not None
                    and entry.numerator > entry.denominator
                ):
                    add(
                        rule,
                        code,
                        f"numerator {_fmt(entry.numerator)} is above denominator {_fmt(entry.denominator)}",
                        field="numerator",
                    )
                for dimension, rows in entry.breakdown.items():
                    for category, (num, den) in rows.items():
                        if num is not None and den is not None and num > den:
                            add(
                                rule,
                                code,
                                f"numerator {_fmt(num)} is above denominator {_fmt(den)}",
                                breakdown=f"{dimension}: {category}",
                                field="numerator",
                            )
            if (entry.numerator is None) != (entry.denominator is None) and (rule := on("breakdown_complete")):
                missing = "denominator" if entry.denominator is None else "numerator"
                add(rule, code, f"the {missing} is missing", field=missing)
        if spec.unit in ("percentage", "count"):
            problems += _breakdown_problems(spec, entry, on)
        problems += _change_problems(spec, entry, previous.get(code), on, min_count_change)
    return problems


def _breakdown_problems(spec, entry, on):
    problems = []
    percent = spec.unit == "percentage"
    has_total = entry.numerator is not None
    for dimension, categories in spec.breakdowns.items():
        rows = entry.breakdown.get(dimension, {})
        filled = {c: v for c, v in rows.items() if v[0] is not None or v[1] is not None}
        if not filled:
            rule = on("breakdown_given")
            if rule and has_total:
                problems.append(
                    Problem(
                        rule.severity,
                        rule.code,
                        spec.code,
                        "is not broken down (it will be rated red if the scheme requires the breakdown): say why",
                        breakdown=dimension,
                        field="explanation",
                    )
                )
            continue
        if rule := on("breakdown_complete"):
            for category in categories:
                num, den = rows.get(category, (None, None))
                blanks = ["numerator"] if num is None else []
                if percent and den is None:
                    blanks.append("denominator")
                for name in blanks:
                    problems.append(
                        Problem(
                            rule.severity,
                            rule.code,
                            spec.code,
                            "breakdown value is missing",
                            breakdown=f"{dimension}: {category}",
                            field=name,
                        )
                    )
        if (rule := on("breakdown_sums")) and has_total:
            num_sum = sum((v[0] for v in filled.values() if v[0] is not None), Decimal(0))
            if num_sum != entry.numerator:
                problems.append(
                    Problem(
                        rule.severity,
                        rule.code,
                        spec.code,
                        f"breakdown numerators add up to {_fmt(num_sum)}, not the total {_fmt(entry.numerator)}",
                        breakdown=dimension,
                        field="numerator",
                    )
                )
            if percent and entry.denominator is not None:
                den_sum = sum((v[1] for v in filled.values() if v[1] is not None), Decimal(0))
                if den_sum != entry.denominator:
                    problems.append(
                        Problem(
                            rule.severity,
                            rule.code,
                            spec.code,
                            f"breakdown denominators add up to {_fmt(den_sum)}, not the total "
                            f"{_fmt(entry.denominator)}",
                            breakdown=dimension,
                            field="denominator",
                        )
                    )
    return problems


def _change_problems(spec, entry, before, on, min_count_change=DEFAULT_MIN_COUNT_CHANGE):
    if before is None or entry.numerator is None or before.numerator is None:
        return []
    if spec.unit == "percentage":
        rule = on("change_percentage_points")
        now, then = percentage(entry.numerator, entry.denominator), percentage(before.numerator, before.denominator)
        if rule is None or now is None or then is None:
            return []
        change = abs(now - then)
        if change > Fraction(rule.parameter):
            return [
                Problem(
                    rule.severity,
                    rule.code,
                    spec.code,
                    f"changed by {float(change):.1f} percentage points from the previous quarter "
                    f"(more than {_fmt(rule.parameter)}): explain the change",
                    field="explanation",
                )
            ]
    elif spec.unit == "count":
        rule = on("change_count_percent")
        if rule is None or not count_change_needs_explaining(
            before.numerator, entry.numerator, percent=rule.parameter, min_absolute=min_count_change
        ):
            return []
        if before.numerator:
            change = abs(Fraction(entry.numerator) - Fraction(before.numerator)) * 100 / Fraction(before.numerator)
            how = f"changed by {float(change):.0f} % from the previous quarter"
        else:
            how = f"rose from 0 to {_fmt(entry.numerator)} since the previous quarter"
        return [
            Problem(
                rule.severity,
                rule.code,
                spec.code,
                f"{how} (more than {_fmt(rule.parameter)} % and by at least {min_count_change}): explain the change",
                field="explanation",
            )
        ]
    return []


def blocking(problems, entries):
    """Problems that stop a submission: every error, and every warning whose metric has no explanation."""
    return [
        p
        for p in problems
        if p.severity == ERROR or not (entries.get(p.metric) and entries[p.metric].explanation.strip())
    ]


# ------------------------------------------------------------------------------------ judged metrics

JUDGEMENT_RATINGS = (RED, AMBER, GREEN)
NUMBER, JUDGEMENT, BOTH = "number", "judgement", "both"


@dataclass(frozen=True)
class Combined:
    """A metric rated on a number and on the ICB's judgement of the evidence [CPCCG App. 3 11.a.2, 11.a.5, 11.b].

    `rating` is what the matrix shows; `driver` says which part set it (NUMBER, JUDGEMENT or BOTH);
    `to_rate` is true while the ICB has not judged the evidence, when the numeric rating stands alone."""

    rating: str
    numeric: str
    judged: str | None
    driver: str
    to_rate: bool


def combine(numeric, judged, *, cap=True):
    """The numeric band capped by the judgement [CPCCG App. 3 11.a.2, 11.a.5, 11.b]: green only with the evidence
    judged present (a judgement of green); any other judgement caps the figure at amber, "the percentage band with no
    such evidence" (red stays the number's to give: under 75 %, or not broken down). Without a judgement yet, or with
    the cap switched off (an ICB that rates numbers only), the numeric rating stands. No figure, no rating."""
    if numeric == NONE:
        return Combined(NONE, numeric, judged, NUMBER, judged is None)
    if judged is None or not cap:
        return Combined(numeric, numeric, judged, NUMBER, judged is None)
    ceiling = GREEN if judged == GREEN else AMBER
    rating = worst([numeric, ceiling])
    driver = BOTH if numeric == ceiling else JUDGEMENT if rating == ceiling else NUMBER
    return Combined(rating, numeric, judged, driver, False)


def judgement_problems(rating, reason, allowed=JUDGEMENT_RATINGS):
    """{field: message} for a judgement the ICB is about to record (one of `allowed`, the ratings the metric has
    descriptors for); empty when it may be saved."""
    if rating not in allowed:
        return {"rating": f"Choose {' or '.join(r for r in JUDGEMENT_RATINGS if r in allowed)}."}
    if rating != GREEN and not (reason or "").strip():
        return {"reason": f"Give the reason for rating it {rating}: a rating other than green needs one."}
    return {}
