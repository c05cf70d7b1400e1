"""Every change of signals state: atomic, audited, `do_…(…, *, acting_user)`.

Evaluation (`do_evaluate`) reads only what is new: each rule keeps a marker, the highest record id it evaluated
per source (`SignalRule.evaluated_up_to`, emptied when its settings change), and reads the records above it. The
organisation's row lock serialises evaluations, imports and rule changes, so no record is committed below a marker
already written. For a rolling-window rule it reads only the subjects an SQL window query names as candidates (a
widened window: never fewer than the exact rule), then plans in Python with the pure rules (signals.rules, which
keep the calendar-month boundaries). PostgreSQL reads in a fixed number of statements and writes tasks, evidence
and their audit entries set-based (signals.bulk; S2 wholly in SQL); SQLite reads per 1,000 subjects and writes
through the ORM, one audit entry per task either way (the content of core.audit.log_many). The unique `dedup_key`
backs the rule that a task is never opened twice for the same evidence.
"""

import datetime as dt
import json
from collections import defaultdict

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from casework import actions as casework_actions
from core.actions import audited
from core.audit import log_many, save_entries, unsaved_entries
from core.models import working_calendar
from organisations.models import Organisation
from signals import bulk, conf, crypto, rules
from signals.choices import FlagKind, Outcome, Owner, Signal, TaskStatus, TimescaleUnit
from signals.models import (
    Attendance,
    Child,
    CpisFlag,
    DomesticAbuseNotification,
    MissedAppointment,
    NotificationChild,
    ReviewTask,
    SignalRule,
    TaskEvidence,
)

CHUNK = 2000


def chunks(values, size=CHUNK):
    """`values` in lists of at most `size`: IN lists stay under SQLite's limit on query parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


RULE_FIELDS = ("enabled", "threshold", "window_months", "timescale", "timescale_unit", "owners", "parameters")


# ------------------------------------------------------------------------------------------------ rules


def ensure_rules(organisation):
    """{signal: SignalRule} of `organisation`, the missing ones created from the sourced defaults (system actor)."""
    held = {rule.signal: rule for rule in SignalRule.objects.filter(organisation=organisation)}
    missing = [code for code in conf.RULE_DEFAULTS if code not in held]
    if missing:
        with audited(None):
            for code in missing:
                defaults = conf.RULE_DEFAULTS[code]
                held[code] = SignalRule.objects.create(
                    organisation=organisation,
                    signal=code,
                    **{name: defaults[name] for name in RULE_FIELDS if name in defaults},
                    source=defaults["source"],
                )
    return held


def do_update_rule(rule, *, acting_user, age_bands=None, **fields):
    """Change a rule's settings (threshold, window, timescale, owners...). S2's age bands (`age_bands`, kept in
    its parameters) are checked: contiguous from 0 to 18, no overlap, each with an owner; S2's owners are then
    the bands' owners. Errors name the setting (`age_bands` for the bands)."""
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This setting cannot be changed."))
    if rule.signal == Signal.S2 and "owners" in fields:  # sent back unchanged (a PUT of what was read): ignored
        bands = age_bands if age_bands is not None else (rule.parameters or {}).get("age_bands")
        derived = rules.owners_of_bands(bands) if not rules.age_band_problems(bands, Owner.values) else rule.owners
        if not isinstance(fields["owners"], list) or set(map(str, fields.pop("owners"))) != set(derived):
            raise ValidationError({"owners": "S2's owners come from its age bands: change the bands."})
    if age_bands is not None:
        if rule.signal != Signal.S2:
            raise ValidationError({"age_bands": "Only S2 (domestic abuse notifications) routes by age."})
        fields["parameters"] = {**(fields.get("parameters") or rule.parameters or {}), "age_bands": age_bands}
    if rule.signal == Signal.S2 and "parameters" in fields:
        bands = (fields["parameters"] or {}).get("age_bands") if isinstance(fields["parameters"], dict) else None
        if not rules.age_band_problems(bands, Owner.values):
            fields["owners"] = rules.owners_of_bands(bands)
    original = {name: getattr(rule, name) for name in fields}
    for name, value in fields.items():
        setattr(rule, name, value)
    try:
        problems = _rule_problems(rule)
        try:
            rule.full_clean(exclude=list(problems))  # the plainer message of _rule_problems wins
        except ValidationError as error:
            problems = {**error.message_dict, **problems}
        if problems:
            raise ValidationError(problems)
    except ValidationError:
        for name, value in original.items():
            setattr(rule, name, value)
        raise
    with audited(acting_user):
        lock_organisation(rule.organisation_id)  # not under an evaluation, which would write its marker back
        rule.evaluated_up_to = {}  # evaluated again from the first record under the new settings
        rule.save(update_fields=[*fields, "updated_at", "evaluated_up_to"])
    return rule


