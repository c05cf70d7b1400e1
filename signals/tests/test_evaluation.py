"""Evaluation's markers (a re-evaluation reads only what is new; a rule change evaluates again; imports and
evaluations serialise) and its set-based paths (PostgreSQL's SQL) agreeing with the pure rules: the window rule
with `rules.plan_window_rule`, S2's routing with `rules.route_by_age`, the audit entries with `core.audit`. Run on
SQLite and on PostgreSQL, each path is checked against the same reference."""

import datetime as dt
import zoneinfo

from auditlog.models import LogEntry
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.audit import unsaved_entries
from core.calendar import add_calendar_months
from core.models import AuditEntryIcb
from core.testing import count_queries
from signals import actions, imports, rules
from signals.models import (
    Attendance,
    Child,
    DomesticAbuseNotification,
    Household,
    NotificationChild,
    ReviewTask,
    SignalRule,
    TaskEvidence,
)
from signals.tests.factories import (
    BORN,
    attendance_rows,
    csv_file,
    days_before_today,
    evaluate,
    import_attendances,
    import_notifications,
    nhs_numbers,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class TestMarkers:
    def test_evaluation_records_how_far_it_read_and_a_new_record_is_still_read(self, world, user):
        a = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(60, 50, 40)))
        assert evaluate(world, user)["S1"] == {"opened": 1, "added": 0}
        rule = SignalRule.objects.get(organisation=world.provider, signal="S1")
        assert rule.evaluated_up_to == {"attendance": Attendance.objects.latest("pk").pk}
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(20)))
        assert evaluate(world, user)["S1"] == {"opened": 0, "added": 1}

    def test_a_rule_change_evaluates_again_from_the_first_record(self, world, user):
        a = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(60, 50)))
        assert evaluate(world, user)["S1"] == {"opened": 0, "added": 0}  # two: under the threshold
        rule = SignalRule.objects.get(organisation=world.provider, signal="S1")
        assert rule.evaluated_up_to
        actions.do_update_rule(rule, threshold=2, acting_user=user)
        assert SignalRule.objects.get(pk=rule.pk).evaluated_up_to == {}
        assert evaluate(world, user)["S1"] == {"opened": 1, "added": 0}
        assert LogEntry.objects.filter(object_repr=str(rule), changes__has_key="evaluated_up_to").count() == 0

    def test_nothing_new_opens_nothing_and_reads_no_record_whatever_is_held(self, world, user):
        numbers = nhs_numbers(8)
        import_attendances(world.provider, user, attendance_rows(numbers[0], BORN, days_before_today(30, 20, 10)))
        import_notifications(world.provider, user, [(days_before_today(5)[0], "HH-1", "P1", "high", numbers[1], 3)])
        evaluate(world, user)
        small, result = count_queries(lambda: evaluate(world, user))
        assert all(counts == {"opened": 0, "added": 0} for counts in result.values())
        rows = [r for n in numbers[2:] for r in attendance_rows(n, BORN, days_before_today(31, 21, 11, 1))]
        import_attendances(world.provider, user, rows)
        evaluate(world, user)
        large, result = count_queries(lambda: evaluate(world, user))
        assert all(counts == {"opened": 0, "added": 0} for counts in result.values())
        assert large == small <= 6  # the lock, the rules, the calendar, the highest ids: no rule reads a record

    def test_a_new_flag_reaches_attendances_already_evaluated(self, world, user):
        child = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(child, BORN, days_before_today(50, 10)))
        assert evaluate(world, user)["S5"] == {"opened": 0, "added": 0}
        upload = csv_file(("NHS number", "Flag", "Start date"), [(child, "cpp", days_before_today(40)[0])])
        imports.do_import(organisation=world.provider, feed="cpis", upload=upload, name="f.csv", acting_user=user)
        assert evaluate(world, user)["S5"] == {"opened": 1, "added": 0}  # the attendance 10 days ago, flagged

    def test_a_child_added_to_a_held_notification_is_routed(self, world, user):
        a, b = nhs_numbers(2)
        day = days_before_today(5)[0]
        import_notifications(world.provider, user, [(day, "HH-1", "P1", "high", a, 3)])
        assert evaluate(world, user)["S2"]["opened"] == 1
        import_notifications(world.provider, user, [(day, "HH-1", "P1", "high", b, 9)])
        assert evaluate(world, user)["S2"]["opened"] == 1
        assert {tuple(t.owners) for t in ReviewTask.objects.filter(signal="S2")} == {
            ("health_visitor", "gp"),
            ("gp", "school_health"),
        }

    def test_imports_and_rule_changes_take_the_organisations_lock_evaluation_takes(self, world, user, monkeypatch):
        taken = []
        monkeypatch.setattr(imports, "lock_organisation", taken.append)
        monkeypatch.setattr(actions, "lock_organisation", taken.append)
        import_attendances(world.provider, user, attendance_rows(nhs_numbers(1)[0], BORN, days_before_today(9)))
        rule = actions.ensure_rules(world.provider)["S1"]
        actions.do_update_rule(rule, threshold=4, acting_user=user)
        evaluate(world, user)
        assert taken == [world.provider.pk] * 3


