"""Pure rules of the signals app (no database): NHS number, age, routing, rolling windows, the latest-code rule.

Rolling window: a window of N months ending on day D holds the events from D minus N calendar months (clamped to
the month's end: 29 February minus 12 months is 28 February) up to D, both days included. So with a 12-month
window an attendance 365 days after the first (no 29 February between) is inside, 366 days after is outside; with
a 29 February between them, 366 is inside and 367 outside. The seed does not say rolling or calendar [reference C1
note]: rolling is chosen because a child's pattern does not stop at a year's end.
"""

import datetime as dt
from dataclasses import dataclass, field

from core.calendar import add_calendar_months
from core.identifiers import nhs_number_is_valid

# ------------------------------------------------------------------------------------------ identifiers


def normalise_nhs_number(text):
    """The ten digits of an NHS number written with spaces or dashes ("999 123 4567"), else None."""
    digits = "".join(ch for ch in str(text or "") if ch not in " -")
    return digits if len(digits) == 10 and digits.isascii() and digits.isdigit() else None


def nhs_number_problem(text):
    """Why `text` is not a valid NHS number (modulus 11 check digit, NHS Data Dictionary), or None."""
    digits = normalise_nhs_number(text)
    if digits is None:
        return "Enter an NHS number of 10 digits."
    if not nhs_number_is_valid(digits):
        return "This is not a valid NHS number: its check digit is wrong."
    return None


VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def snomed_code_problem(text):
    """A SNOMED CT identifier is 6 to 18 digits, not starting with 0, ending in a Verhoeff check digit."""
    code = str(text or "").strip()
    if not (6 <= len(code) <= 18 and code.isascii() and code.isdigit() and code[0] != "0"):
        return "Enter a SNOMED CT code of 6 to 18 digits."
    check = 0
    for position, digit in enumerate(reversed(code)):
        check = VERHOEFF_D[check][VERHOEFF_P[position % 8][int(digit)]]
    return None if check == 0 else "This is not a valid SNOMED CT code: its check digit is wrong."


# ------------------------------------------------------------------------------------------- ages