def _rule_problems(rule):
    problems = {}
    if rule.signal in (Signal.S1, Signal.S3, Signal.S6) and rule.threshold is not None and not rule.window_months:
        problems["window_months"] = "Give the rolling window in months for this threshold."
    if rule.timescale_unit not in TimescaleUnit.values:
        problems["timescale_unit"] = "Choose working days or calendar days."
    if not isinstance(rule.owners, list) or not all(isinstance(o, str) and o in Owner.values for o in rule.owners):
        problems["owners"] = f"Give the owners as a list of: {', '.join(Owner.values)}."
    elif not rule.owners:
        problems["owners"] = "Choose at least one owner: someone must act on the signal."
    if rule.signal == Signal.S2:
        parameters = rule.parameters if isinstance(rule.parameters, dict) else {}
        if not isinstance(rule.parameters, dict):
            problems["parameters"] = "Give the parameters as an object."
        elif found := rules.age_band_problems(parameters.get("age_bands"), Owner.values):
            problems["age_bands"] = [message for _index, _field, message in found]
    return problems


# --------------------------------------------------------------------------------------------- children


def children_for(organisation, people, *, acting_user, extra=None):
    """{nhs number: Child} for `people` ({nhs number: (date of birth or None, is_expectant_mother)}), creating
    the ones the organisation does not hold yet in bulk (one audit entry each) and filling a missing date of birth.
    Three queries per 2,000 people (an IN list stays under SQLite's limit on parameters)."""
    hashes = {crypto.matching_hash(number): number for number in people}
    held = {
        hashes[child.nhs_number_hash]: child
        for chunk in chunks(list(hashes))
        for child in Child.objects.filter(organisation=organisation, nhs_number_hash__in=chunk)
    }
    created, dated = [], []
    for number, (born, mother) in people.items():
        child = held.get(number)
        if child is None:
            child = Child(organisation=organisation, date_of_birth=born, is_expectant_mother=mother)
            child.set_nhs_number(number)
            created.append(child)
            held[number] = child
        elif born and child.date_of_birth is None:
            child.date_of_birth = born
            dated.append(child)
    Child.objects.bulk_create(created, batch_size=2000)
    Child.objects.bulk_update(dated, ["date_of_birth"], batch_size=2000)
    for child in held.values():
        child.organisation = organisation  # audit entries name the ICB without a query each
    log_many(
        [(c, {"id": ["None", str(c.pk)]}, extra or {}) for c in created],
        action=LogEntry.Action.CREATE,
        actor=acting_user,
    )
    log_many(
        [(c, {"date_of_birth": ["", "[restricted]"]}, extra or {}) for c in dated],
        action=LogEntry.Action.UPDATE,
        actor=acting_user,
    )
    return held


# ------------------------------------------------------------------------------------------- evaluation


