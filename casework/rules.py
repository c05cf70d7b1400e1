"""Pure rules of the casework registers: clocks, validations and pseudonym warnings. No database.

Every clock takes a `core.calendar.WorkingCalendar`, so bank holidays and the ICB's closure
days count the same way everywhere.
"""

import datetime as dt
from dataclasses import dataclass

from casework.choices import (
    AllegationOutcome,
    AllegationSetting,
    ConsentDecision,
    EmploymentOutcome,
    ReferralRoute,
)
from core.identifiers import identifier_warnings
from core.quarters import Quarter

# ---------------------------------------------------------------------------------------------
# Clocks


def allegation_inform_due(made_on, calendar, working_days=1):
    """The LADO and the designated nurse or doctor must be told within one working day of the
    allegation [NEL Std 10]: the allegation day never counts, so Friday (any time) -> Monday,
    or Tuesday when Monday is a bank holiday; a Saturday allegation -> Monday. `working_days` None:
    no deadline (the clock is shown without a due date)."""
    if working_days is None:
        return None
    return calendar.add_working_days(made_on, working_days)


def lado_applies(setting):
    """The LADO is for allegations about people who work with children [NEL Std 10; DDICB Managing
    allegations]. An allegation about a person in a position of trust with adults follows the safeguarding
    adults board's framework and the ICB's designated adult safeguarding professional is informed [SAAF 3.5.7]."""
    return setting != AllegationSetting.ADULTS


def referral_follow_up_required(route):
    """Only a telephone referral is followed up in writing [DDICB What to do; DUDLEY 15.2]: an online referral
    is already in writing, and a referral straight to the police follows the police's process [DUDLEY 25.3]."""
    return route == ReferralRoute.TELEPHONE


def referral_follow_up_due(referred_at, hours=48):
    """Written follow-up of a telephone referral: `hours` clock hours after the call [DDICB What to do,
    CPCCG front matter: 48; DUDLEY 15.2: 24]. Clock hours with no roll-forward to a working day: the
    online referral routes are open at weekends [DDICB], so a Friday 18:00 call is due Sunday 18:00.
    `referred_at` is an aware or naive datetime; the result has the same tzinfo."""
    return referred_at + dt.timedelta(hours=hours)


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
    chief_nurse_told_on=None,
    current_employer_told_on=None,
    setting=AllegationSetting.CHILDREN,
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
        ("chief_nurse_told_on", chief_nurse_told_on, "The date the chief nurse was told"),
        ("current_employer_told_on", current_employer_told_on, "The date the current employer was told"),
        ("closed_on", closed_on, "The closure date"),
        ("dbs_referral_on", dbs_referral_on, "The DBS referral date"),
    ):
        if made_on and value and value < made_on:
            problems[name] = f"{label} cannot be before the allegation was made ({made_on:%d %B %Y})."
    if outcome and not closed_on:
        problems.setdefault("closed_on", "Enter the closure date: an allegation with an outcome is closed.")
    if closed_on and not outcome:
        problems.setdefault("outcome", "Choose the outcome before closing the allegation.")
    if outcome and dbs_referral_required(employment_outcome, outcome) and not dbs_referral_on:
        problems.setdefault(
            "dbs_referral_on",
            "The person was removed, resigned or ceased to be used: a DBS barring referral is required. "
            "Enter the date it was made.",
        )
    return problems


BARRING_EMPLOYMENT_OUTCOMES = frozenset(
    {EmploymentOutcome.REMOVED, EmploymentOutcome.RESIGNED, EmploymentOutcome.CEASED}
)
NO_BARRING_OUTCOMES = frozenset({AllegationOutcome.FALSE, AllegationOutcome.MALICIOUS})


def dbs_referral_required(employment_outcome, outcome=""):
    """A referral to the Disclosure and Barring Service is required when the person is removed from regulated
    activity, resigns or ceases to be used (agency, bank, volunteer) because of safeguarding concerns [SAAF 3.2;
    DDICB Managing allegations]; not when the allegation is found false or malicious."""
    return employment_outcome in BARRING_EMPLOYMENT_OUTCOMES and outcome not in NO_BARRING_OUTCOMES


# ---------------------------------------------------------------------------------------------
# Escalation procedures (data per ICB: casework/data/escalation_procedures.json)

