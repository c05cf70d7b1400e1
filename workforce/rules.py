"""Pure workforce rules: dates and validity, scope, compliance, the extract's checks, DBS, supervision,
capacity. No database. Sources: DOMAIN.md §7 and reference part A (each rule names its own).

Compliance [reference A1.8]: a person is in scope for a requirement (topic, level) on a date when they
are active, not excluded and past their new-starter grace; they are up to date when a completion of the
same topic at that level or higher [E1, E4] is still valid: valid through completion date + validity
months (inclusive), expired the day after. Percentages are exact fractions of numerator / denominator.
"""

import calendar as std_calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from returns.rules import AMBER, GREEN, NONE, RED, Scheme, percentage, rate_percentage, target_met

__all__ = ["AMBER", "GREEN", "NONE", "RED"]

# ------------------------------------------------------------------------------------------------- dates


def add_months(date, months):
    """`date` moved by whole months, the day clamped to the month's last (31 Jan + 1 month = 28/29 Feb)."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(date.day, std_calendar.monthrange(year, month)[1]))


def add_period(date, unit, amount):
    if unit == "weeks":
        return date + dt.timedelta(weeks=amount)
    if unit == "days":
        return date + dt.timedelta(days=amount)
    if unit == "months":
        return add_months(date, amount)
    raise ValueError(f"unknown unit {unit!r}")


def valid_until(completed_on, validity_months):
    """The last day a completion counts."""
    return add_months(completed_on, validity_months)


def fmt(date):
    return f"{date:%d %B %Y}".lstrip("0") if date else ""


# ----------------------------------------------------------------------------------------- the framework


@dataclass(frozen=True)
class LevelRule:
    """One level of one topic in one framework version."""

    version: str
    topic: str
    level: int
    validity_months: int
    effective_from: dt.date
    effective_to: dt.date | None = None
    hours: Decimal | None = None  # hours of training over the hours window (3 years) the version sets; None: none
    initial_hours: Decimal | None = None  # a new starter's hours within `initial_months` of starting; None: none
    initial_months: Decimal | None = None  # e.g. children level 3: 8 hours within 12 months [E1, E2]

    def in_force(self, as_of):
        return self.effective_from <= as_of and (self.effective_to is None or as_of <= self.effective_to)


@dataclass
class Framework:
    """Every level of every version; the ones in force on a date give the validity. When two versions of a
    topic are in force (a transition), a completion counts under the more generous one; a version that
    starts later never changes an earlier date's result."""

    levels: list
    overrides: dict = field(default_factory=dict)  # (topic, level) -> validity months chosen by the ICB
    _validity_on: dict = field(default_factory=dict, repr=False, compare=False)  # as_of -> {(topic, level): months}

    def in_force(self, as_of):
        return [rule for rule in self.levels if rule.in_force(as_of)]

    def validity(self, topic, level, as_of):
        """Months a completion of (topic, level) stays valid on `as_of`; None when no version in force has it."""
        table = self._validity_on.get(as_of)
        if table is None:
            table = self._validity_on[as_of] = {}
            for rule in self.in_force(as_of):
                key = (rule.topic, rule.level)
                table[key] = max(table.get(key, 0), rule.validity_months)
            table.update({key: months for key, months in self.overrides.items() if key in table})
        return table.get((topic, level))

    def hours_required(self, topic, level, as_of):
        """Hours of training over the window that (topic, level) needs on `as_of`: the smallest any version in
        force sets (the more generous, as for validity); None when a version in force sets none."""
        found = [rule.hours for rule in self.in_force(as_of) if (rule.topic, rule.level) == (topic, level)]
        if not found or any(hours is None for hours in found):
            return None
        return min(found)

    def initial_required(self, topic, level, as_of):
        """(initial hours, months) a new starter needs for (topic, level) on `as_of` (children level 3: 8 hours within
        12 months of appointment [E1, E2]); the smallest hours any version in force sets (the more generous, as for
        the hours), the longer window on a tie; None when a version in force sets none."""
        found = [
            (rule.initial_hours, rule.initial_months)
            for rule in self.in_force(as_of)
            if (rule.topic, rule.level) == (topic, level)
        ]
        if not found or any(not hours or not months for hours, months in found):
            return None
        return min(found, key=lambda pair: (pair[0], -pair[1]))

    def levels_of(self, topic, as_of=None):
        return sorted({r.level for r in self.levels if r.topic == topic and (as_of is None or r.in_force(as_of))})


