"""Read-side views of the registers: each record's clocks, a user's "what needs doing" list and the
quarterly escalation counts. Queries are per register, never per row."""

from dataclasses import dataclass

from django.utils import timezone

from casework import conf, rules
from casework.choices import DutyOfCandour, EscalationTheme
from casework.models import (
    AdviceEntry,
    Allegation,
    Escalation,
    EscalationProcedure,
    HealthNeedsConcern,
    Referral,
    SeriousIncident,
)
from core.models import working_calendar
from organisations.choices import OrganisationKind


@dataclass(frozen=True)
class Clock:
    label: str
    due: object  # date, aware datetime, or None (something to do without a deadline in the sources)
    done: object = None
    window_start: object = None

    @property
    def has_time(self):
        return hasattr(self.due, "hour")

    def status(self, now):
        return "done" if self.done else rules.clock_status(self.due, now)


def clocks_for(record, calendar):
    """Every clock of one record (done or not). Fetch escalations with `stages` and concerns with
    `requests__agency` prefetched."""
    if isinstance(record, Allegation):
        return allegation_clocks(record, calendar)
    if isinstance(record, Escalation):
        return escalation_clocks(record, procedure_of(record))
    if isinstance(record, AdviceEntry):
        return (
            [Clock("Follow up the advice", record.follow_up_on, record.followed_up_on)] if record.follow_up_on else []
        )
    if isinstance(record, Referral):
        return referral_clocks(record, calendar)
    if isinstance(record, SeriousIncident):
        clocks = [Clock("Inform the designated professionals", None, record.designated_informed_on)]
        if record.duty_of_candour == DutyOfCandour.REQUIRED:
            clocks.append(Clock("Complete the duty of candour", None))
        return clocks
    if isinstance(record, HealthNeedsConcern):
        clocks = [
            Clock(f"Information from {request.agency.name}", request.return_by, request.returned_on)
            for request in record.requests.all()
        ]
        if record.return_deadline:
            start, end = meeting_window(record.return_deadline, calendar)
            clocks.append(Clock("Hold the health professionals meeting", end, record.meeting_on, window_start=start))
        return clocks
    return []


def allegation_clocks(record, calendar):
    """Children: the LADO and the designated nurse or doctor within one working day [NEL Std 10]. Adults (PiPoT):
    no LADO; the designated adult safeguarding professional within the PiPoT setting [SAAF 3.5.7]. About ICB staff:
    the chief nurse [DDICB Managing allegations]. A barring referral when due [SAAF 3.2]."""
    if rules.lado_applies(record.setting):
        due = rules.allegation_inform_due(record.made_on, calendar, conf.get("CASEWORK_ALLEGATION_INFORM_WORKING_DAYS"))
        clocks = [
            Clock("Inform the LADO", due, record.lado_informed_on),
            Clock("Inform the designated nurse or doctor", due, record.designated_informed_on),
        ]
    else:
        due = rules.allegation_inform_due(record.made_on, calendar, conf.get("CASEWORK_PIPOT_INFORM_WORKING_DAYS"))
        clocks = [
            Clock("Inform the designated adult safeguarding professional", due, record.designated_informed_on),
        ]
    if record.organisation.kind == OrganisationKind.ICB:
        clocks.append(Clock("Tell the chief nurse (executive lead)", None, record.chief_nurse_told_on))
    if record.is_historical and record.still_works_with_children:
        clocks.append(Clock("Tell the person's current employer", None, record.current_employer_told_on))
    if rules.dbs_referral_required(record.employment_outcome, record.outcome):
        clocks.append(Clock("Make the DBS barring referral", None, record.dbs_referral_on))
    return clocks


def procedure_of(escalation):
    """The escalation's procedure as a rule (the default one for escalations opened before procedures were data)."""
    procedure = escalation.procedure or default_procedure()
    return procedure.as_rule()


def default_procedure():
    code = conf.get("CASEWORK_ESCALATION_PROCEDURE")
    return EscalationProcedure.objects.filter(code=code).first() or EscalationProcedure.objects.order_by("pk").first()


def raiser_kind(escalation):
    return rules.GP if escalation.organisation.kind == OrganisationKind.GP_PRACTICE else rules.PROVIDER