def _new_attendances(world, child, stamps):
    made = Attendance.objects.bulk_create(
        [Attendance(organisation=world.provider, child=child, arrived_at=at, setting="nhs_111") for at in stamps]
    )
    return [rules.Event(a.pk, a.arrived_at.astimezone(LONDON).date()) for a in made]


def _held_windows(child):
    windows = []
    for task in ReviewTask.objects.filter(child=child, signal="S1"):
        evidence = frozenset(task.evidence.values_list("attendance_id", flat=True))
        windows.append(rules.TaskWindow(task.pk, task.window_start, task.window_end, evidence, task.status == "open"))
    return windows


def _check_plan(child, plan, before):
    """The tasks and evidence evaluation wrote since `before` (task ids held) are the plan's."""
    opened = ReviewTask.objects.filter(child=child, signal="S1").exclude(pk__in=before)
    expected = {
        rules.dedup_key("S1", "child", child.pk, "attendance", new.trigger): (new.start, new.end, set(new.evidence))
        for new in plan.opens
    }
    found = {
        task.dedup_key: (task.window_start, task.window_end, set(task.evidence.values_list("attendance_id", flat=True)))
        for task in opened
    }
    assert found == expected
    added = {
        task_id: set(
            TaskEvidence.objects.filter(task_id=task_id, added_later=True).values_list("attendance_id", flat=True)
        )
        for task_id in before
    }
    assert {k: v for k, v in added.items() if v} == {k: set(v) for k, v in plan.additions.items()}


class TestTheWindowRuleAgreesWithThePureRule:
    @EXAMPLES
    @given(
        arrivals=st.lists(st.tuples(st.integers(0, 1000), st.sampled_from([0, 12, 23])), unique=True, max_size=9),
        split=st.integers(0, 9),
        close=st.booleans(),
    )
    def test_two_evaluations_open_and_add_what_plan_window_rule_says(self, world, user, arrivals, split, close):
        """Days over a 29 February (2024), arrivals near local midnight (the local day in the database), a first
        evaluation then more attendances, the first tasks closed or not."""
        base = dt.date(2023, 3, 1)
        stamps = [dt.datetime.combine(base + dt.timedelta(days=o), dt.time(h, 30), tzinfo=LONDON) for o, h in arrivals]
        with transaction.atomic():
            child = Child(organisation=world.provider, date_of_birth=dt.date(2015, 1, 1))
            child.set_nhs_number(nhs_numbers(1)[0])
            child.save()
            first = _new_attendances(world, child, stamps[:split])
            evaluate(world, user)
            _check_plan(child, rules.plan_window_rule(first, at_least=3, months=12), before=[])
            if close:
                ReviewTask.objects.filter(child=child).update(status="done", outcome="nfa")
            held = _held_windows(child)
            later = _new_attendances(world, child, stamps[split:])
            evaluate(world, user)
            plan = rules.plan_window_rule(first + later, at_least=3, months=12, tasks=held)
            _check_plan(child, plan, before=[w.key for w in held])
            transaction.set_rollback(True)