# ------------------------------------------------------------------------------------------ people, scope


@dataclass(frozen=True)
class Person:
    key: str
    staff_group: str
    role: str
    start_date: dt.date
    end_date: dt.date | None = None
    status: str = "active"


@dataclass(frozen=True)
class Completion:
    topic: str
    level: int
    completed_on: dt.date
    hours: Decimal | None = None


def is_active(person, as_of):
    return person.start_date <= as_of and (person.end_date is None or as_of <= person.end_date)


def grace_end(start_date, level, grace):
    """The first day a new starter counts for a requirement at `level` (grace: {level: (unit, amount)})."""
    unit, amount = grace.get(str(level), grace.get(level, ("days", 0)))
    return add_period(start_date, unit, amount)


def in_scope(person, level, as_of, *, grace, excluded_statuses):
    return (
        is_active(person, as_of)
        and person.status not in excluded_statuses
        and as_of >= grace_end(person.start_date, level, grace)
    )


def best_expiry(completions, topic, level, as_of, framework):
    """The latest last-valid-day, on `as_of`, of the completions that satisfy (topic, level); None if none."""
    best = None
    for completion in completions:
        if completion.topic != topic or completion.level < level or completion.completed_on > as_of:
            continue
        months = framework.validity(topic, completion.level, as_of)
        if months is None:
            continue
        until = valid_until(completion.completed_on, months)
        if best is None or until > best:
            best = until
    return best


def up_to_date(completions, topic, level, as_of, framework):
    until = best_expiry(completions, topic, level, as_of, framework)
    return until is not None and as_of <= until


def hours_in_window(records, topic, as_of, months=36):
    """Hours recorded for `topic` with a completion date in (as_of - months, as_of] [reference A1.8, hours mode]:
    `records` are (topic, completed_on, hours or None)."""
    start = add_months(as_of, -months)
    return sum((hours or 0 for t, on, hours in records if t == topic and start < on <= as_of), Decimal(0))


def hours_towards(completions, topic, level, as_of, months=36):
    """Hours recorded towards (topic, level) on `as_of`: completions of the topic at that level or higher
    [E1, E4] dated in (as_of - months, as_of] [reference A1.8]; a completion without hours adds none."""
    start = add_months(as_of, -months)
    return sum(
        (
            c.hours or 0
            for c in completions
            if c.topic == topic and c.level >= level and start < c.completed_on <= as_of
        ),
        Decimal(0),
    )


def hours_met(recorded, required):
    """Enough hours: the framework's hours for the level over its window, or more (exactly the hours is enough);
    no hours required (None) is always met [reference A1.8; E1]."""
    return required is None or Decimal(recorded) >= Decimal(required)


def compliant(completions, topic, level, as_of, framework, *, check_hours=True, hours_months=36, start_date=None):
    """(compliant, last valid day or None): a valid completion of the level or higher and, when hours are
    checked, the hours the framework in force sets for the level: for a new starter inside the level's initial
    window (`start_date` given; `in_initial_window`) the initial hours since starting (`initial_hours_met`),
    otherwise the hours over the window (`hours_months`, "per 3 years")."""
    until = best_expiry(completions, topic, level, as_of, framework)
    if until is None or as_of > until:
        return False, until
    if check_hours:
        initial = framework.initial_required(topic, level, as_of) if start_date else None
        if initial and in_initial_window(start_date, as_of, initial[1]):
            if not initial_hours_met(completions, topic, level, start_date, as_of, initial[0]):
                return False, until
        else:
            required = framework.hours_required(topic, level, as_of)
            if not hours_met(hours_towards(completions, topic, level, as_of, hours_months), required):
                return False, until
    return True, until