def escalation_clocks(record, procedure):
    """Who must be told when, under the escalation's procedure [DUDLEY 28.2, App. 6 3.3-3.5; CPCCG App. 5]."""
    dates = {s.stage: s.reached_on for s in record.stages.all()}
    opened_on = min(dates.values(), default=timezone.localtime(record.created_at).date())
    clocks = []
    due = rules.designated_inform_due(
        procedure, dates, raiser_kind=raiser_kind(record), multiple_cases=record.multiple_cases, opened_on=opened_on
    )
    if due is not None:
        why = (
            "poor practice across multiple cases: immediately"
            if record.multiple_cases and procedure.multiple_cases_immediately
            else f"stage {procedure.designated_stage(raiser_kind(record))} reached"
        )
        clocks.append(Clock(f"Inform the designated professional ({why})", due, record.designated_informed_on))
    if manager_due := rules.first_stage_reached(dates, procedure.partnership_manager_from):
        clocks.append(
            Clock("Notify the safeguarding partnership manager", manager_due, record.partnership_manager_notified_on)
        )
    if chair_due := rules.first_stage_reached(dates, procedure.chair_at):
        clocks.append(Clock("Inform the partnership chair", chair_due, record.chair_informed_on))
    if record.outcome:
        clocks.append(Clock("Confirm the agreed outcome in writing", None, record.outcome_in_writing_on))
        clocks.append(
            Clock("Share the outcome with the person who raised it", None, record.outcome_shared_with_raiser_on)
        )
        if manager_due:
            clocks.append(
                Clock("Tell the partnership manager the outcome", None, record.partnership_manager_told_outcome_on)
            )
    return clocks


def referral_clocks(record, calendar):
    """A telephone referral is followed up in writing within the setting's clock hours [DDICB What to do; DUDLEY
    15.2]; an online or police referral has no follow-up clock. Receipt confirmed [DUDLEY 15.2]; outcome chased
    after three working days [DUDLEY 15.3]; a copy to the designated nurse [DUDLEY 15.6]."""
    referred = timezone.localtime(record.referred_at)
    clocks = []
    if rules.referral_follow_up_required(record.route):
        due = rules.referral_follow_up_due(referred, conf.get("CASEWORK_REFERRAL_FOLLOW_UP_HOURS"))
        clocks.append(Clock("Send the written follow-up", due, record.written_follow_up_at))
    clocks += [
        Clock("Confirm the referral was received", None, record.receipt_confirmed_on),
        Clock(
            "Chase the outcome of the referral",
            rules.referral_outcome_chase_due(
                referred.date(), calendar, conf.get("CASEWORK_REFERRAL_OUTCOME_CHASE_WORKING_DAYS")
            ),
            record.outcome_received_on or record.outcome_chased_on,
        ),
        Clock("Send a copy to the designated nurse", None, record.copy_to_designated_on),
    ]
    return clocks


@dataclass(frozen=True)
class FollowedRule:
    rule: str
    value: str
    source: str


def rules_followed(icb):
    """Where the seeds disagree, which one this ICB follows (its escalation procedure and the settings)."""
    from casework.actions import procedure_for

    procedure = procedure_for(icb)
    hours = conf.get("CASEWORK_REFERRAL_FOLLOW_UP_HOURS")
    pipot = conf.get("CASEWORK_PIPOT_INFORM_WORKING_DAYS")
    fostering_days = conf.get("CASEWORK_PRIVATE_FOSTERING_DAYS")
    inclusive = conf.get("CASEWORK_PRIVATE_FOSTERING_INCLUSIVE")
    return [
        FollowedRule(
            "Escalation procedure",
            procedure.name if procedure else "None loaded",
            procedure.source if procedure else "",
        ),
        FollowedRule(
            "Written follow-up of a telephone referral",
            f"within {hours} clock hours",
            {48: "DDICB What to do; CPCCG front matter", 24: "DUDLEY 15.2"}.get(hours, "local setting"),
        ),
        FollowedRule(
            "Allegation about a person in a position of trust with adults",
            f"designated adult safeguarding professional informed within {pipot} working day(s)"
            if pipot is not None
            else "designated adult safeguarding professional informed (no deadline)",
            "SAAF 3.5.7 (no timescale in the source: local setting)",
        ),
        FollowedRule(
            "Private fostering",
            f"{fostering_days} days or more" if inclusive else f"more than {fostering_days} days",
            "DDICB Private Fostering" if inclusive else "DUDLEY 22.1",
        ),
    ]


def meeting_window(return_deadline, calendar):
    return rules.chn_meeting_window(
        return_deadline,
        calendar,
        conf.get("CASEWORK_CHN_MEETING_EARLIEST_DAYS"),
        conf.get("CASEWORK_CHN_MEETING_LATEST_DAYS"),
        conf.get("CASEWORK_CHN_MEETING_DAY_KIND"),
    )