GP, PROVIDER = "gp", "provider"


@dataclass(frozen=True)
class ProcedureStage:
    number: int
    name: str
    raised_by: str
    raised_with: str


@dataclass(frozen=True)
class Procedure:
    """An escalation procedure: its five stages, the stage at which the designated professional is told (by
    kind of raising organisation), whether a multiple-case concern tells them immediately, from which stage the
    partnership manager is notified (and told the outcome) and at which stage the partnership chair is told."""

    code: str
    name: str
    source: str
    stages: tuple
    designated_informed_at: dict  # {"provider": 3, "gp": 3}
    multiple_cases_immediately: bool
    partnership_manager_from: int | None
    chair_at: int | None

    @classmethod
    def from_definition(cls, code, name, source, definition):
        stages = tuple(
            ProcedureStage(s["number"], s["name"], s.get("raised_by", ""), s.get("raised_with", ""))
            for s in definition["stages"]
        )
        return cls(
            code=code,
            name=name,
            source=source,
            stages=stages,
            designated_informed_at=dict(definition["designated_informed_at"]),
            multiple_cases_immediately=bool(definition.get("multiple_cases_immediately")),
            partnership_manager_from=definition.get("partnership_manager_from"),
            chair_at=definition.get("chair_at"),
        )

    def stage(self, number):
        return next((s for s in self.stages if s.number == number), None)

    def designated_stage(self, raiser_kind):
        return self.designated_informed_at.get(raiser_kind, self.designated_informed_at.get(PROVIDER))


def designated_inform_due(procedure, stage_dates, *, raiser_kind, multiple_cases, opened_on):
    """When the designated professional must be told: the day the escalation is opened when poor practice spans
    multiple cases [CPCCG App. 5 Definition]; else the day the first stage at or above the procedure's stage for
    the raiser is reached (stage 3 [DUDLEY 28.2]; stage 4 for a provider's named professional and stage 3 for
    GPs [CPCCG App. 5]). None when no such stage is reached yet."""
    if multiple_cases and procedure.multiple_cases_immediately:
        return min([opened_on, *stage_dates.values()])
    threshold = procedure.designated_stage(raiser_kind)
    reached = [day for stage, day in stage_dates.items() if stage >= threshold]
    return min(reached) if reached else None


def first_stage_reached(stage_dates, threshold):
    """The date the first stage at or above `threshold` was reached, or None."""
    if threshold is None:
        return None
    reached = [day for stage, day in stage_dates.items() if stage >= threshold]
    return min(reached) if reached else None


def stage_problems(existing_dates, stage, reached_on=None, skip_reason=""):
    """{field: message} for recording `stage` of an escalation ({stage: date} already recorded).

    Each stage once, 1 to 5, going up. Disagreements are resolved at the lowest stage, "however if a child is
    thought to be at risk of immediate harm discretion should be used as to which stage is initiated" [DUDLEY
    App. 6]; contact the Head of Service directly [CPCCG App. 5 Salient points]: a stage recorded without the
    one below it is accepted with the reason for skipping, never refused."""
    if stage < 1 or stage > 5:
        return {"stage": "The stage must be between 1 and 5."}
    if stage in existing_dates:
        return {"stage": f"Stage {stage} is already recorded."}
    highest = max(existing_dates, default=0)
    if stage < highest:
        return {
            "stage": f"Stage {highest} is already recorded: an escalation moves up, so stage {stage} cannot follow it."
        }
    if reached_on and highest and reached_on < existing_dates[highest]:
        before = f"{existing_dates[highest]:%d %B %Y}"
        return {"reached_on": f"Stage {stage} cannot be reached before stage {highest} ({before})."}
    if stage > 1 and stage - 1 not in existing_dates and not (skip_reason or "").strip():
        return {
            "skip_reason": f"Stage {stage} is recorded without stage {stage - 1}: say why earlier stages were skipped "
            "(for example, a child at risk of immediate harm)."
        }
    return {}


def skipped_stages(stage_numbers):
    """The stages below the highest that were never recorded (an urgent start)."""
    recorded = set(stage_numbers)
    return [n for n in range(1, max(recorded, default=0)) if n not in recorded]