def initial_window_end(start_date, months):
    """The end of a new starter's initial-training window: whole months by the calendar, else 30.4375-day months."""
    months = Decimal(months)
    if months == months.to_integral_value():
        return add_months(start_date, int(months))
    return start_date + dt.timedelta(days=round(months * Decimal("30.4375")))


def in_initial_window(start_date, as_of, months):
    """A new starter on `as_of`: from the start date (in the current role) to the end of the initial window,
    inclusive. Started exactly 12 months ago (initial window end = `as_of`) is inside; a day more is outside."""
    return start_date <= as_of <= initial_window_end(start_date, months)


def initial_hours_towards(completions, topic, level, start_date, as_of):
    """Hours towards a new starter's initial requirement: completions of the topic at that level or higher [E1, E4]
    dated from the start date to `as_of` (inclusive); training before the start does not count [E1, E2]."""
    return sum(
        (
            c.hours or 0
            for c in completions
            if c.topic == topic and c.level >= level and start_date <= c.completed_on <= as_of
        ),
        Decimal(0),
    )


def initial_hours_met(completions, topic, level, start_date, as_of, required):
    """Enough initial hours since starting: exactly the framework's initial hours is enough, fewer is not."""
    return hours_met(initial_hours_towards(completions, topic, level, start_date, as_of), required)


def initial_hours_recorded(records, topic, start_date, months):
    """Hours of `topic` completed from the start date to the end of the initial window (inclusive) [E1, E2]."""
    end = initial_window_end(start_date, months)
    return sum((hours or 0 for t, on, hours in records if t == topic and start_date <= on <= end), Decimal(0))


# --------------------------------------------------------------------------------- training needs analysis


@dataclass(frozen=True)
class TnaRow:
    staff_group: str
    role: str  # "" for every role of the staff group
    topic: str
    level: int  # 0: not required
    effective_from: dt.date
    effective_to: dt.date | None = None

    def in_force(self, as_of):
        return self.effective_from <= as_of and (self.effective_to is None or as_of <= self.effective_to)


def required_levels(person, tna, as_of):
    """{topic: level} the TNA requires of `person` on `as_of`; a row for the person's role overrides the
    staff group's row for the same topic."""
    group, specific = {}, {}
    for row in tna:
        if row.staff_group != person.staff_group or not row.in_force(as_of):
            continue
        if row.role and row.role.casefold() == person.role.casefold():
            specific[row.topic] = row.level
        elif not row.role:
            group[row.topic] = row.level
    return {topic: level for topic, level in (group | specific).items() if level > 0}


# --------------------------------------------------------------------------------------------- compliance


@dataclass
class Cell:
    topic: str
    level: int
    staff_group: str
    numerator: int = 0
    denominator: int = 0
    rating: str = NONE
    target: Decimal | None = None
    target_met: bool | None = None
    expiring: int = 0

    @property
    def percent(self):
        return percentage(self.numerator, self.denominator)


@dataclass(frozen=True)
class Expiring:
    person: Person
    topic: str
    level: int
    valid_until: dt.date


@dataclass(frozen=True)
class Policy:
    """The ICB's choices and the settings the computation needs."""

    grace: dict
    excluded_statuses: frozenset
    bands: tuple
    target_choice: str = "85"
    horizon_days: int = 90
    check_hours: bool = True  # a person below the framework's hours for a level is not compliant for it
    hours_months: int = 36  # the window the framework's hours are over ("per 3 years")

    def target(self, topic, level):
        if self.target_choice == "90" and topic == "children" and level <= 2:
            return Decimal(90)
        return Decimal(85)

    def scheme(self, topic, level):
        return Scheme.from_dict(
            {"kind": "bands", "bands": list(self.bands), "otherwise": RED, "target": str(self.target(topic, level))}
        )


