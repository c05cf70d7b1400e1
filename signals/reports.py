"""The read side of signals: counts per provider per quarter for the ICB (plain numbers: the pages suppress them),
the team's queue, a child's timeline, the household view and GP register status. Each in a constant number of
queries, whatever the number of children or tasks.

Counts per provider and quarter (`quarter_counts`), by the day a record fired a task (`ReviewTask.fired_on`) or a
review was completed (`completed_on`):
- `children_s1`: children meeting the three-attendances rule (S1) — distinct children with an S1 task fired;
- `households_s3`: households with more than three notifications in six months (S3) fired;
- `triggered_<signal>`: tasks fired per signal (S1, S2, S3, S5, S6, S13) [reference C4];
- `reviews_completed`, `reviews_with_timescale` (completed with a due date), `reviews_within_timescale` (of those,
  completed on or before the due date: the provider's own timescale) [reference C4];
- `households_discussed`: households whose S3 review was "discussed with the designated nurse" [DUDLEY 21.10];
- `tasks_open` and `tasks_overdue` at the quarter's end (or today, for the current quarter).
These are the only figures that leave the organisation; no person-level field is in them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q

from signals import rules
from signals.actions import chunks
from signals.choices import Outcome, Signal, TaskStatus
from signals.models import (
    Attendance,
    CpisFlag,
    GpCode,
    GpCodePair,
    MissedAppointment,
    NotificationChild,
    ReviewTask,
)

COUNTED_SIGNALS = (Signal.S1, Signal.S2, Signal.S3, Signal.S5, Signal.S6, Signal.S13)
METRICS = (
    "children_s1",
    "households_s3",
    *(f"triggered_{code}" for code in COUNTED_SIGNALS),
    "reviews_completed",
    "reviews_with_timescale",
    "reviews_within_timescale",
    "households_discussed",
    "tasks_open",
    "tasks_overdue",
)


def quarter_counts(organisation_ids, quarter, today=None):
    """{organisation id: {metric: number}} for `quarter` (a core.quarters.Quarter): one query. Organisations with
    nothing get zeros. Not restricted: the caller passes the organisations its user may see counts of."""
    start, end = quarter.start, quarter.end
    as_at = min(end, today) if today else end
    fired = Q(fired_on__gte=start, fired_on__lte=end)
    completed = Q(status=TaskStatus.DONE, completed_on__gte=start, completed_on__lte=end)
    open_then = Q(opened_on__lte=as_at) & (Q(completed_on__isnull=True) | Q(completed_on__gt=as_at))
    aggregates = {
        "children_s1": Count("child", filter=fired & Q(signal=Signal.S1), distinct=True),
        "households_s3": Count("household", filter=fired & Q(signal=Signal.S3), distinct=True),
        **{f"triggered_{code}": Count("pk", filter=fired & Q(signal=code)) for code in COUNTED_SIGNALS},
        "reviews_completed": Count("pk", filter=completed),
        "reviews_with_timescale": Count("pk", filter=completed & Q(due_on__isnull=False)),
        "reviews_within_timescale": Count(
            "pk", filter=completed & Q(due_on__isnull=False, completed_on__lte=F("due_on"))
        ),
        "households_discussed": Count(
            "household",
            filter=completed & Q(signal=Signal.S3, outcome=Outcome.DISCUSSED_WITH_DESIGNATED_NURSE),
            distinct=True,
        ),
        "tasks_open": Count("pk", filter=open_then),
        "tasks_overdue": Count("pk", filter=open_then & Q(due_on__lt=as_at)),
    }
    rows = (
        ReviewTask.objects.filter(organisation_id__in=list(organisation_ids))
        .values("organisation_id")
        .annotate(**aggregates)
        .order_by()
    )
    counts = {org_id: dict.fromkeys(METRICS, 0) for org_id in organisation_ids}
    for row in rows:
        counts[row.pop("organisation_id")] = {name: row[name] for name in METRICS}
    return counts


# ------------------------------------------------------------------------------------------- the queue


def queue(user, today, *, signal=None, owner=None):
    """The team's open review tasks, due and overdue first (earliest due date first, then those with no due
    date), each with `overdue` and its subject selected: one query for any page of it."""
    tasks = (
        ReviewTask.objects.restrict(user)
        .filter(status=TaskStatus.OPEN)
        .select_related("child", "household")
        .order_by(F("due_on").asc(nulls_last=True), "fired_on", "pk")
    )
    if signal:
        tasks = tasks.filter(signal=signal)
    if owner:  # the JSON list's text holds '"gp"' (JSON containment is not available on SQLite)
        tasks = tasks.filter(owners__icontains=f'"{owner}"')
    return tasks


def is_overdue(task, today):
    return task.status == TaskStatus.OPEN and task.due_on is not None and task.due_on < today


# ----------------------------------------------------------------------------------------- a child's timeline


@dataclass(frozen=True)
class Entry:
    day: object
    kind: str
    label: str
    record: object


def child_timeline(child):
    """Everything held about one child, newest first: attendances, domestic abuse notifications (with the household),
    missed appointments, CP-IS flags, GP codes and review tasks. Six queries."""
    from django.utils import timezone

    entries = [
        Entry(timezone.localtime(a.arrived_at).date(), "attendance", a.get_setting_display(), a)
        for a in Attendance.objects.filter(child=child)
    ]
    entries += [
        Entry(
            link.notification.notified_on,
            "notification",
            f"Domestic abuse notification ({link.notification.get_severity_display().lower()}), "
            f"household {link.notification.household.key}, age {link.age_at_notification}",
            link.notification,
        )
        for link in NotificationChild.objects.filter(child=child).select_related("notification__household")
    ]
    entries += [
        Entry(m.appointment_on, "missed", f"Was not brought: {m.service}", m)
        for m in MissedAppointment.objects.filter(child=child)
    ]
    entries += [
        Entry(
            f.starts_on,
            "flag",
            f"CP-IS: {f.get_kind_display()}" + (f" (ended {f.ends_on:%-d %B %Y})" if f.ends_on else ""),
            f,
        )
        for f in CpisFlag.objects.filter(child=child)
    ]
    entries += [Entry(c.recorded_on, "code", f"GP code {c.code}", c) for c in GpCode.objects.filter(child=child)]
    entries += [
        Entry(t.fired_on or t.opened_on, "task", f"{t.get_signal_display()}: {t.get_status_display().lower()}", t)
        for t in ReviewTask.objects.filter(child=child)
    ]
    return sorted(entries, key=lambda e: (e.day, e.kind), reverse=True)


def household_view(household):
    """(notifications with their children, review tasks) of one household: three queries."""
    notifications = list(household.notifications.order_by("-notified_on", "-pk").prefetch_related("links__child"))
    tasks = list(ReviewTask.objects.filter(household=household).order_by("-opened_on", "-pk"))
    return notifications, tasks


def task_evidence(task):
    """The records that fired (or joined) a task, with the window: one query."""
    return list(
        task.evidence.select_related("attendance", "notification__household", "missed_appointment", "flag").order_by(
            "pk"
        )
    )


# ------------------------------------------------------------------------------------------ GP registers


def registers_of(child_ids, day=None):
    """{child id: [register codes]} the children are on, by the latest-code rule [reference C2]: two queries (per
    2,000 children)."""
    pairs = list(GpCodePair.objects.values_list("register", "on_code", "off_code"))
    codes = [p[1] for p in pairs] + [p[2] for p in pairs if p[2]]
    held = defaultdict(list)
    for chunk in chunks(list(child_ids)):
        query = GpCode.objects.filter(child_id__in=chunk, code__in=codes)
        if day is not None:
            query = query.filter(recorded_on__lte=day)
        for child_id, code, recorded_on in query.values_list("child_id", "code", "recorded_on"):
            held[child_id].append((code, recorded_on))
    return {
        child_id: sorted({register for register, on, off in pairs if rules.on_register(child_codes, on, off)})
        for child_id, child_codes in held.items()
    }


def register_counts(organisation_ids, day=None):
    """{organisation id: {register: children on it}} (counts for the ICB, reference C4): two queries."""
    pairs = list(GpCodePair.objects.values_list("register", "on_code", "off_code"))
    codes = [p[1] for p in pairs] + [p[2] for p in pairs if p[2]]
    held = defaultdict(list)
    query = GpCode.objects.filter(organisation_id__in=list(organisation_ids), code__in=codes)
    if day is not None:
        query = query.filter(recorded_on__lte=day)
    for org_id, child_id, code, recorded_on in query.values_list("organisation_id", "child_id", "code", "recorded_on"):
        held[(org_id, child_id)].append((code, recorded_on))
    counts = {org_id: defaultdict(int) for org_id in organisation_ids}
    for (org_id, _child), child_codes in held.items():
        for register in {r for r, on, off in pairs if rules.on_register(child_codes, on, off)}:
            counts[org_id][register] += 1
    return {org_id: dict(c) for org_id, c in counts.items()}
