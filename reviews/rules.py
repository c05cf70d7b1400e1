"""Pure rules of statutory reviews: milestone due dates, date order, eligibility hints,
terms-of-reference file types, financial quarters, recommendation closure.

No database here: calendars, settings and dates are passed in.
"""

import datetime as dt
from dataclasses import dataclass

from core.calendar import add_calendar_months
from core.quarters import Quarter

# The dates of a review, in the order they must happen. Each is optional.
DATE_FIELDS = ("incident", "awareness", "notification", "decision", "initiation", "publication")
DATE_LABELS = {
    "incident": "incident date",
    "awareness": "date the agency became aware",
    "notification": "notification date",
    "decision": "decision date",
    "initiation": "initiation date",
    "publication": "completion or publication date",
}
WORKING_DAYS, CALENDAR_MONTHS = "working_days", "calendar_months"
UNITS = {WORKING_DAYS: "working days", CALENDAR_MONTHS: "calendar months"}

PENDING, MET, MET_LATE, DUE, DUE_SOON, OVERDUE = "pending", "met", "met_late", "due", "due_soon", "overdue"
STATE_LABELS = {
    PENDING: "Pending",
    MET: "Met",
    MET_LATE: "Met late",
    DUE: "Due",
    DUE_SOON: "Due soon",
    OVERDUE: "Overdue",
}
STATE_TAGS = {PENDING: "grey", MET: "green", MET_LATE: "yellow", DUE: "blue", DUE_SOON: "yellow", OVERDUE: "red"}


def fmt(day):
    return f"{day.day} {day:%B %Y}"


# --- Milestones ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRule:
    """A milestone of a review kind: due `amount` `unit` after the review's `base` date,
    met when the review's `met_by` date is recorded."""

    code: str
    name: str
    base: str
    unit: str
    amount: int
    met_by: str = ""
    source: str = ""

    @property
    def description(self):
        unit = UNITS[self.unit]
        if self.amount == 1:
            unit = unit[:-1]
        return f"{self.amount} {unit} from the {DATE_LABELS[self.base]}"


@dataclass(frozen=True)
class Milestone:
    rule: MilestoneRule
    due: dt.date | None  # None: its base date is not recorded yet ("pending")
    met_on: dt.date | None
    state: str

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def tag(self):
        return STATE_TAGS[self.state]

    @property
    def is_open(self):
        return self.state in {DUE, DUE_SOON, OVERDUE}

    @property
    def waiting_for(self):
        return DATE_LABELS[self.rule.base] if self.due is None else ""


def milestone_due(rule, dates, calendar):
    """The due date of `rule` for a review with `dates` ({name: date or None}); None while its base date is unset."""
    base = dates.get(rule.base)
    if base is None:
        return None
    if rule.unit == WORKING_DAYS:
        return calendar.add_working_days(base, rule.amount)
    if rule.unit == CALENDAR_MONTHS:
        return add_calendar_months(base, rule.amount)
    raise ValueError(f"unknown unit {rule.unit!r}")


def milestone_state(due, met_on, today, *, soon_by=None):
    """pending (no due date), met / met late, overdue, due soon (on or before `soon_by`), or due."""
    if met_on is not None:
        return MET_LATE if due is not None and met_on > due else MET
    if due is None:
        return PENDING
    if due < today:
        return OVERDUE
    if soon_by is not None and due <= soon_by:
        return DUE_SOON
    return DUE


def milestones(rules, dates, calendar, today, *, soon_working_days=5):
    """Every milestone of a review, in rule order."""
    soon_by = calendar.add_working_days(today, soon_working_days)
    result = []
    for rule in rules:
        due = milestone_due(rule, dates, calendar)
        met_on = dates.get(rule.met_by) if rule.met_by else None
        result.append(Milestone(rule, due, met_on, milestone_state(due, met_on, today, soon_by=soon_by)))
    return result


# --- Dates --------------------------------------------------------------------------------


def date_order_problems(dates, today=None):
    """{field: message} for each date before an earlier step's date (or in the future)."""
    problems = {}
    for index, name in enumerate(DATE_FIELDS):
        value = dates.get(name)
        if value is None:
            continue
        if today is not None and value > today:
            problems[name] = f"The {DATE_LABELS[name]} cannot be in the future."
            continue
        for earlier in reversed(DATE_FIELDS[:index]):
            before = dates.get(earlier)
            if before is not None and value < before:
                problems[name] = (
                    f"The {DATE_LABELS[name]} ({fmt(value)}) cannot be before "
                    f"the {DATE_LABELS[earlier]} ({fmt(before)})."
                )
                break
    return problems