def compliance(people, completions, tna, framework, policy, as_of):
    """({(topic, level, staff group): Cell}, [Expiring]) on `as_of`.

    `completions`: {person key: [Completion]}. Each person counts once per requirement, however many
    completions (or re-uploads of one) they have; a person below the framework's hours is not compliant
    (`policy.check_hours`): below its initial hours since starting while inside the initial window, below its
    hours over 3 years after it.

    Grace and initial hours: a new starter is out of scope (neither numerator nor denominator) until the level's
    grace ends (`in_scope`, as before); from then until the initial window ends they count, judged on the initial
    hours since starting; after it, on the hours over 3 years. With the default settings (level 3: grace 12
    months, initial window 12 months) the two meet on the 12-month anniversary: out of scope the day before,
    judged on the initial 8 hours that day, on the 3-year hours the day after. A grace shorter than the window
    (an ICB setting) makes the initial hours decide the days between."""
    cells, expiring = {}, []
    horizon = as_of + dt.timedelta(days=policy.horizon_days)
    for person in people:
        for topic, level in required_levels(person, tna, as_of).items():
            if not in_scope(person, level, as_of, grace=policy.grace, excluded_statuses=policy.excluded_statuses):
                continue
            cell = cells.get((topic, level, person.staff_group))
            if cell is None:
                cell = cells[(topic, level, person.staff_group)] = Cell(topic, level, person.staff_group)
            cell.denominator += 1
            met, until = compliant(
                completions.get(person.key, ()),
                topic,
                level,
                as_of,
                framework,
                check_hours=policy.check_hours,
                hours_months=policy.hours_months,
                start_date=person.start_date,
            )
            if met:
                cell.numerator += 1
                if until <= horizon:
                    cell.expiring += 1
                    expiring.append(Expiring(person, topic, level, until))
    for cell in cells.values():
        scheme = policy.scheme(cell.topic, cell.level)
        cell.rating = rate_percentage(scheme, cell.percent)
        cell.target = scheme.target
        cell.target_met = target_met(scheme, cell.numerator, cell.denominator)
    expiring.sort(key=lambda e: (e.valid_until, e.person.key))
    return cells, expiring


def rate_fraction(numerator, denominator, bands):
    """A numerator/denominator rated with the bands (supervision uses the training bands [CPCCG App. 3 11.a.5])."""
    return rate_percentage(
        Scheme.from_dict({"kind": "bands", "bands": list(bands)}), percentage(numerator, denominator)
    )


def totals_by(cells, *keys):
    """Sum cells over the dimensions not in `keys` ("topic", "level", "staff_group"): {key tuple: (num, den)}."""
    sums = defaultdict(lambda: [0, 0])
    for cell in cells.values():
        entry = sums[tuple(getattr(cell, k) for k in keys)]
        entry[0] += cell.numerator
        entry[1] += cell.denominator
    return {key: tuple(value) for key, value in sums.items()}


# ------------------------------------------------------------------------------------------- the extract

FIELDS = {
    # field: (label, required)
    "staff_key": ("Pseudonymous staff key", False),
    "assignment_number": ("Assignment number", False),
    "role": ("Role", True),
    "staff_group": ("Staff group", True),
    "start_date": ("Start date", True),
    "competence": ("Competence", True),
    "completed_on": ("Completion date", True),
    "expiry_on": ("Expiry date", False),
    "hours": ("Hours", False),
    "status": ("Absence status", False),
    "end_date": ("Leaving date", False),
}

DEFAULT_HEADERS = {
    "staff_key": "Staff Key",
    "assignment_number": "Assignment Number",
    "role": "Position Title",
    "staff_group": "Staff Group",
    "start_date": "Assignment Start Date",
    "competence": "Competence Name",
    "completed_on": "Achievement Date",
    "expiry_on": "Expiry Date",
    "hours": "Hours",
    "status": "Absence Status",
    "end_date": "Termination Date",
}

# Statuses an extract may carry (workforce.choices.StaffStatus) and the words that mark a leaver.
STATUSES = ("active", "maternity", "long_term_sick", "suspended", "bank_no_shifts")
LEAVER_WORDS = ("leaver", "left", "terminated")


@dataclass(frozen=True)
class ExtractRow:
    row: int
    staff_key: str
    role: str
    staff_group: str
    start_date: dt.date
    competence: str
    topic: str
    level: int
    completed_on: dt.date
    expiry_on: dt.date | None
    hours: Decimal | None
    status: str
    end_date: dt.date | None = None  # the leaving date, or the extract's date for a row marked as a leaver


