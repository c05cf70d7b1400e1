"""Pure rules of the casework registers: clocks, validations and pseudonym warnings. No database.

Every clock takes a `core.calendar.WorkingCalendar`, so bank holidays and the ICB's closure
days count the same way everywhere.
"""

import datetime as dt
from dataclasses import dataclass

from casework.choices import EmploymentOutcome
from core.identifiers import identifier_warnings
from core.quarters import Quarter

# ---------------------------------------------------------------------------------------------
# Clocks


def allegation_inform_due(made_on, calendar, working_days=1):
    """The LADO and the designated nurse or doctor must be told within one working day of the
    allegation [NEL Std 10]: the allegation day never counts, so Friday (any time) -> Monday,
    or Tuesday when Monday is a bank holiday; a Saturday allegation -> Monday."""
    return calendar.add_working_days(made_on, working_days)


def referral_follow_up_due(telephoned_at, calendar, hours=48):
    """Written follow-up of a telephone referral: `hours` clock hours after the call
    [DDICB What to do: 48; DUDLEY 15.2: 24]. Choice: clock hours, not working hours; when the
    deadline falls on a non-working day it rolls to the next working day at the same time of day.
    `telephoned_at` is an aware or naive local datetime; the result has the same tzinfo."""
    due = telephoned_at + dt.timedelta(hours=hours)
    day = calendar.next_working_day(due.date(), include_start=True)
    return due.replace(year=day.year, month=day.month, day=day.day)


def referral_outcome_chase_due(telephoned_on, calendar, working_days=3):
    """If the outcome is not known within three working days, chase it [DUDLEY 15.3]."""
    return calendar.add_working_days(telephoned_on, working_days)


def chn_meeting_window(return_deadline, calendar, earliest=7, latest=10, day_kind="calendar"):
    """The health professionals meeting falls 7-10 days after the information return deadline
    [CPCCG App. 6]. `day_kind` "calendar": calendar days, the window's start rolled forward and its
    end rolled back to working days (never before the start); "working": working days."""
    if day_kind == "working":
        return calendar.add_working_days(return_deadline, earliest), calendar.add_working_days(return_deadline, latest)
    if day_kind != "calendar":
        raise ValueError(f"unknown day kind {day_kind!r}")
    start = calendar.next_working_day(return_deadline + dt.timedelta(days=earliest), include_start=True)
    end = return_deadline + dt.timedelta(days=latest)
    while end > start and not calendar.is_working_day(end):
        end -= dt.timedelta(days=1)
    return start, max(start, end)


DUE, DUE_TODAY, OVERDUE, OUTSTANDING = "due", "due_today", "overdue", "outstanding"
STATUS_LABELS = {DUE: "Due", DUE_TODAY: "Due today", OVERDUE: "Overdue", OUTSTANDING: "Outstanding"}
STATUS_TAGS = {
    DUE: "nhsuk-tag--grey",
    DUE_TODAY: "nhsuk-tag--yellow",
    OVERDUE: "nhsuk-tag--red",
    OUTSTANDING: "nhsuk-tag--yellow",
}


def clock_status(due, now):
    """Where a clock stands at `now` (a date, or an aware datetime for hour clocks).

    A date clock is overdue from the day after its due day; a datetime clock from the moment
    after its due time. No due date: "outstanding" (something to do, no deadline in the sources)."""
    if due is None:
        return OUTSTANDING
    if isinstance(due, dt.datetime):
        now_dt = now if isinstance(now, dt.datetime) else None
        if now_dt is None:
            return OVERDUE if due.date() < now else (DUE_TODAY if due.date() == now else DUE)
        if due < now_dt:
            return OVERDUE
        return DUE_TODAY if due.date() == now_dt.date() else DUE
    today = now.date() if isinstance(now, dt.datetime) else now
    if due < today:
        return OVERDUE
    return DUE_TODAY if due == today else DUE


# ---------------------------------------------------------------------------------------------
# Validation: each returns {field: message}; empty when the record is sound.


def allegation_problems(
    *,
    made_on,
    icb_learnt_on=None,
    lado_informed_on=None,
    designated_informed_on=None,
    outcome="",
    closed_on=None,
    employment_outcome="",
    dbs_referral_on=None,
    today=None,
):
    problems = {}
    if made_on and today and made_on > today:
        problems["made_on"] = "The date the allegation was made cannot be in the future."
    for name, value, label in (
        ("icb_learnt_on", icb_learnt_on, "The date the ICB learnt of it"),
        ("lado_informed_on", lado_informed_on, "The date the LADO was informed"),
        ("designated_informed_on", designated_informed_on, "The date the designated professional was informed"),
        ("closed_on", closed_on, "The closure date"),
        ("dbs_referral_on", dbs_referral_on, "The DBS referral date"),
    ):
        if made_on and value and value < made_on:
            problems[name] = f"{label} cannot be before the allegation was made ({made_on:%d %B %Y})."
    if outcome and not closed_on:
        problems.setdefault("closed_on", "Enter the closure date: an allegation with an outcome is closed.")
    if closed_on and not outcome:
        problems.setdefault("outcome", "Choose the outcome before closing the allegation.")
    if outcome and dbs_referral_required(employment_outcome) and not dbs_referral_on:
        problems.setdefault(
            "dbs_referral_on",
            "The person was removed or resigned: a DBS barring referral is required. Enter the date it was made.",
        )
    return problems