class TestRoutingAgreesWithThePureRule:
    @EXAMPLES
    @given(
        children=st.lists(
            st.tuples(
                st.one_of(st.none(), st.tuples(st.sampled_from([4, 5, 15, 16, 17]), st.integers(-2, 2))),
                st.integers(0, 17),
                st.sampled_from([dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(2025, 3, 1)])
                | st.dates(dt.date(2023, 1, 1), dt.date(2026, 3, 1)),
            ),
            min_size=1,
            max_size=6,
        )
    )
    def test_owners_are_route_by_age_on_the_notification_date(self, world, user, children):
        """Birthdays around the band limits (5, 16) and 29 February, on the notification date, the police's age
        when there is no date of birth. A child is (years, days) before the notification: born that many years and
        days earlier."""
        children = [
            (None if age is None else add_calendar_months(day, -12 * age[0]) + dt.timedelta(days=age[1]), police, day)
            for age, police, day in children
        ]
        with transaction.atomic():
            household = Household.objects.create(organisation=world.provider, key="HH-1")
            expected = {}
            for index, (number, (born, age, day)) in enumerate(zip(nhs_numbers(len(children)), children, strict=True)):
                if born is not None and (born > day or rules.age_on(born, day) >= 18):
                    born = None
                child = Child(organisation=world.provider, date_of_birth=born)
                child.set_nhs_number(number)
                child.save()
                note = DomesticAbuseNotification.objects.create(
                    organisation=world.provider,
                    household=household,
                    notified_on=day,
                    severity="high",
                    police_reference=index,
                )
                NotificationChild.objects.create(notification=note, child=child, age_at_notification=age)
                key = rules.dedup_key("S2", "child", child.pk, "notification", note.pk)
                expected[key] = (rules.route_by_age(rules.age_on(born, day) if born else age), day)
            assert evaluate(world, user)["S2"]["opened"] == len(expected)
            found = {t.dedup_key: (t.owners, t.fired_on) for t in ReviewTask.objects.filter(signal="S2")}
            assert found == expected
            transaction.set_rollback(True)

    def test_the_rules_own_bands_route(self, world, user):
        rule = actions.ensure_rules(world.provider)["S2"]
        bands = [{"from": 0, "to": 11, "owners": ["gp"]}, {"from": 11, "to": 18, "owners": ["school_health"]}]
        actions.do_update_rule(rule, age_bands=bands, acting_user=user)
        a, b = nhs_numbers(2)
        day = days_before_today(3)[0]
        import_notifications(
            world.provider, user, [(day, "HH-2", "P1", "high", a, 10), (day, "HH-2", "P1", "high", b, 11)]
        )
        evaluate(world, user)
        assert sorted(tuple(t.owners) for t in ReviewTask.objects.filter(signal="S2")) == [("gp",), ("school_health",)]


def _expected_entry(task, user, *, action, changes):
    task.organisation.icb_id  # noqa: B018 - loaded, as the evaluation names it
    (entry,) = unsaved_entries([(task, changes, {"how": f"evaluation of {task.signal}"})], action=action, actor=user)
    return entry


FIELDS = ("content_type_id", "object_pk", "object_id", "object_repr", "action", "changes", "actor_id", "cid")


class TestAuditEntries:
    def test_one_entry_per_task_as_log_many_writes_it_stamped_with_the_icb(self, world, user):
        a, b = nhs_numbers(2)
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(60, 50, 40)))
        import_notifications(world.provider, user, [(days_before_today(5)[0], "HH-1", "P1", "high", b, 3)])
        since = LogEntry.objects.latest("pk").pk
        evaluate(world, user)
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(20)))
        evaluate(world, user)
        entries = list(LogEntry.objects.filter(pk__gt=since, object_repr__startswith="Review task").order_by("pk"))
        expected = []
        for task in ReviewTask.objects.order_by("pk"):
            first = [f"{kind} {record}" for kind, record in _evidence(task, later=False)]
            changes = {"signal": ["", task.signal], "evidence": ["", ", ".join(first)]}
            expected.append(_expected_entry(task, user, action=LogEntry.Action.CREATE, changes=changes))
        s1 = ReviewTask.objects.get(signal="S1")
        added = ", ".join(f"{kind} {record}" for kind, record in _evidence(s1, later=True))
        expected.append(
            _expected_entry(s1, user, action=LogEntry.Action.UPDATE, changes={"evidence": ["", f"added {added}"]})
        )
        assert [tuple(getattr(e, f) for f in FIELDS) for e in entries] == [
            tuple(getattr(e, f) for f in FIELDS) for e in expected
        ]
        assert [e.additional_data for e in entries] == [e.additional_data for e in expected]
        stamps = dict(AuditEntryIcb.objects.filter(entry__in=entries).values_list("entry_id", "icb_id"))
        assert stamps == {e.pk: world.provider.icb_id for e in entries}


def _evidence(task, *, later):
    rows = TaskEvidence.objects.filter(task=task, added_later=later).order_by("pk")
    for row in rows.values("attendance_id", "notification_id", "missed_appointment_id", "flag_id"):
        for name, record in row.items():
            if record is not None:
                yield name.removesuffix("_id").replace("_", " "), record