class BadValue(ValueError):
    pass


def parse_date(raw):
    """A date cell: a date, ISO text (2026-08-31) or UK text (31/08/2026); None when blank."""
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
    raise BadValue(f"'{text}' is not a date (write 2026-08-31 or 31/08/2026)")


def parse_hours(raw):
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except ArithmeticError as error:
        raise BadValue(f"'{raw}' is not a number of hours") from error
    if not value.is_finite() or value < 0 or value > 1000:
        raise BadValue(f"'{raw}' is not a number of hours between 0 and 1000")
    return value


def column_positions(header, mapping):
    """({field: column index (0-based)}, [(column index, message)]) for a header row and a saved mapping
    {field: header text}. Every header must be mapped (unknown columns are refused) and every required
    field present."""
    wanted = {text.strip().casefold(): name for name, text in mapping.items() if text and text.strip()}
    positions, problems = {}, []
    for index, title in enumerate(header):
        text = str(title or "").strip()
        if not text:
            continue
        name = wanted.get(text.casefold())
        if name is None:
            problems.append((index, f"unknown column '{text}': map it on the column-mapping page or remove it"))
        elif name in positions:
            problems.append((index, f"'{text}' appears twice"))
        else:
            positions[name] = index
    for name, (label, required) in FIELDS.items():
        if required and name not in positions:
            problems.append((None, f"no column for {label.lower()} (expected '{mapping.get(name, '')}')"))
    if "staff_key" not in positions and "assignment_number" not in positions:
        problems.append((None, "no column for the pseudonymous staff key or the assignment number"))
    return positions, problems


def check_rows(rows, positions, competences, levels_by_topic, today, problems, sheet):
    """Check every extract row, each problem named by row and column in `problems` (core.imports.Problems).
    Returns [ExtractRow].

    `competences`: {competence name casefolded: (topic, level)}; `levels_by_topic`: {topic: set of levels}.
    A leaving date (or a status marking a leaver, which leaves on the extract's date `today`) ends the person."""
    checked, roles_on_start = [], {}

    def add(message, row, index):
        problems.add(message, sheet, row, None if index is None else index + 1)

    def cell(values, name):
        index = positions.get(name)
        value = values[index] if index is not None and index < len(values) else None
        return value.strip() if isinstance(value, str) else value

    for number, values in rows:
        problems_before = problems.count
        key = str(cell(values, "staff_key") or cell(values, "assignment_number") or "").strip()
        if not key:
            add(
                "no staff key or assignment number",
                number,
                positions.get("staff_key", positions.get("assignment_number")),
            )
        text = {n: str(cell(values, n) or "").strip() for n in ("role", "staff_group", "competence", "status")}
        for name in ("role", "staff_group", "competence"):
            if not text[name]:
                add(f"{FIELDS[name][0].lower()} is blank", number, positions[name])
        dates = {}
        for name in ("start_date", "completed_on", "expiry_on", "end_date"):
            try:
                dates[name] = parse_date(cell(values, name))
            except BadValue as error:
                add(str(error), number, positions[name])
                dates[name] = None
            if dates[name] is None and FIELDS[name][1] and name in positions and cell(values, name) in (None, ""):
                add(f"{FIELDS[name][0].lower()} is blank", number, positions[name])
        try:
            hours = parse_hours(cell(values, "hours"))
        except BadValue as error:
            add(str(error), number, positions["hours"])
            hours = None
        completed, expiry = dates["completed_on"], dates["expiry_on"]
        if completed and completed > today:
            add(f"completion date {fmt(completed)} is in the future", number, positions["completed_on"])
        if completed and expiry and expiry < completed:
            add(
                f"expiry date {fmt(expiry)} is before the completion date {fmt(completed)}",
                number,
                positions["expiry_on"],
            )
        topic_level = competences.get(text["competence"].casefold()) if text["competence"] else None
        if text["competence"] and topic_level is None:
            add(f"competence '{text['competence']}' is not in the competence mapping", number, positions["competence"])
        elif topic_level and topic_level[1] not in levels_by_topic.get(topic_level[0], ()):
            add(
                f"competence '{text['competence']}' maps to {topic_level[0]} level {topic_level[1]}, "
                "a level the framework does not have",
                number,
                positions["competence"],
            )
        status = text["status"].lower().replace(" ", "_").replace("-", "_") or "active"
        end_date = dates["end_date"]
        if status in LEAVER_WORDS:
            status, end_date = "active", end_date or today
        elif status not in STATUSES:
            add(
                f"status '{text['status']}' is not one of: {', '.join(s.replace('_', ' ') for s in STATUSES)}, leaver",
                number,
                positions["status"],
            )
        if end_date and dates["start_date"] and end_date < dates["start_date"]:
            add(
                f"leaving date {fmt(end_date)} is before the start date {fmt(dates['start_date'])}",
                number,
                positions.get("end_date", positions.get("status")),
            )
        if key and dates["start_date"] and text["role"]:
            seen = roles_on_start.setdefault((key, dates["start_date"]), (text["role"], number))
            if seen[0].casefold() != text["role"].casefold():
                add(
                    f"staff key '{key}' has two roles starting {fmt(dates['start_date'])}: '{seen[0]}' "
                    f"(row {seen[1]}) and '{text['role']}'",
                    number,
                    positions["role"],
                )
        if problems.count == problems_before:
            checked.append(
                ExtractRow(
                    number,
                    key,
                    text["role"],
                    text["staff_group"],
                    dates["start_date"],
                    text["competence"],
                    topic_level[0],
                    topic_level[1],
                    completed,
                    expiry,
                    hours,
                    status,
                    end_date,
                )
            )
    return checked