def age_on(date_of_birth, day):
    """Completed years on `day`. Born on 29 February: a year older on 1 March in a common year (the birthday
    has not come on 28 February) and on 29 February in a leap year."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


DEFAULT_AGE_BANDS = (
    {"from": 0, "to": 5, "owners": ["health_visitor", "gp"]},
    {"from": 5, "to": 16, "owners": ["gp", "school_health"]},
    {"from": 16, "to": 18, "owners": ["gp"]},
)


def route_by_age(age, bands=DEFAULT_AGE_BANDS):
    """Who receives a domestic abuse notification about a child of `age` (completed years on the notification
    date) [DUDLEY 21.2]: bands are [from, to) — a child turns into the next band on the birthday, so 0-5 means
    under 5, 5-16 from the 5th to the 16th birthday, 16-18 until the 18th. An adult (or a gap) routes to no one."""
    for band in bands:
        if band["from"] <= age < band["to"]:
            return list(band["owners"])
    return []


OLDEST_BAND_AGE = 18  # the bands cover childhood: from birth to the 18th birthday


def _whole_age(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= OLDEST_BAND_AGE


def band_label(band):
    try:
        return f"{int(band['from'])} to {int(band['to'])}"
    except (KeyError, TypeError, ValueError):
        return "?"


def age_band_problems(bands, known_owners):
    """What is wrong with S2's age bands, as (index of the band or None, "from"/"to"/"owners" or None, message):
    each band [from, to) of whole years with at least one known owner; together contiguous from 0 to 18, no
    overlap and no gap (a child in a gap would be routed to no one)."""
    if not isinstance(bands, (list, tuple)) or not bands:
        return [(None, None, f"Give the age bands, from 0 to {OLDEST_BAND_AGE}.")]
    problems = []
    for index, band in enumerate(bands):
        if not isinstance(band, dict):
            problems.append((index, None, f"Band {index + 1}: give from, to and owners."))
            continue
        start, end, owners = band.get("from"), band.get("to"), band.get("owners")
        if not _whole_age(start):
            problems.append((index, "from", f"Band {index + 1}: from must be a whole age from 0 to 17."))
        if not _whole_age(end):
            problems.append((index, "to", f"Band {index + 1}: to must be a whole age from 1 to {OLDEST_BAND_AGE}."))
        elif _whole_age(start) and end <= start:
            problems.append((index, "to", f"Band {index + 1}: to must be more than from ({start})."))
        if not isinstance(owners, (list, tuple)) or not owners:
            problems.append((index, "owners", f"Band {index + 1}: choose at least one owner."))
        elif not all(isinstance(o, str) and o in known_owners for o in owners):
            problems.append((index, "owners", f"Band {index + 1}: owners must be of: {', '.join(known_owners)}."))
    if problems:
        return problems
    order = sorted(range(len(bands)), key=lambda i: (bands[i]["from"], bands[i]["to"]))
    if bands[order[0]]["from"] != 0:
        problems.append((order[0], "from", f"The first band must start at 0 (birth), not {bands[order[0]]['from']}."))
    for before, after in zip(order, order[1:], strict=False):
        a, b = bands[before], bands[after]
        if b["from"] < a["to"]:
            problems.append(
                (after, "from", f"Band {band_label(b)} overlaps band {band_label(a)}: a child is in one band only.")
            )
        elif b["from"] > a["to"]:
            problems.append(
                (
                    after,
                    "from",
                    f"Ages {a['to']} to {b['from']} are in no band: a child of that age would reach no one.",
                )
            )
    last = bands[order[-1]]
    if last["to"] != OLDEST_BAND_AGE:
        problems.append((order[-1], "to", f"The last band must end at {OLDEST_BAND_AGE}, not {last['to']}."))
    return problems


def owners_of_bands(bands):
    """Every owner named by the bands, in order of first appearance (S2's owners, shown on the rules page)."""
    return list(dict.fromkeys(owner for band in bands for owner in band["owners"]))


# ------------------------------------------------------------------------------------------ thresholds


def at_least_from_more_than(number):
    """'More than three' is at least four [DUDLEY 21.10]."""
    return number + 1


def meets_threshold(count, at_least):
    return at_least is not None and count >= at_least


def window_start(day, months):
    """The first day of the rolling window of `months` ending on `day` (both included)."""
    return add_calendar_months(day, -months)


def window_end(day, months):
    """The last day of the rolling window of `months` starting on `day`."""
    return add_calendar_months(day, months)


def in_window(first, last, months):
    """Are `first` and `last` (first <= last) inside one rolling window of `months`?"""
    return first >= window_start(last, months)


# -------------------------------------------------------------------------------- the latest-code rule


def on_register(codes, on_code, off_code=""):
    """A child is on a register when the latest code of the on/off pair in the record is the 'on' code
    [reference C2; E31, E35]. `codes` are (code, date); on one day an 'off' code ends what an 'on' began
    (the terminating code is added after the one it ends [E32])."""
    latest = None
    for code, day in codes:
        if code not in (on_code, off_code) or not code:
            continue
        rank = (day, 1 if code == off_code else 0)
        if latest is None or rank >= latest[0]:
            latest = (rank, code)
    return latest is not None and latest[1] == on_code


# ------------------------------------------------------------------------------ window rules and tasks


@dataclass(frozen=True)
class Event:
    id: int
    day: dt.date


@dataclass
class TaskWindow:
    """A task already held (or planned) for one subject and rule."""

    key: object
    start: dt.date
    end: dt.date
    evidence: frozenset
    open: bool = True


@dataclass
class NewTask:
    trigger: int
    evidence: list
    start: dt.date
    end: dt.date


PLANNED = object()  # marks the key of a task opened by the plan itself


@dataclass
class Plan:
    opens: list = field(default_factory=list)
    additions: dict = field(default_factory=dict)  # task key -> [event ids added]


def dedup_key(signal, subject_kind, subject_id, trigger_kind, trigger_id):
    """One task per rule, subject and triggering record: evaluation run twice opens nothing new."""
    return f"{signal}:{subject_kind}:{subject_id}:{trigger_kind}:{trigger_id}"


def plan_window_rule(events, *, at_least, months, tasks=()):
    """What a rolling-window rule does for one subject (a child's attendances, a household's notifications).

    Events are taken in date order; an event already evidence of a task (open or done) is never a trigger again.
    Any other event:
    - inside an open task's window (its first counted event to that day plus `months`): added to it;
    - else, when at least `at_least` events (this one and earlier ones, used or not) lie in the window ending on
      its day: a new task, its evidence every event of that window, its window starting on the earliest of them
      (later events inside that window join its evidence).
    `additions` name only the tasks passed in.
    Returns a Plan; applying it and planning again gives an empty plan (idempotent)."""
    if at_least is None or months is None:
        return Plan()
    events = sorted(events, key=lambda e: (e.day, e.id))
    windows = [TaskWindow(t.key, t.start, t.end, frozenset(t.evidence), t.open) for t in tasks]
    used = set().union(*(w.evidence for w in windows)) if windows else set()
    plan = Plan()
    for index, event in enumerate(events):
        if event.id in used:
            continue
        target = next((w for w in windows if w.open and w.start <= event.day <= w.end), None)
        if target is not None:
            if isinstance(target.key, tuple) and target.key[0] == PLANNED:  # a task this plan opens: its evidence
                plan.opens[target.key[1]].evidence.append(event.id)
            else:
                plan.additions.setdefault(target.key, []).append(event.id)
            used.add(event.id)
            continue
        start = window_start(event.day, months)
        in_range = [e for e in events[: index + 1] if e.day >= start]
        if meets_threshold(len(in_range), at_least):
            first = in_range[0].day
            new = NewTask(event.id, [e.id for e in in_range], first, window_end(first, months))
            plan.opens.append(new)
            key = (PLANNED, len(plan.opens) - 1)
            windows.append(TaskWindow(key, new.start, new.end, frozenset(new.evidence)))
            used.update(new.evidence)
    return plan


def due_on(opened_on, timescale, unit, calendar):
    """The review's due date from the one calendar: working days or calendar days after it opened; None when the
    provider has set no timescale."""
    if timescale is None:
        return None
    if unit == "working_days":
        return calendar.add_working_days(opened_on, timescale)
    return opened_on + dt.timedelta(days=timescale)


def within_timescale(completed_on, due):
    """A review done on or before its due date; one with no due date cannot be judged (None)."""
    if due is None or completed_on is None:
        return None
    return completed_on <= due


def flag_active(starts_on, ends_on, day):
    return starts_on <= day and (ends_on is None or day <= ends_on)
