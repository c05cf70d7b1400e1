"""Pure rules of standards assurance (no database): ratings, submission, lateness, roll-up, files.

Roll-up rule (configurable, see assurance/conf.py and docs/assurance.md):
- an assessment is RED when at least ASSURANCE_RED_NOT_MET (1) requirements are not met;
  AMBER when it is not red and any requirement is not met or at least
  ASSURANCE_AMBER_PARTIALLY_MET (1) are partially met; GREEN when every rated requirement is
  fully met or not applicable; GREY when nothing has been submitted (or nothing is rated);
- an organisation takes, for each framework, its latest submitted assessment, then the worst
  of those (ASSURANCE_ORGANISATION_ROLLUP = "worst") or the most recent one ("latest");
- the ICB is RED when at least ASSURANCE_ICB_RED_PERCENT (25) % of its rated organisations are
  red; AMBER when any is red or at least ASSURANCE_ICB_AMBER_PERCENT (25) % are amber or red;
  GREEN otherwise; GREY when no organisation is rated.
"""

import calendar as std_calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from assurance.choices import (
    NOTICES_NEEDING_ACTION,
    RAG,
    SHORTFALL_RATINGS,
    UNSUBMITTED_STATUSES,
    AssessmentStatus,
    Rating,
)
from core.calendar import add_calendar_months

RAG_ORDER = {RAG.GREY: 0, RAG.GREEN: 1, RAG.AMBER: 2, RAG.RED: 3}


@dataclass(frozen=True)
class RagThresholds:
    red_not_met: int = 1
    amber_partially_met: int = 1
    icb_red_percent: float = 25
    icb_amber_percent: float = 25
    organisation_rollup: str = "worst"


DEFAULT_THRESHOLDS = RagThresholds()


# Ratings and submission


def response_problem(*, rating, na_reason, action_count):
    """What stops one requirement's answer from being submitted, or None."""
    if not rating:
        return "Choose a rating."
    if rating == Rating.NOT_APPLICABLE and not (na_reason or "").strip():
        return "Say why this requirement does not apply."
    if rating in SHORTFALL_RATINGS and action_count < 1:
        return f"A rating of {Rating(rating).label.lower()} needs at least one SMART action."
    return None


def submission_problems(responses):
    """responses: iterable of (code, rating, na_reason, action_count). Returns {code: message}."""
    problems = {}
    for code, rating, na_reason, action_count in responses:
        if problem := response_problem(rating=rating, na_reason=na_reason, action_count=action_count):
            problems[code] = problem
    return problems


def is_late(status, due_date, today):
    """Late: not yet submitted (or returned and not resubmitted) after the due date."""
    return status in UNSUBMITTED_STATUSES and due_date is not None and today > due_date


def due_soon_today(status, due_date, today, calendar, working_days):
    """The 'due soon' reminder goes on the working day when exactly `working_days` remain."""
    return (
        status in UNSUBMITTED_STATUSES
        and calendar.is_working_day(today)
        and today < due_date
        and calendar.working_days_between(today, due_date) == working_days
    )


def overdue_today(status, due_date, today, calendar):
    """The overdue reminder goes on every working day while the assessment is late."""
    return is_late(status, due_date, today) and calendar.is_working_day(today)


# Roll-up


def assessment_rag(ratings, thresholds=DEFAULT_THRESHOLDS):
    counts = Counter(r for r in ratings if r)
    if not counts:
        return RAG.GREY
    not_met, partial = counts[Rating.NOT_MET], counts[Rating.PARTIALLY_MET]
    if not_met >= thresholds.red_not_met:
        return RAG.RED
    if not_met > 0 or partial >= thresholds.amber_partially_met:
        return RAG.AMBER
    return RAG.GREEN


def rated_status(status):
    """Ratings count for the roll-up once submitted (returned ones keep their submitted ratings)."""
    return status in {AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED, AssessmentStatus.SIGNED_OFF}


def worst(rags):
    rags = list(rags)
    return max(rags, key=RAG_ORDER.__getitem__) if rags else RAG.GREY


@dataclass(frozen=True)
class FrameworkResult:
    framework_key: str
    due_date: dt.date
    rag: str