def people_from_rows(rows):
    """{staff key: (role, staff group, start date, status, leaving date, row)}: each key's latest assignment in
    the extract (its first row); a leaving date on any row of that assignment ends it."""
    people = {}
    for row in rows:
        current = people.get(row.staff_key)
        if current is None or row.start_date > current[2]:
            people[row.staff_key] = (row.role, row.staff_group, row.start_date, row.status, row.end_date, row.row)
        elif row.start_date == current[2] and row.end_date and not current[4]:
            people[row.staff_key] = (*current[:4], row.end_date, current[5])
    return people


def end_date_after_extract(stored_start, stored_end, start_date, end_date):
    """A person's end date after an extract: the extract's leaving date when it gives one; else a later start
    (a new assignment after leaving) reopens them; else the end date held stays."""
    if end_date:
        return end_date
    if stored_end and start_date > stored_end:
        return None
    return stored_end


def ended_by_full_extract(start_date, end_date, extract_date):
    """The end date for a person missing from a complete staff extract: the day before the extract (they are not on
    the staff list that day), or None when nothing changes (already ended, or starting on or after it)."""
    if end_date is not None and end_date < extract_date:
        return None
    if start_date >= extract_date:
        return None
    return extract_date - dt.timedelta(days=1)


# ------------------------------------------------------------------------------------------------- DBS

DBS_LEVELS = ["basic", "standard", "enhanced", "enhanced_barred"]


def dbs_before_start_problem(regulated_activity, start_date, checks):
    """A role in regulated activity needs an enhanced check with barred list(s) obtained on or before the start
    date [SAAF §3.2; DUDLEY §7.3, §7.5; DDICB §Managers]. `checks`: [(level, checked_on)]. None when met."""
    if not regulated_activity:
        return None
    if any(level == "enhanced_barred" and on and on <= start_date for level, on in checks):
        return None
    later = [on for level, on in checks if level == "enhanced_barred" and on]
    if later:
        return f"enhanced check with barred list obtained {fmt(min(later))}, after the start date {fmt(start_date)}"
    return f"started {fmt(start_date)} in regulated activity without an enhanced check with barred list"


def self_disclosure_due(last_disclosure, start_date, months):
    """The next annual self-disclosure [DUDLEY §7.5]: `months` after the last one, or after the start."""
    return add_months(last_disclosure or start_date, months)