# The registers with clocks, each with how to fetch its open records.
def _open(model):
    queryset = model.objects.filter(archived_at__isnull=True).select_related("organisation")
    if hasattr(model, "closed_on"):
        queryset = queryset.filter(closed_on__isnull=True)
    if model is Escalation:
        queryset = queryset.select_related("procedure").prefetch_related("stages")
    if model is HealthNeedsConcern:
        queryset = queryset.prefetch_related("requests__agency")
    if model is AdviceEntry:
        queryset = queryset.filter(follow_up_on__isnull=False, followed_up_on__isnull=True)
    return queryset


CLOCK_MODELS = (Allegation, Escalation, AdviceEntry, Referral, SeriousIncident, HealthNeedsConcern)
STATUS_ORDER = {rules.OVERDUE: 0, rules.DUE_TODAY: 1, rules.OUTSTANDING: 2, rules.DUE: 3}


@dataclass(frozen=True)
class DueItem:
    record: object
    clock: Clock
    status: str

    @property
    def sort_key(self):
        due = self.clock.due
        day = due.date() if hasattr(due, "date") and callable(due.date) else due
        return (STATUS_ORDER[self.status], day is None, day or timezone.localdate(), self.record.reference)


def open_clocks(records, calendar_for, now):
    """DueItems for every clock not yet done on `records`; `calendar_for(record)` gives its calendar."""
    for record in records:
        for clock in clocks_for(record, calendar_for(record)):
            if not clock.done:
                yield DueItem(record, clock, clock.status(now))


def due_items(user, now=None):
    """Everything the user must do across the registers they may read, overdue first."""
    now = timezone.localtime(now or timezone.now())
    calendar = working_calendar(user.organisation.icb_id) if user.organisation_id else None
    items = []
    for model in CLOCK_MODELS:
        if user.role not in model.access.view:
            continue
        records = _open(model).restrict(user)
        items.extend(open_clocks(records, lambda _record: calendar, now))
    return sorted(items, key=lambda item: item.sort_key)


def escalation_counts(queryset, year, quarter):
    start, end = rules.financial_quarter(year, quarter)
    escalations = (
        queryset.filter(archived_at__isnull=True, stages__reached_on__range=(start, end))
        .distinct()
        .select_related("local_authority")
        .prefetch_related("stages")
    )
    themes = dict(EscalationTheme.choices)
    items = [
        (
            e.local_authority.name,
            themes.get(e.theme, e.theme),
            {s.stage: s.reached_on for s in e.stages.all()},
            e.multiple_cases,
        )
        for e in escalations
    ]
    return rules.count_escalations(items, start, end)


def escalation_counts_by_code(queryset, year, quarter):
    """As `escalation_counts`, keyed by codes rather than labels (the shape of the quarterly return's ESC
    breakdowns): stage numbers, theme codes and each local authority's ODS code (or "LA<pk>")."""
    start, end = rules.financial_quarter(year, quarter)
    escalations = (
        queryset.filter(archived_at__isnull=True, stages__reached_on__range=(start, end))
        .distinct()
        .select_related("local_authority")
        .prefetch_related("stages")
    )
    items = [
        (
            e.local_authority.ods_code or f"LA{e.local_authority_id}",
            e.theme,
            {s.stage: s.reached_on for s in e.stages.all()},
            e.multiple_cases,
        )
        for e in escalations
    ]
    return rules.count_escalations(items, start, end)


# --- For the reporting app's reports: counts only -----------------------------------------

COUNTED_REGISTERS = (Allegation, Escalation, AdviceEntry, Referral, SeriousIncident, HealthNeedsConcern)


def register_counts(icb_id, start, end, as_at):
    """[(register name, opened in the period, open at `as_at`)] for one ICB's casework registers: counts only, for
    a report to suppress (core.suppression). `as_at` is an aware datetime; two queries per register."""
    from django.db.models import Q

    day = timezone.localdate(as_at)
    rows = []
    for model in COUNTED_REGISTERS:
        records = model.objects.filter(
            Q(organisation_id=icb_id) | Q(organisation__icb_id=icb_id), archived_at__isnull=True, created_at__lte=as_at
        )
        opened = records.filter(created_at__date__gte=start, created_at__date__lte=end).count()
        still_open = records
        if hasattr(model, "closed_on"):
            still_open = records.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        rows.append((str(model._meta.verbose_name_plural).capitalize(), opened, still_open.count()))
    return rows
