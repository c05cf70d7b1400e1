"""The read side: counts per provider per quarter (plain numbers), the queue (due and overdue first), a child's
timeline, the household view, GP registers by the latest code — each in a constant number of queries."""

import datetime as dt

from django.utils import timezone

from core.choices import Role
from core.quarters import Quarter
from core.testing import count_queries
from signals import actions, imports, reports
from signals.models import Child, Household, ReviewTask, SignalRule
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


def fill(world, user, children, households, start=0):
    numbers = nhs_numbers(children + households, start=999_000_100 + start * 100)
    rows = [r for n in numbers[:children] for r in attendance_rows(n, BORN, days_before_today(40, 30, 20))]
    import_attendances(world.provider, user, rows)
    notes = [
        (day, f"HH-{start}-{i}", f"R{k}", "high", n, 6)
        for i, n in enumerate(numbers[children:])
        for k, day in enumerate(days_before_today(50, 40, 30, 20))
    ]
    if notes:
        import_notifications(world.provider, user, notes)
    evaluate(world, user)


class TestQuarterCounts:
    def test_counts_per_provider_for_the_quarter(self, world, user):
        fill(world, user, children=2, households=1)
        rule = SignalRule.objects.get(organisation=world.provider, signal="S1")
        today = timezone.localdate()
        s1 = list(ReviewTask.objects.filter(signal="S1"))
        ReviewTask.objects.filter(pk=s1[0].pk).update(due_on=today)
        actions.do_record_outcome(ReviewTask.objects.get(pk=s1[0].pk), outcome="nfa", acting_user=user)
        actions.do_record_outcome(ReviewTask.objects.get(signal="S3"), outcome="designated", acting_user=user)
        assert rule.threshold == 3
        fired_quarter = Quarter.containing(ReviewTask.objects.get(pk=s1[0].pk).fired_on)
        done_quarter = Quarter.containing(today)
        counts = reports.quarter_counts([world.provider.pk, world.other_provider.pk], done_quarter, today=today)
        assert counts[world.other_provider.pk] == dict.fromkeys(reports.METRICS, 0)
        mine = counts[world.provider.pk]
        assert mine["reviews_completed"] == 2
        assert mine["reviews_with_timescale"] == 1 and mine["reviews_within_timescale"] == 1
        assert mine["households_discussed"] == 1
        assert mine["tasks_open"] == ReviewTask.objects.filter(status="open").count()
        fired = reports.quarter_counts([world.provider.pk], fired_quarter, today=today)[world.provider.pk]
        assert fired["children_s1"] == 2 and fired["triggered_S1"] == 2 and fired["households_s3"] == 1
        assert all(isinstance(v, int) for v in mine.values())

    def test_one_query_whatever_the_number_of_providers_and_tasks(self, world, user):
        fill(world, user, children=1, households=0)
        quarter = Quarter.containing(timezone.localdate())
        small, _ = count_queries(lambda: reports.quarter_counts([world.provider.pk], quarter))
        fill(world, user, children=8, households=2, start=1)
        large, _ = count_queries(lambda: reports.quarter_counts([world.provider.pk, world.other_provider.pk], quarter))
        assert small == large == 1


class TestQueueAndViews:
    def test_the_queue_puts_overdue_and_due_first_and_is_one_query(self, world, user):
        fill(world, user, children=3, households=1)
        today = timezone.localdate()
        tasks = list(ReviewTask.objects.filter(signal="S1").order_by("pk"))
        ReviewTask.objects.filter(pk=tasks[0].pk).update(due_on=today + dt.timedelta(days=5))
        ReviewTask.objects.filter(pk=tasks[1].pk).update(due_on=today - dt.timedelta(days=2))
        count, queue = count_queries(lambda: list(reports.queue(user, today)))
        assert count == 1
        assert [t.pk for t in queue[:2]] == [tasks[1].pk, tasks[0].pk]
        assert reports.is_overdue(queue[0], today) and not reports.is_overdue(queue[1], today)
        assert all(t.due_on is None for t in queue[2:])
        masked, _ = count_queries(lambda: [t.child.masked_nhs_number for t in queue if t.child])
        assert masked == 0
        assert list(reports.queue(world.other_provider_user, today)) == []
        assert list(reports.queue(world.user(Role.DESIGNATED), today)) == []
        assert {t.signal for t in reports.queue(user, today, owner="designated_nurse")} == {"S3"}

    def test_timeline_and_household_in_constant_queries(self, world, user):
        fill(world, user, children=1, households=1)
        child = Child.objects.filter(tasks__signal="S1").first()
        count, timeline = count_queries(lambda: reports.child_timeline(child))
        assert count == 6
        assert [e.kind for e in timeline].count("attendance") == 3
        assert timeline == sorted(timeline, key=lambda e: (e.day, e.kind), reverse=True)
        household = Household.objects.get()
        count, (notifications, tasks) = count_queries(lambda: reports.household_view(household))
        assert count == 4 and len(notifications) == 4 and [t.signal for t in tasks] == ["S3"]
        task = tasks[0]
        count, evidence = count_queries(lambda: [e.notification.household.key for e in reports.task_evidence(task)])
        assert count == 1 and evidence == ["HH-0-0"] * 4


class TestRegisters:
    def test_latest_code_decides_and_counts_per_practice(self, world, user):
        a, b = nhs_numbers(2)
        day = days_before_today(100)[0]
        from signals.models import GpCodePair

        GpCodePair.objects.update_or_create(
            on_code="342191000000101", defaults={"register": "cpp", "off_code": "224353004"}
        )
        rows = [(a, "342191000000101", day), (b, "342191000000101", day), (b, "224353004", day + dt.timedelta(days=9))]
        imports.do_import(
            organisation=world.provider,
            feed="gp_codes",
            upload=csv_file(("NHS number", "SNOMED code", "Recorded on"), rows),
            name="codes.csv",
            acting_user=user,
        )
        children = {c.nhs_number: c.pk for c in Child.objects.all()}
        count, registers = count_queries(lambda: reports.registers_of(children.values()))
        assert count == 2
        assert registers[children[a]] == ["cpp"] and registers[children[b]] == []
        assert reports.register_counts([world.provider.pk])[world.provider.pk] == {"cpp": 1}