def mask_certificate(number):
    """A DBS certificate number as it is shown anywhere after saving: only the last four characters."""
    text = str(number or "").strip()
    if not text:
        return ""
    return "•" * max(len(text) - 4, 4) + text[-4:]


def references_problem(count, includes_most_recent_employer, minimum):
    if count < minimum:
        return f"{count} reference(s): at least {minimum} are needed [CPCCG §10.1]"
    if not includes_most_recent_employer:
        return "the references do not include the most recent employer [CPCCG §10.1]"
    return None


def recruitment_gaps(*, identity_and_qualifications, employment_history, panel_member_trained):
    """The safer-recruitment checks not recorded for an appointment [CPCCG §10.1; DUDLEY §7.1]."""
    gaps = []
    if not identity_and_qualifications:
        gaps.append("ID and qualifications not checked [CPCCG §10.1]")
    if not employment_history:
        gaps.append("employment history not checked [CPCCG §10.1]")
    if not panel_member_trained:
        gaps.append("no interview panel member trained in safer recruitment [DUDLEY §7.1]")
    return gaps


# ------------------------------------------------------------------------------------------ supervision


@dataclass(frozen=True)
class SupervisionRule:
    code: str
    supervisee_group: str
    unit: str  # "months" or "working_days"
    amount: int
    source: str


SESSION_PARTIES = ("supervisee", "supervisor")


def session_party(user_id, supervisee_user_id, supervisor_user_id):
    """Which side of a supervision session a user is ("supervisee", "supervisor" or None), by their login."""
    if user_id is not None and user_id == supervisee_user_id:
        return "supervisee"
    if user_id is not None and user_id == supervisor_user_id:
        return "supervisor"
    return None


def session_write_problem(designated, party, fields):
    """Why a user may not record or change a supervision session with `fields`, or None. The session's content
    is written by the supervisee, the supervisor and the designated professionals only [CPCCG §11; DUDLEY §16];
    each party confirms only their own side (a designated professional may record both, from a signed record)."""
    if not designated and party is None:
        return "Only the supervisee, the supervisor and the designated professionals may record or change a session."
    if not designated:
        other = next(p for p in SESSION_PARTIES if p != party)
        if fields.get(f"{other}_confirmed"):
            return f"Only the {other} confirms the record for the {other}."
    return None


def supervision_due(last_session, start_date, rule, add_working_days=None):
    """The date by which the next session is due: `rule.amount` months or working days after the last
    session (or the start, for someone never supervised)."""
    base = last_session or start_date
    if rule.unit == "working_days":
        return add_working_days(base, rule.amount)
    return add_months(base, rule.amount)


def supervision_overdue(last_session, start_date, rule, as_of, add_working_days=None):
    return as_of > supervision_due(last_session, start_date, rule, add_working_days)


# --------------------------------------------------------------------------------------------- capacity


@dataclass(frozen=True)
class Conversions:
    hours_per_pa: Decimal
    hours_per_wte: Decimal
    weeks_per_month: Decimal


def hours_per_week(amount, unit, conversions):
    """Capacity in hours a week, from the unit it was entered in [reference A5]."""
    amount = Decimal(amount)
    if unit == "wte":
        return amount * conversions.hours_per_wte
    if unit == "pa_week":
        return amount * conversions.hours_per_pa
    if unit == "pa_month":
        return amount * conversions.hours_per_pa / conversions.weeks_per_month
    if unit == "hours_week":
        return amount
    raise ValueError(f"unknown unit {unit!r}")


@dataclass(frozen=True)
class Ratio:
    """At least `hours` a week per `per` of `population` for `role` [the source named]."""

    role: str
    hours: Decimal
    per: int
    population: str
    source: str

    def required_hours(self, population_count):
        return Fraction(self.hours) * Fraction(population_count, self.per)


def capacity_gap(ratio, population_count, hours_in_post):
    """(required hours a week, gap in hours: positive when short); None when the population is not entered."""
    if population_count is None:
        return None
    required = ratio.required_hours(population_count)
    return required, required - Fraction(hours_in_post)