# --- Eligibility hints --------------------------------------------------------------------

DIED, SERIOUS_HARM, NO_SERIOUS_HARM, CAUSED_HARM = "died", "serious_harm", "none", "caused_harm"
# A care leaver's or a young person with learning disabilities' needs may extend to their 21st birthday [DUDLEY 3.4].
CARE_LEAVER_AGE_LIMIT = 21


@dataclass(frozen=True)
class Hint:
    level: str  # "warning": the criteria do not seem met; "info": something to consider
    text: str
    source: str


CHILD_KINDS = {"rapid_review", "cspr_local", "cspr_national"}
AGENCIES_TEST_KINDS = {"rapid_review", "cspr_local", "cspr_national", "sar"}
PARTNERSHIP_KIND_CODES = frozenset({"scp", "sab", "csp"})

CHILD_DEATH_LEAD = Hint(
    "info",
    "Child death reviews are led by the child death review partners (the ICB and the local authority) through the "
    "child death overview panel, not by a safeguarding children partnership.",
    "DDICB Child Death Review; SAAF 4.5.3",
)
CHILD_DEATH_EXCLUSIONS = Hint(
    "info",
    "Stillbirths and planned terminations of pregnancy carried out within the law are not reviewed.",
    "DDICB Child Death Review",
)


def _child_age_hints(age, care_leaver_or_ld):
    if age is None or age < 18:
        return []
    if care_leaver_or_ld and age < CARE_LEAVER_AGE_LIMIT:
        return [
            Hint(
                "info",
                "The subject is 18 to 20 and a care leaver or a young person with learning disabilities: their needs "
                "may extend to their 21st birthday.",
                "DUDLEY 3.4",
            )
        ]
    return [Hint("warning", "The subject is 18 or over: this is not a child review.", "SAAF 4.5.3; DUDLEY 3.4")]


def _agencies_hint(kind, agencies_concern):
    """CSPR, SCR and SAR: concern about how agencies worked together [SAAF 4.5.2, 4.5.6; DUDLEY 30.1; NEL 8.3]."""
    if kind not in AGENCIES_TEST_KINDS or agencies_concern is not False:
        return []
    return [
        Hint(
            "warning",
            "These reviews are for cases where there is concern about how agencies and services worked together to "
            "safeguard the person.",
            "SAAF 4.5.2, 4.5.6; DUDLEY 30.1; NEL 8.3",
        )
    ]


def eligibility_hints(
    kind,
    *,
    abuse_or_neglect=None,
    harm=None,
    age=None,
    has_children=None,
    agencies_concern=None,
    care_leaver_or_ld=False,
    lead_kind=None,
):
    """What the sources say about whether a review of `kind` fits the case. Unknown facts (None) give no hint."""
    hints = []
    if kind in CHILD_KINDS:
        if abuse_or_neglect is False or harm == NO_SERIOUS_HARM:
            hints.append(
                Hint(
                    "warning",
                    "A child safeguarding practice review is for cases where abuse or neglect is known or suspected "
                    "and a child has died or been seriously harmed (or has caused serious harm to someone else).",
                    "NEL 8.1; SAAF 4.5.1, 4.5.2",
                )
            )
        if harm == CAUSED_HARM:
            hints.append(
                Hint(
                    "info",
                    "A CSPR may concern a child who has caused serious harm to someone else.",
                    "SAAF 4.5.2",
                )
            )
        hints += _child_age_hints(age, care_leaver_or_ld)
    elif kind == "dhr":
        if age is not None and age < 16:
            hints.append(
                Hint("warning", "A domestic homicide review concerns a victim aged 16 or over.", "NEL 8.4; SAAF 4.5.5")
            )
        elif (age is not None and 16 <= age <= 18) or has_children:
            hints.append(
                Hint(
                    "info",
                    "The victim is aged 16 to 18 or has children: a child safeguarding practice review normally "
                    "takes precedence over a DHR. The chairs of the community safety partnership and the "
                    "safeguarding children partnership agree the process.",
                    "NEL 8.4",
                )
            )
    elif kind == "sar":
        if age is not None and age < 18:
            hints.append(Hint("warning", "A safeguarding adults review concerns an adult (18 or over).", "NEL 8.3"))
        if abuse_or_neglect is False or harm == NO_SERIOUS_HARM:
            hints.append(
                Hint(
                    "warning",
                    "A SAR is for an adult who died, or experienced serious abuse or neglect, known or suspected.",
                    "NEL 8.3; SAAF 4.5.6",
                )
            )
    elif kind == "leder":
        if age is not None and age < 4:
            hints.append(
                Hint(
                    "warning",
                    "LeDeR reviews people with a learning disability aged 4 and over, and autistic adults.",
                    "SAAF 4.5.4",
                )
            )
        elif age is not None and age < 18:
            hints.append(
                Hint(
                    "info",
                    "For children aged 4 to 17 the child death review is the primary process; its results are "
                    "shared with LeDeR.",
                    "SAAF 4.5.4",
                )
            )
    elif kind == "child_death":
        if age is not None and age >= 18:
            hints.append(Hint("warning", "Child death reviews cover children under 18.", "SAAF 4.5.3"))
        led_by_a_partnership = lead_kind in PARTNERSHIP_KIND_CODES
        hints.append(
            Hint("warning", CHILD_DEATH_LEAD.text, CHILD_DEATH_LEAD.source)
            if led_by_a_partnership
            else CHILD_DEATH_LEAD
        )
        hints.append(CHILD_DEATH_EXCLUSIONS)
    hints += _agencies_hint(kind, agencies_concern)
    return hints