def organisation_rag(results, thresholds=DEFAULT_THRESHOLDS):
    """results: FrameworkResult per submitted assessment. Latest per framework, then worst or latest."""
    latest = {}
    for result in results:
        if result.rag == RAG.GREY:
            continue
        current = latest.get(result.framework_key)
        if current is None or result.due_date > current.due_date:
            latest[result.framework_key] = result
    if not latest:
        return RAG.GREY
    if thresholds.organisation_rollup == "latest":
        return max(latest.values(), key=lambda r: r.due_date).rag
    return worst(r.rag for r in latest.values())


def icb_rag(organisation_rags, thresholds=DEFAULT_THRESHOLDS):
    rated = [r for r in organisation_rags if r != RAG.GREY]
    if not rated:
        return RAG.GREY
    red = sum(r == RAG.RED for r in rated)
    amber_or_red = sum(r in (RAG.RED, RAG.AMBER) for r in rated)
    if red * 100 >= thresholds.icb_red_percent * len(rated) and red > 0:
        return RAG.RED
    if red > 0 or (amber_or_red > 0 and amber_or_red * 100 >= thresholds.icb_amber_percent * len(rated)):
        return RAG.AMBER
    return RAG.GREEN


def trend(previous, current):
    """Compare an organisation's RAG with the previous cycle of the same framework."""
    if previous in (None, RAG.GREY) or current == RAG.GREY:
        return "no comparison"
    if RAG_ORDER[current] < RAG_ORDER[previous]:
        return "better"
    if RAG_ORDER[current] > RAG_ORDER[previous]:
        return "worse"
    return "same"


# Evidence files are checked by core.uploads.upload_problem (shared with review terms of reference).


def cycle_due_date_problem(due_date, today):
    if due_date is None:
        return "Enter the date the assessments are due."
    if due_date < today:
        return "The due date cannot be in the past."
    return None


def applies_to(requirement_kinds, framework_kinds, organisation_kind):
    """A requirement applies to an organisation when its kind is in the requirement's list
    (or, when the requirement has none, in the framework's)."""
    return organisation_kind in (requirement_kinds or framework_kinds or ())


# --- Requirements worded from settings (Lampard L-4, L-5) ---------------------------------------


def _every(months):
    if months % 12 == 0:
        years = months // 12
        return "every year" if years == 1 else f"every {years} years"
    return f"every {months} months"


def refresher_phrase(months):
    """[DUDLEY 20.6: an annual level 1 update; CPCCG 12: level 1 at least every three years]."""
    return f"safeguarding refresher training {_every(months)}"


def dbs_recheck_phrase(months):
    """[DUDLEY 7.5: no statutory guidance on how often; best practice is an annual self-disclosure]."""
    if months is None:
        return "no routine DBS recheck; an annual self-disclosure from each member of staff and volunteer"
    return f"a DBS recheck {_every(months)}"