def lock_organisation(organisation_id):
    """Take the organisation's row lock to the end of the transaction: its imports, rule changes and evaluations
    run one after the other (PostgreSQL; SQLite has one writer at a time). The evaluation markers rely on it: no
    record is committed with an id below a marker already written, and no rule changes under an evaluation."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def do_evaluate(organisation, *, acting_user, today=None):
    """Evaluate every enabled rule over the organisation's data: open the tasks that fire, add new records to the
    open tasks whose window holds them. Returns {signal: {"opened": n, "added": n}}."""
    today = today or timezone.localdate()
    with audited(acting_user):
        lock_organisation(organisation.pk)  # one evaluation at a time, no import committing under it
        rules_by_signal = ensure_rules(organisation)
        context = Context(organisation, today, working_calendar(organisation.icb_id), acting_user)
        context.highest = _highest_ids(organisation)
        results = {}
        for code, evaluate in EVALUATORS.items():
            rule = rules_by_signal.get(code)
            if rule is not None and rule.enabled:
                results[code] = evaluate(rule, context)
                _advance_marker(rule, context)
        return results


class Context:
    def __init__(self, organisation, today, calendar, acting_user):
        self.organisation, self.today, self.calendar, self.acting_user = organisation, today, calendar, acting_user
        self.tz = timezone.get_current_timezone()
        self.highest = {}
        self._due = {}

    def local_day(self, moment):
        return moment.astimezone(self.tz).date()

    def due_on(self, rule, base):
        """The due date of a task of `rule` counted from `base` on the one calendar: once per rule and day."""
        if (rule.pk, base) not in self._due:
            self._due[rule.pk, base] = rules.due_on(base, rule.timescale, rule.timescale_unit, self.calendar)
        return self._due[rule.pk, base]


NOTHING = {"opened": 0, "added": 0}

# The records the rules read, by the name of their marker: their model and the path to their organisation.
SOURCES = {
    "attendance": (Attendance, "organisation"),
    "notification": (DomesticAbuseNotification, "organisation"),
    "link": (NotificationChild, "notification__organisation"),
    "missed_appointment": (MissedAppointment, "organisation"),
    "flag": (CpisFlag, "organisation"),
}
RULE_SOURCES = {
    Signal.S1: ("attendance",),
    Signal.S2: ("link",),
    Signal.S3: ("notification",),
    Signal.S5: ("attendance", "flag"),
    Signal.S6: ("missed_appointment",),
    Signal.S13: ("flag",),
}


def _highest_ids(organisation):
    """{source: the highest id of the organisation's records, or None}: one query, under the organisation's lock."""
    latest = {
        f"latest_{name}": Subquery(model.objects.filter(**{path: organisation.pk}).order_by("-pk").values("pk")[:1])
        for name, (model, path) in SOURCES.items()
    }
    found = Organisation.objects.filter(pk=organisation.pk).values(**latest).get()
    return {name: found[f"latest_{name}"] for name in SOURCES}


def _new_range(rule, context, source):
    """(after, up to): the ids of the source's records above the rule's marker, which this evaluation reads for
    it; None when there is none. Below the marker every record was evaluated under the rule's present settings
    (a change of them empties the marker) and its plan applied, and a later record of a subject is above it."""
    after = int((rule.evaluated_up_to or {}).get(source, 0))
    up_to = context.highest.get(source)
    return (after, up_to) if up_to is not None and up_to > after else None


def _advance_marker(rule, context):
    """The rule's marker moves to the highest ids read (an UPDATE, only when it moves: not a setting, so neither
    versioned nor audited)."""
    held = rule.evaluated_up_to or {}
    marks = {**held, **{s: context.highest[s] for s in RULE_SOURCES[rule.signal] if context.highest.get(s)}}
    if marks != held:
        SignalRule.objects.filter(pk=rule.pk).update(evaluated_up_to=marks)
        rule.evaluated_up_to = marks


def _held_tasks(rule, subject, evidence_field, subject_ids):
    """{subject id: [TaskWindow]} of the rule's tasks about `subject_ids`: two queries."""
    tasks = list(
        ReviewTask.objects.filter(
            organisation=rule.organisation_id, signal=rule.signal, **{f"{subject}_id__in": subject_ids}
        ).values_list("pk", f"{subject}_id", "window_start", "window_end", "status")
    )
    evidence = defaultdict(set)
    for task_id, record_id in TaskEvidence.objects.filter(
        task__organisation=rule.organisation_id, task__signal=rule.signal, **{f"task__{subject}_id__in": subject_ids}
    ).values_list("task_id", f"{evidence_field}_id"):
        if record_id is not None:
            evidence[task_id].add(record_id)
    windows = defaultdict(list)
    for pk, subject_id, start, end, status in tasks:
        if start is not None and end is not None:
            windows[subject_id].append(
                rules.TaskWindow(pk, start, end, frozenset(evidence[pk]), open=status == TaskStatus.OPEN)
            )
    return windows


# A window rule's source: the records, the subject they belong to, the column that dates them, the evidence field
# (also the name of the rule's marker).
WINDOW_SOURCES = {
    Signal.S1: (Attendance, "child", "arrived_at", "attendance"),
    Signal.S3: (DomesticAbuseNotification, "household", "notified_on", "notification"),
    Signal.S6: (MissedAppointment, "child", "appointment_on", "missed_appointment"),
}
SLACK_DAYS = 2  # a local day is a UTC day give or take one: the database's window is a little wider, never narrower


def _fresh_subjects(rule, context, model, subject, evidence_field, new):
    """Ids of the subjects (not archived) with a record above the rule's marker that is not yet evidence of the
    rule's tasks: one query. Those under the threshold stay here: `_candidates` drops them."""
    held = TaskEvidence.objects.filter(
        task__organisation=context.organisation, task__signal=rule.signal, **{evidence_field: OuterRef("pk")}
    )
    fresh = model.objects.filter(
        ~Exists(held),
        organisation=context.organisation,
        pk__gt=new[0],
        pk__lte=new[1],
        **{f"{subject}__archived_at": None},
    )
    return sorted(set(fresh.order_by().values_list(f"{subject}_id", flat=True).distinct()))