# --- Terms of reference file ----------------------------------------------------------------
# Checked by core.uploads.upload_problem (shared with assurance evidence); identifiers in free text by
# core.identifiers (shared with casework).

TOR_EXTENSIONS = ("pdf", "docx", "odt", "doc")


# --- Financial quarters (NHS England's quarterly return) ----------------------------------


def financial_quarter(day):
    """(financial year starting April, quarter 1-4): 1 April 2026 is Q1 of 2026/27."""
    q = Quarter.containing(day)
    return q.fy, q.q


def quarter_bounds(year, quarter):
    """First and last day of quarter `quarter` (1-4) of the financial year starting 1 April `year`."""
    q = Quarter(year, quarter)
    return q.start, q.end


def quarter_label(year, quarter):
    return Quarter(year, quarter).label


# --- Recommendations ----------------------------------------------------------------------


def recommendation_closed(action_statuses):
    """A recommendation is closed only when it has actions and every one is verified."""
    statuses = list(action_statuses)
    return bool(statuses) and all(status == "verified" for status in statuses)


# NHS participation in statutory reviews [SAAF 4.5]

# Kinds of NHS body whose non-participation is escalated to the NHS England region (codes of
# organisations.choices.OrganisationKind; GP practices hold NHS contracts).
NHS_BODY_KINDS = frozenset(
    {
        "icb",
        "trust_acute",
        "trust_community",
        "trust_mental_health",
        "trust_ambulance",
        "nhs_111_ooh",
        "gp_practice",
    }
)


def awaiting_escalation(escalated_on, resolved_on):
    """An NHS body not taking part, not yet escalated to the NHS England region and not yet taking part."""
    return escalated_on is None and resolved_on is None


def non_participation_problems(*, organisation_kind, region_kind, noted_on, escalated_on, resolved_on, today):
    """{field: message}: only an NHS body is escalated to NHS England; the region must be one; an escalation has
    a region and a date, neither before the non-participation was noted, nor in the future."""
    problems = {}
    if organisation_kind is not None and organisation_kind not in NHS_BODY_KINDS:
        problems["organisation"] = (
            "Choose an NHS body: another agency's non-participation is for the partnership, not NHS England."
        )
    if region_kind is not None and region_kind != "region":
        problems["region"] = "Choose an NHS England region."
    if (escalated_on is None) != (region_kind is None):
        field = "escalated_on" if escalated_on is None else "region"
        problems.setdefault(field, "An escalation names the NHS England region and the date.")
    for name, value in (("noted_on", noted_on), ("escalated_on", escalated_on), ("resolved_on", resolved_on)):
        if value is not None and value > today:
            problems[name] = "This date cannot be in the future."
    for name, value in (("escalated_on", escalated_on), ("resolved_on", resolved_on)):
        if value is not None and noted_on is not None and value < noted_on:
            problems.setdefault(name, "This cannot be before the body was noted as not taking part.")
    return problems


def enquiry_problems(*, local_authority_kind, opened_on, concluded_on, today):
    problems = {}
    if local_authority_kind is not None and local_authority_kind != "local_authority":
        problems["local_authority"] = "Choose the local authority making the enquiry."
    for name, value in (("opened_on", opened_on), ("concluded_on", concluded_on)):
        if value is not None and value > today:
            problems[name] = "This date cannot be in the future."
    if opened_on is not None and concluded_on is not None and concluded_on < opened_on:
        problems["concluded_on"] = "The enquiry cannot conclude before it opened."
    return problems