class _KeepUnknown(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def worded(text, phrases):
    """`text` with its {placeholders} filled from `phrases`; unknown ones and stray braces are left as they are."""
    try:
        return (text or "").format_map(_KeepUnknown(phrases))
    except (ValueError, IndexError):
        return text


# --- Children in care: health assessment clocks ---------------------------------------------
# Initial health assessment within 20 working days of entering care; review health assessments every 6 months
# while the child is under 5 on the day of the last assessment and every 12 months from 5 [SAAF 4.7.2; CPCCG
# App. 1; reference part C S13]. These define the return's CIC-IHA and CIC-RHA figures (returns/data).

IHA_WORKING_DAYS = 20
RHA_MONTHS_UNDER_FIVE = 6
RHA_MONTHS_FROM_FIVE = 12
RHA_AGE_BOUNDARY = 5


def birthday(date_of_birth, years):
    """The day a child born on `date_of_birth` reaches `years`: a child born on 29 February reaches it on
    1 March in a year that is not a leap year (as English law counts age)."""
    year = date_of_birth.year + years
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not std_calendar.isleap(year):
        return dt.date(year, 3, 1)
    return date_of_birth.replace(year=year)


def age_on(date_of_birth, day):
    """Whole years of age on `day`."""
    years = day.year - date_of_birth.year
    return years if day >= birthday(date_of_birth, years) else years - 1


def iha_due(entered_care_on, working_calendar, working_days=IHA_WORKING_DAYS):
    """The last day for the initial health assessment: `working_days` working days after the day the child
    entered care (that day does not count; weekends, bank holidays and the ICB's closure days are skipped)."""
    return working_calendar.add_working_days(entered_care_on, working_days)


def iha_on_time(entered_care_on, assessed_on, working_calendar, working_days=IHA_WORKING_DAYS):
    """Was the initial health assessment done by its due day? Not yet done is not on time."""
    return assessed_on is not None and assessed_on <= iha_due(entered_care_on, working_calendar, working_days)


def rha_interval_months(
    date_of_birth,
    last_assessed_on,
    *,
    under_five=RHA_MONTHS_UNDER_FIVE,
    from_five=RHA_MONTHS_FROM_FIVE,
    boundary=RHA_AGE_BOUNDARY,
):
    """Months to the next review: 6 when the child was under 5 on the day of the last assessment, 12 from the
    fifth birthday itself."""
    return under_five if age_on(date_of_birth, last_assessed_on) < boundary else from_five


def rha_due(date_of_birth, last_assessed_on, **intervals):
    """The date the next review health assessment is due: the same day 6 or 12 months after the last one
    (clamped to the month's end)."""
    return add_calendar_months(last_assessed_on, rha_interval_months(date_of_birth, last_assessed_on, **intervals))


# --- The ICB's own duties: gaps -------------------------------------------------------------


def fmt(day):
    return f"{day.day} {day:%B %Y}"


def specification_gaps(review_date, child_voice, today):
    """Gaps in a children-in-care health service specification: its review date has passed (from the day
    after), or how the child's voice is captured is not recorded [DDICB Looked after Children]."""
    gaps = []
    if review_date is not None and today > review_date:
        gaps.append(f"Review date passed on {fmt(review_date)}")
    if not (child_voice or "").strip():
        gaps.append("How the child's voice is captured is not recorded")
    return gaps


def funding_panel_gaps(mca_compliant, evidence, assured_on):
    """Gaps in a funding panel's MCA assurance: not documented as compliant, no evidence, or no date
    [DDICB Chief Executive Officer]."""
    gaps = []
    if not mca_compliant:
        gaps.append("Not documented as compliant with the Mental Capacity Act")
    if not (evidence or "").strip():
        gaps.append("No evidence recorded")
    if assured_on is None:
        gaps.append("No date of assurance")
    return gaps


NO_SPECIFICATION = "No children-in-care health service specification recorded"
NO_FUNDING_PANEL = "No funding panel documented as compliant with the Mental Capacity Act"


def icb_duty_gaps(specification_gap_lists, panel_gap_lists):
    """The ICB's gaps across its current records: each record's own, and a gap when there is none at all."""
    gaps = [] if specification_gap_lists else [NO_SPECIFICATION]
    gaps += [] if panel_gap_lists else [NO_FUNDING_PANEL]
    return gaps


RATING_TAGS = {
    "outstanding": "blue",
    "good": "green",
    "requires_improvement": "yellow",
    "inadequate": "red",
    "not_rated": "grey",
}


def rating_tag(rating):
    """The NHS.UK tag colour of a regulator's rating ("" when there is none)."""
    return RATING_TAGS.get(rating or "", "")


def date_order_problems(dates):
    """`dates` is [(field, label, date)] in the order they must fall; each date before an earlier one is named.
    Missing dates are skipped."""
    problems, latest = {}, None
    for field_name, label, value in dates:
        if value is None:
            continue
        if latest is not None and value < latest[1]:
            problems[field_name] = f"This cannot be before the {latest[0]}."
        else:
            latest = (label, value)
    return problems


def not_in_future_problems(dates, today):
    """{field: message} for every (field, date) after `today`: an inspection register records what has happened."""
    return {name: "This date cannot be in the future." for name, value in dates if value is not None and value > today}


def notice_needs_action(kind, lifted_on, actions):
    """A requirement, warning or enforcement notice that still stands needs at least one action in the tracker
    (raised from the notice or from its inspection) [NEL 15.0; CPCCG 8.1]."""
    return kind in NOTICES_NEEDING_ACTION and lifted_on is None and actions == 0


def investigation_problems(investigation, designated_informed_on):
    """The designated professional is told of every investigation [DUDLEY 19.3]: a date is needed once one is
    recorded, and makes no sense without one."""
    if designated_informed_on is not None and not investigation:
        return {"designated_informed_on": "Only record this date for an investigation."}
    return {}