# ---------------------------------------------------------------------------------------------
# Referrals and the disclosure log


def referral_problems(*, route, has_local_authority, family_told, why_family_not_told, written_follow_up_at=None):
    problems = {}
    if route != ReferralRoute.POLICE and not has_local_authority:
        problems["local_authority"] = (
            "Choose the local authority referred to (not needed for a referral to the police)."
        )
    if family_told is False and not (why_family_not_told or "").strip():
        problems["why_family_not_told"] = (
            "Say why the child or family was not told: telling them is good practice unless it would be "
            "detrimental to the child or an investigation [DUDLEY 15.1]."
        )
    if written_follow_up_at and not referral_follow_up_required(route):
        problems["written_follow_up_at"] = "Only a telephone referral is followed up in writing."
    return problems


def disclosure_problems(
    *,
    reasoning,
    person_told,
    why_not_told,
    enquirer_verified=None,
    grounds="",
    consent=ConsentDecision.NOT_SOUGHT,
    consent_exception="",
):
    problems = {}
    if not (reasoning or "").strip():
        problems["reasoning"] = "Record the reasoning for sharing without consent."
    if person_told is False and not (why_not_told or "").strip():
        problems["why_not_told"] = "Say why the person was not told that their information was shared."
    if enquirer_verified is not None and not (grounds or "").strip():
        problems["grounds"] = (
            "Record the grounds on which the information was requested, as clarified with the enquirer "
            "[DDICB Information Sharing]."
        )
    if consent == ConsentDecision.NOT_SOUGHT and not consent_exception:
        problems["consent_exception"] = "Choose the exception that applied when consent was not sought."
    if consent != ConsentDecision.NOT_SOUGHT and consent_exception:
        problems["consent_exception"] = "An exception applies only when consent was not sought."
    return problems


def private_fostering(days_cared_for, minimum_days=28, inclusive=True):
    """A private fostering arrangement: cared for by a non-relative for "28 days or more" [DDICB Private
    Fostering] (inclusive, the default) or "more than 28 days" [DUDLEY 22.1] (inclusive=False)."""
    return days_cared_for >= minimum_days if inclusive else days_cared_for > minimum_days


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


def skipped_in(stage_dates, start, end):
    """An escalation counts as an urgent start in a quarter when a stage reached within it skipped the one below."""
    return any(start <= day <= end and stage > 1 and stage - 1 not in stage_dates for stage, day in stage_dates.items())


# ---------------------------------------------------------------------------------------------
# Pseudonym warnings: names and valid NHS numbers are found by core.identifiers (shared with reviews).


ACKNOWLEDGE_HINT = (
    "If you are sure, tick 'I have checked the warnings' (API: acknowledge_warnings=true) and save again."
)


def checked_text(instance, names=None):
    """{field: text} of a record's pseudonym and free-text fields (only `names`, when given)."""
    fields = (*instance.pseudonym_fields, *instance.free_text_fields)
    return {name: getattr(instance, name) for name in fields if names is None or name in names}


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
    skipped: int = 0  # urgent starts: a stage reached in the quarter without the one below [DUDLEY App. 6]
    multiple_cases: int = 0  # concerns about poor practice across multiple cases [CPCCG App. 5]


def count_escalations(items, start, end):
    """`items`: (local authority, theme, {stage: date reached}[, multiple cases]) for each escalation."""
    by_stage = dict.fromkeys(range(1, 6), 0)
    by_theme, by_la, cells = {}, {}, {}
    skipped = multiple = 0
    for local_authority, theme, stage_dates, *extra in items:
        if not active_in(stage_dates, start, end):
            continue
        skipped += skipped_in(stage_dates, start, end)
        multiple += bool(extra and extra[0])
        stage = highest_stage_by(stage_dates, end)
        by_stage[stage] += 1
        by_theme[theme] = by_theme.get(theme, 0) + 1
        by_la[local_authority] = by_la.get(local_authority, 0) + 1
        cells.setdefault((local_authority, theme), [0] * 5)[stage - 1] += 1
    rows = [(la, theme, counts, sum(counts)) for (la, theme), counts in sorted(cells.items())]
    return EscalationCounts(start, end, by_stage, by_theme, by_la, rows, sum(by_stage.values()), skipped, multiple)