def _candidates(rule, context, model, subject, dated_by, subject_ids):
    """Those of `subject_ids` whose plan can change, by one SQL window query: at least `threshold` records in the
    window ending on one of them (the window widened to months of 31 days plus slack, so no subject the exact rule
    fires on is missed), or an open task of the rule (a new record may join it)."""
    quote = connection.ops.quote_name
    events, tasks = quote(model._meta.db_table), quote(ReviewTask._meta.db_table)
    column, months, marks = quote(f"{subject}_id"), int(rule.window_months), ", ".join(["%s"] * len(subject_ids))
    if connection.vendor == "postgresql":
        order = quote(dated_by)
        frame = f"RANGE BETWEEN INTERVAL '{months} months {SLACK_DAYS} days' PRECEDING AND CURRENT ROW"
    else:  # SQLite: a numeric range over the julian day
        order = f"julianday({quote(dated_by)})"
        frame = f"RANGE BETWEEN {months * 31 + SLACK_DAYS} PRECEDING AND CURRENT ROW"
    # Only quoted table and column names and the rule's whole number of months are formatted in; values are params.
    sql = f"""
        SELECT subject FROM (
            SELECT {column} AS subject, COUNT(*) OVER (PARTITION BY {column} ORDER BY {order} {frame}) AS n
            FROM {events} WHERE {column} IN ({marks})
        ) counted WHERE n >= %s
        UNION
        SELECT {column} FROM {tasks} WHERE {column} IN ({marks}) AND organisation_id = %s AND signal = %s
            AND status = %s
    """  # noqa: S608
    params = [*subject_ids, rule.threshold, *subject_ids, context.organisation.pk, rule.signal, TaskStatus.OPEN]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _evaluate_window(rule, context):
    """A rolling-window rule (S1, S3, S6): the subjects with a new record, the candidates among them from the
    database, then the exact rule over each candidate's records and tasks. PostgreSQL reads them in a fixed number
    of statements (`_window_inputs_sql`); SQLite in one query, then four per 1,000 subjects with a new record."""
    if rule.threshold is None or not rule.window_months:  # no sourced number: not evaluated until set
        return dict(NOTHING)
    model, subject, dated_by, evidence_field = WINDOW_SOURCES[rule.signal]
    new = _new_range(rule, context, evidence_field)
    if new is None:
        return dict(NOTHING)
    opens, additions, fired = [], [], {}
    if connection.vendor == "postgresql":
        events, windows = _window_inputs_sql(rule, context, new)
        _plan(rule, subject, evidence_field, events, windows, (opens, additions, fired))
        return _write(rule, context, subject, opens, additions, fired=fired)
    for fresh in chunks(_fresh_subjects(rule, context, model, subject, evidence_field, new), CHUNK // 2):
        subject_ids = _candidates(rule, context, model, subject, dated_by, fresh)
        if not subject_ids:
            continue
        events = defaultdict(list)
        for pk, subject_id, moment in model.objects.filter(**{f"{subject}_id__in": subject_ids}).values_list(
            "pk", f"{subject}_id", dated_by
        ):
            day = context.local_day(moment) if isinstance(moment, dt.datetime) else moment
            events[subject_id].append(rules.Event(pk, day))
        windows = _held_tasks(rule, subject, evidence_field, subject_ids)
        _plan(rule, subject, evidence_field, events, windows, (opens, additions, fired))
    return _write(rule, context, subject, opens, additions, fired=fired)


# PostgreSQL: the subjects with a record above the marker not yet evidence of the rule (not archived), then the
# candidates among them (the widened window query of `_candidates`, or an open task), each into a temporary table
# ANALYZEd so that the planner knows its size (an array's size it guesses); then their events, tasks and evidence.
WINDOW_SQL = (
    "DROP TABLE IF EXISTS signals_fresh, signals_candidates",
    """CREATE TEMPORARY TABLE signals_fresh ON COMMIT DROP AS
        SELECT DISTINCT e.{subject}_id AS subject FROM {events} e JOIN {subjects} s ON s.id = e.{subject}_id
        WHERE e.organisation_id = %(organisation)s AND e.id > %(after)s AND e.id <= %(up_to)s
            AND s.archived_at IS NULL AND NOT EXISTS (
                SELECT 1 FROM {evidence} v JOIN {tasks} t ON t.id = v.task_id
                WHERE v.{evidence_field}_id = e.id AND t.organisation_id = %(organisation)s
                    AND t.signal = %(signal)s)""",
    "ANALYZE signals_fresh",
    """CREATE TEMPORARY TABLE signals_candidates ON COMMIT DROP AS
        SELECT subject FROM (
            SELECT e.{subject}_id AS subject, COUNT(*) OVER (PARTITION BY e.{subject}_id ORDER BY e.{dated_by}
                RANGE BETWEEN INTERVAL '{months} months {slack} days' PRECEDING AND CURRENT ROW) AS n
            FROM {events} e JOIN signals_fresh f ON f.subject = e.{subject}_id
        ) counted WHERE n >= %(threshold)s
        UNION
        SELECT t.{subject}_id FROM {tasks} t JOIN signals_fresh f ON f.subject = t.{subject}_id
        WHERE t.organisation_id = %(organisation)s AND t.signal = %(signal)s AND t.status = %(open)s""",
    "ANALYZE signals_candidates",
)
WINDOW_READS = (
    """SELECT e.id, e.{subject}_id, {day} FROM {events} e JOIN signals_candidates c ON c.subject = e.{subject}_id""",
    """SELECT t.id, t.{subject}_id, t.window_start, t.window_end, t.status
        FROM {tasks} t JOIN signals_candidates c ON c.subject = t.{subject}_id
        WHERE t.organisation_id = %(organisation)s AND t.signal = %(signal)s""",
    """SELECT v.task_id, v.{evidence_field}_id FROM {evidence} v JOIN {tasks} t ON t.id = v.task_id
        JOIN signals_candidates c ON c.subject = t.{subject}_id
        WHERE t.organisation_id = %(organisation)s AND t.signal = %(signal)s AND v.{evidence_field}_id IS NOT NULL""",
)


def _window_inputs_sql(rule, context, new):
    """({subject id: [Event]}, {subject id: [TaskWindow]}) of the candidates (PostgreSQL): eight statements,
    whatever the number of subjects. A day is the local day of the record (as `Context.local_day`)."""
    model, subject, dated_by, evidence_field = WINDOW_SOURCES[rule.signal]
    is_moment = isinstance(model._meta.get_field(dated_by), DateTimeField)
    names = {
        **_sql_tables(events=model, subjects=model._meta.get_field(subject).related_model),
        **_sql_tables(evidence=TaskEvidence, tasks=ReviewTask),
        "subject": subject,
        "evidence_field": evidence_field,
        "dated_by": dated_by,
        "months": int(rule.window_months),
        "slack": SLACK_DAYS,
        "day": f"(e.{dated_by} AT TIME ZONE %(zone)s)::date" if is_moment else f"e.{dated_by}",
    }
    params = {
        "organisation": context.organisation.pk,
        "signal": str(rule.signal),
        "after": new[0],
        "up_to": new[1],
        "threshold": rule.threshold,
        "open": TaskStatus.OPEN.value,
        "zone": str(context.tz),
    }
    with connection.cursor() as cursor:
        for sql in WINDOW_SQL:
            cursor.execute(sql.format(**names), params if "%(" in sql else None)
        read = []
        for sql in WINDOW_READS:
            cursor.execute(sql.format(**names), params)
            read.append(cursor.fetchall())
    event_rows, task_rows, evidence_rows = read
    events = defaultdict(list)
    for pk, subject_id, day in event_rows:
        events[subject_id].append(rules.Event(pk, day))
    evidence = defaultdict(set)
    for task_id, record_id in evidence_rows:
        evidence[task_id].add(record_id)
    windows = defaultdict(list)
    for pk, subject_id, start, end, status in task_rows:
        if start is not None and end is not None:
            windows[subject_id].append(
                rules.TaskWindow(pk, start, end, frozenset(evidence[pk]), open=status == TaskStatus.OPEN)
            )
    return events, windows


def _plan(rule, subject, evidence_field, events, windows, into):
    """The exact rule (rules.plan_window_rule) over each subject's events and held tasks, gathered `into` (opens,
    additions, fired days)."""
    opens, additions, fired = into
    for subject_id, held in events.items():
        days = {event.id: event.day for event in held}
        plan = rules.plan_window_rule(
            held, at_least=rule.threshold, months=rule.window_months, tasks=windows.get(subject_id, ())
        )
        for new in plan.opens:
            key = rules.dedup_key(rule.signal, subject, subject_id, evidence_field, new.trigger)
            evidence = [{evidence_field: i} for i in new.evidence]
            opens.append((subject_id, key, new.start, new.end, evidence, None))
            fired[key] = days[new.trigger]
        for task_id, ids in plan.additions.items():
            additions.extend((task_id, {evidence_field: i}) for i in ids)


def _write(rule, context, subject, opens, additions, due_from=None, fired=None):
    """Create the planned tasks and evidence in bulk, audited; `opens` are (subject id, dedup key, window start,
    window end, [evidence fields], owners or None for the rule's) and `due_from` maps a dedup key to the day its
    timescale counts from (else the day it opens); `fired` maps a dedup key to the day of its triggering record.
    Due dates are counted once per distinct day. PostgreSQL writes in three statements (signals.bulk), SQLite
    through the ORM."""
    due_from, fired = due_from or {}, fired or {}
    planned = [
        (
            subject_id,
            key,
            start,
            end,
            evidence,
            list(rule.owners if owners is None else owners),
            fired.get(key, due_from.get(key)),
            context.due_on(rule, due_from.get(key, context.today)),
        )
        for subject_id, key, start, end, evidence, owners in opens
    ]
    write = _write_sql if connection.vendor == "postgresql" else _write_models
    write(rule, context, subject, planned, additions)
    return {"opened": len(planned), "added": len(additions)}


def _evidence_rows(planned, additions, task_ids):
    """(task id, evidence field, record id, added later) of the planned tasks (ids by dedup key) and additions."""
    rows = [
        (task_ids[key], name, record_id, False)
        for _subject, key, _start, _end, items, *_rest in planned
        for item in items
        for name, record_id in item.items()
    ]
    rows.extend((task_id, name, record_id, True) for task_id, item in additions for name, record_id in item.items())
    return rows


def _write_sql(rule, context, subject, planned, additions):
    now = timezone.now()
    rows = [
        (subject_id if subject == "child" else None, subject_id if subject == "household" else None, key, owners)
        + (fired_on, due, start, end)
        for subject_id, key, start, end, _evidence, owners, fired_on, due in planned
    ]
    task_ids = bulk.insert_tasks(rule, context.organisation, opened_on=context.today, now=now, rows=rows)
    written = bulk.insert_evidence(_evidence_rows(planned, additions, task_ids), now=now)
    touched = [task_ids[key] for _subject, key, *_rest in planned]
    touched.extend(sorted({task_id for task_id, _item in additions}))
    bulk.audit_evidence(
        touched, written, organisation=context.organisation, signal=str(rule.signal), actor=context.acting_user, now=now
    )


def _write_models(rule, context, subject, planned, additions):
    tasks = [
        ReviewTask(
            organisation=context.organisation,
            rule=rule,
            signal=rule.signal,
            dedup_key=key,
            owners=owners,
            opened_on=context.today,
            fired_on=fired_on,
            due_on=due,
            window_start=start,
            window_end=end,
            **{f"{subject}_id": subject_id},
        )
        for subject_id, key, start, end, _evidence, owners, fired_on, due in planned
    ]
    ReviewTask.objects.bulk_create(tasks, batch_size=2000)
    evidence = _evidence_rows(planned, additions, {task.dedup_key: task.pk for task in tasks})
    _insert_evidence(evidence)
    # One audit entry per task: its creation names its evidence; an addition to a held task is an update of it.
    described = defaultdict(list)
    for task_id, name, record_id, _later in evidence:
        described[task_id].append(f"{name.replace('_', ' ')} {record_id}")
    for task in tasks:
        task.organisation = context.organisation
    how = {"how": f"evaluation of {rule.signal}"}
    created = unsaved_entries(
        [(t, {"signal": ["", t.signal], "evidence": ["", ", ".join(described[t.pk])]}, how) for t in tasks],
        action=LogEntry.Action.CREATE,
        actor=context.acting_user,
    )
    held = sorted({task_id for task_id, _item in additions})
    updated = unsaved_entries(
        [
            (
                ReviewTask(pk=task_id, organisation=context.organisation, signal=rule.signal),
                {"evidence": ["", f"added {', '.join(described[task_id])}"]},
                how,
            )
            for task_id in held
        ],
        action=LogEntry.Action.UPDATE,
        actor=context.acting_user,
    )
    save_entries([*created, *updated])


def _insert_evidence(rows):
    """Insert evidence rows (task id, evidence field, record id, added later) without a model instance each: one
    executemany (SQLite; PostgreSQL writes them with signals.bulk)."""
    if not rows:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(TaskEvidence._meta.db_table)
    columns = ", ".join(["task_id", *(f"{name}_id" for name in bulk.EVIDENCE_COLUMNS), "added_at", "added_later"])
    marks = ", ".join(["%s"] * (3 + len(bulk.EVIDENCE_COLUMNS)))
    values = [
        (task_id, *(record_id if name == column else None for column in bulk.EVIDENCE_COLUMNS), now, later)
        for task_id, name, record_id, later in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608


def _held_keys(rule, keys):
    """The dedup keys among `keys` the rule's tasks already hold: one query per 2,000 keys, none when there are none."""
    return {
        key
        for chunk in chunks(sorted(keys))
        for key in ReviewTask.objects.filter(
            organisation=rule.organisation_id, signal=rule.signal, dedup_key__in=chunk
        ).values_list("dedup_key", flat=True)
    }


def _not_evidence_of(rule, **match):
    """The records (matched to OuterRef by `match`) that are not yet evidence of the rule's tasks."""
    held = TaskEvidence.objects.filter(task__organisation=rule.organisation_id, task__signal=rule.signal, **match)
    return ~Exists(held)


def _evaluate_s2(rule, context):
    """One routed task per child named in a notification, owners by the child's age on the notification date
    (from the date of birth when known, else the age the police gave) [DUDLEY 21.2]. PostgreSQL does it in one
    statement (`_evaluate_s2_sql`), the same rule in SQL."""
    new = _new_range(rule, context, "link")
    if new is None:
        return dict(NOTHING)
    bands = (rule.parameters or {}).get("age_bands") or rules.DEFAULT_AGE_BANDS
    if connection.vendor == "postgresql":
        return _evaluate_s2_sql(rule, context, bands, new)
    links = NotificationChild.objects.filter(
        _not_evidence_of(rule, task__child=OuterRef("child_id"), notification=OuterRef("notification_id")),
        notification__organisation=context.organisation,
        child__archived_at__isnull=True,
        pk__gt=new[0],
        pk__lte=new[1],
    ).values_list(
        "notification_id", "child_id", "age_at_notification", "notification__notified_on", "child__date_of_birth"
    )
    planned = {}
    for notification_id, child_id, age, day, born in links:
        key = rules.dedup_key(rule.signal, "child", child_id, "notification", notification_id)
        owners = rules.route_by_age(rules.age_on(born, day) if born else age, bands)
        if owners:
            planned[key] = ((child_id, key, None, None, [{"notification": notification_id}], owners), day)
    return _write_new(rule, context, planned)


def _sql_tables(**models):
    return {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}


# S2 in SQL: the new links not yet evidence, the age on the notification date (rules.age_on: completed years), the
# first band holding it (rules.route_by_age), one task each unless its dedup key is held (rules.dedup_key's form),
# its evidence; returns the first and last evidence id written and the tasks' ids.
S2_SQL = """
    WITH fresh AS (
        SELECT l.id, l.child_id, l.notification_id, n.notified_on AS day,
            CASE WHEN c.date_of_birth IS NULL THEN l.age_at_notification
                ELSE extract(year FROM n.notified_on)::int - extract(year FROM c.date_of_birth)::int
                    - CASE WHEN (extract(month FROM n.notified_on), extract(day FROM n.notified_on))
                        < (extract(month FROM c.date_of_birth), extract(day FROM c.date_of_birth)) THEN 1 ELSE 0 END
            END AS age
        FROM {links} l JOIN {notifications} n ON n.id = l.notification_id JOIN {children} c ON c.id = l.child_id
        WHERE n.organisation_id = %(organisation)s AND c.archived_at IS NULL
            AND l.id > %(after)s AND l.id <= %(up_to)s
            AND NOT EXISTS (
                SELECT 1 FROM {evidence} e JOIN {tasks} t ON t.id = e.task_id
                WHERE e.notification_id = l.notification_id AND t.child_id = l.child_id
                    AND t.organisation_id = %(organisation)s AND t.signal = %(signal)s)
    ), routed AS (
        SELECT fresh.*, (
            SELECT (%(owners)s::jsonb) -> (b.i::int - 1)
            FROM unnest(%(from)s::int[], %(to)s::int[]) WITH ORDINALITY AS b(low, high, i)
            WHERE fresh.age >= b.low AND fresh.age < b.high ORDER BY b.i LIMIT 1
        ) AS owners
        FROM fresh
    ), tasks AS (
        INSERT INTO {tasks} (version, organisation_id, rule_id, signal, child_id, dedup_key, owners, opened_on,
            fired_on, due_on, status, outcome, outcome_notes, created_at, updated_at)
        SELECT 1, %(organisation)s, %(rule)s, %(signal)s, child_id,
            %(signal)s || ':child:' || child_id || ':notification:' || notification_id, owners, %(today)s, day,
            %(due)s, %(open)s, '', '', %(now)s, %(now)s
        FROM routed WHERE jsonb_array_length(owners) > 0 ORDER BY id
        ON CONFLICT (organisation_id, dedup_key) DO NOTHING
        RETURNING id, dedup_key
    ), written AS (
        INSERT INTO {evidence} (task_id, notification_id, added_at, added_later)
        SELECT id, split_part(dedup_key, ':', 5)::bigint, %(now)s, false FROM tasks ORDER BY id
        RETURNING id
    )
    SELECT (SELECT min(id) FROM written), (SELECT max(id) FROM written),
        (SELECT string_agg(id::text, ',' ORDER BY id) FROM tasks), (SELECT count(*) FROM tasks)
"""


def _evaluate_s2_sql(rule, context, bands, new):
    tables = _sql_tables(
        links=NotificationChild,
        notifications=DomesticAbuseNotification,
        children=Child,
        evidence=TaskEvidence,
        tasks=ReviewTask,
    )
    now = timezone.now()
    params = {
        "organisation": context.organisation.pk,
        "rule": rule.pk,
        "signal": str(rule.signal),
        "after": new[0],
        "up_to": new[1],
        "from": [int(band["from"]) for band in bands],
        "to": [int(band["to"]) for band in bands],
        "owners": json.dumps([list(band["owners"]) for band in bands]),
        "today": context.today,
        "due": context.due_on(rule, context.today),
        "open": TaskStatus.OPEN.value,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(S2_SQL.format(**tables), params)
        first, last, touched, opened = cursor.fetchone()
    written = (first, last) if opened else None
    bulk.audit_evidence(
        touched, written, organisation=context.organisation, signal=str(rule.signal), actor=context.acting_user, now=now
    )
    return {"opened": opened, "added": 0}


def _write_new(rule, context, planned, *, due_from=None):
    """Write the planned tasks ({dedup key: (open, fired on)}) whose key the rule does not hold yet."""
    held = _held_keys(rule, planned)
    fresh = {key: value for key, value in planned.items() if key not in held}
    opens = [value[0] for value in fresh.values()]
    fired = None if due_from is not None else {key: value[1] for key, value in fresh.items()}
    return _write(rule, context, "child", opens, [], due_from=due_from, fired=fired)


def _evaluate_s5(rule, context):
    """An attendance of a child with an active CP-IS flag on the day: the local authority is told [SAAF 3.5.3].
    Read: the new attendances of flagged children, and every attendance of a child newly flagged (a flag may start
    before attendances already held), not yet evidence."""
    new_attendances, new_flags = _new_range(rule, context, "attendance"), _new_range(rule, context, "flag")
    if new_attendances is None and new_flags is None:
        return dict(NOTHING)
    flags_of = CpisFlag.objects.filter(organisation=context.organisation)
    reread = Q(pk__in=[])
    if new_attendances is not None:
        reread |= Q(pk__gt=new_attendances[0], pk__lte=new_attendances[1])
    if new_flags is not None:
        reread |= Q(child_id__in=flags_of.filter(pk__gt=new_flags[0], pk__lte=new_flags[1]).values("child_id"))
    attendances = list(
        Attendance.objects.filter(
            reread,
            _not_evidence_of(rule, attendance=OuterRef("pk")),
            organisation=context.organisation,
            child_id__in=flags_of.values("child_id"),
        ).values_list("pk", "child_id", "arrived_at")
    )
    flags = defaultdict(list)
    children = sorted({child_id for _pk, child_id, _at in attendances})
    for chunk in chunks(children):
        for pk, child_id, starts, ends in flags_of.filter(child_id__in=chunk).values_list(
            "pk", "child_id", "starts_on", "ends_on"
        ):
            flags[child_id].append((pk, starts, ends))
    planned = {}
    for pk, child_id, arrived_at in attendances:
        day = context.local_day(arrived_at)
        active = [f for f in flags[child_id] if rules.flag_active(f[1], f[2], day)]
        if active:
            key = rules.dedup_key(rule.signal, "child", child_id, "attendance", pk)
            evidence = [{"attendance": pk}, *({"flag": f[0]} for f in active)]
            planned[key] = ((child_id, key, None, None, evidence, None), day)
    return _write_new(rule, context, planned)


def _evaluate_s13(rule, context):
    """A child coming into care: the initial health assessment is due 20 working days after the flag starts [E39]."""
    new = _new_range(rule, context, "flag")
    if new is None:
        return dict(NOTHING)
    planned = {}
    for pk, child_id, starts in CpisFlag.objects.filter(
        _not_evidence_of(rule, flag=OuterRef("pk")),
        organisation=context.organisation,
        kind=FlagKind.CHILD_IN_CARE,
        pk__gt=new[0],
        pk__lte=new[1],
    ).values_list("pk", "child_id", "starts_on"):
        key = rules.dedup_key(rule.signal, "child", child_id, "flag", pk)
        planned[key] = ((child_id, key, None, None, [{"flag": pk}], None), starts)
    return _write_new(rule, context, planned, due_from={key: value[1] for key, value in planned.items()})


EVALUATORS = {
    Signal.S1: _evaluate_window,
    Signal.S2: _evaluate_s2,
    Signal.S3: _evaluate_window,
    Signal.S5: _evaluate_s5,
    Signal.S6: _evaluate_window,
    Signal.S13: _evaluate_s13,
}


# ---------------------------------------------------------------------------------------------- outcomes

REFERRAL_FIELDS = (
    "local_authority",
    "referred_by",
    "category",
    "route",
    "referred_at",
    "family_told",
    "why_family_not_told",
)


def do_record_outcome(task, *, outcome, acting_user, notes="", completed_on=None, referral=None):
    """Record what the review decided and close the task. A referral to children's social care is recorded in
    casework's referral register in the same transaction (its follow-up and outcome-chase clocks start there),
    under the task's pseudonymous reference, never the child's NHS number; `referral` holds its fields."""
    completed_on = completed_on or timezone.localdate()
    problems = {}
    if task.status != TaskStatus.OPEN:
        problems["outcome"] = "This review already has an outcome."
    if outcome not in Outcome.values:
        problems["outcome"] = "Choose an outcome."
    if completed_on > timezone.localdate():
        problems["completed_on"] = "The review cannot be completed in the future."
    elif completed_on < task.opened_on:
        problems["completed_on"] = "The review cannot be completed before it was opened."
    if outcome == Outcome.REFERRAL and not referral:
        problems["referral"] = "Give the referral's details: a referral opens the casework referral clocks."
    if problems:
        raise ValidationError(problems)
    with audited(acting_user), transaction.atomic():
        if outcome == Outcome.REFERRAL:
            fields = {name: referral[name] for name in REFERRAL_FIELDS if name in referral}
            fields.setdefault("referred_at", timezone.now())
            try:
                made = casework_actions.do_record_referral(
                    organisation=task.organisation,
                    subject_reference=f"Signals review {task.pk}",
                    acting_user=acting_user,
                    **fields,
                )
            except ValidationError as error:  # the referral's own field names (local_authority, route...)
                raise ValidationError(error.message_dict) from error
            task.referral = made
        task.status, task.outcome, task.outcome_notes = TaskStatus.DONE, outcome, notes
        task.completed_on, task.completed_by = completed_on, acting_user
        task.save(
            update_fields=[
                "status",
                "outcome",
                "outcome_notes",
                "completed_on",
                "completed_by",
                "referral",
                "updated_at",
            ]
        )
    return task