def dbs_referral_required(employment_outcome):
    """A referral to the Disclosure and Barring Service is required when the person is removed from
    regulated activity or resigns [SAAF 3.2; DDICB Managing allegations]."""
    return employment_outcome in {EmploymentOutcome.REMOVED, EmploymentOutcome.RESIGNED}


def stage_problem(existing_stages, stage, reached_on=None, existing_dates=None):
    """Stage N of a professional disagreement needs stage N-1 first, and each stage once [DUDLEY 28.2]."""
    if stage < 1 or stage > 5:
        return "The stage must be between 1 and 5."
    if stage in existing_stages:
        return f"Stage {stage} is already recorded."
    if stage > 1 and stage - 1 not in existing_stages:
        return f"Stage {stage} cannot be recorded before stage {stage - 1}."
    if reached_on and existing_dates and stage - 1 in existing_dates and reached_on < existing_dates[stage - 1]:
        return f"Stage {stage} cannot be reached before stage {stage - 1} ({existing_dates[stage - 1]:%d %B %Y})."
    return ""


def designated_not_informed_at_stage_3(highest_stage, designated_informed_on):
    """The designated professional must be informed when stage 3 is reached [DUDLEY App. 6]."""
    return bool(highest_stage and highest_stage >= 3 and not designated_informed_on)


def disclosure_problems(*, reasoning, person_told, why_not_told):
    problems = {}
    if not (reasoning or "").strip():
        problems["reasoning"] = "Record the reasoning for sharing without consent."
    if person_told is False and not (why_not_told or "").strip():
        problems["why_not_told"] = "Say why the person was not told that their information was shared."
    return problems


# ---------------------------------------------------------------------------------------------
# Quarters (NHS financial year: Q1 is April to June).


def financial_quarter(year, quarter):
    """(first day, last day) of quarter 1-4 of the financial year starting in April of `year`."""
    q = Quarter(year, quarter)
    return q.start, q.end


def quarter_of(day):
    """(financial year, quarter) for a date."""
    q = Quarter.containing(day)
    return q.fy, q.q


def highest_stage_by(stage_dates, end):
    """The highest stage reached on or before `end` ({stage: date}); 0 when none."""
    return max((s for s, d in stage_dates.items() if d <= end), default=0)


def active_in(stage_dates, start, end):
    """An escalation counts in a quarter when it reached a stage within it."""
    return any(start <= d <= end for d in stage_dates.values())


# ---------------------------------------------------------------------------------------------
# Pseudonym warnings: names and valid NHS numbers are found by core.identifiers (shared with reviews).


ACKNOWLEDGE_HINT = (
    "If you are sure, tick 'I have checked the warnings' (API: acknowledge_warnings=true) and save again."
)


def unacknowledged_warning_errors(values, acknowledged):
    """{field: message} for pseudonym warnings not yet acknowledged ({field: text}); empty when acknowledged or none."""
    if acknowledged:
        return {}
    return {field: f"{message} {ACKNOWLEDGE_HINT}" for field, message in identifier_warnings(values).items()}


@dataclass
class EscalationCounts:
    """Escalations active in a quarter, by the highest stage reached by its end, theme and local
    authority: the shape providers report each quarter [DUDLEY App. 6]."""

    start: dt.date
    end: dt.date
    by_stage: dict
    by_theme: dict
    by_local_authority: dict
    rows: list  # (local authority, theme, [count at stage 1..5], total)
    total: int


def count_escalations(items, start, end):
    """`items`: (local authority, theme, {stage: date reached}) for each escalation."""
    by_stage = dict.fromkeys(range(1, 6), 0)
    by_theme, by_la, cells = {}, {}, {}
    for local_authority, theme, stage_dates in items:
        if not active_in(stage_dates, start, end):
            continue
        stage = highest_stage_by(stage_dates, end)
        by_stage[stage] += 1
        by_theme[theme] = by_theme.get(theme, 0) + 1
        by_la[local_authority] = by_la.get(local_authority, 0) + 1
        cells.setdefault((local_authority, theme), [0] * 5)[stage - 1] += 1
    rows = [(la, theme, counts, sum(counts)) for (la, theme), counts in sorted(cells.items())]
    return EscalationCounts(start, end, by_stage, by_theme, by_la, rows, sum(by_stage.values()))
