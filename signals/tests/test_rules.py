"""Pure rules at their boundaries (no database): rolling windows (365/366 days, leap years), more than three,
age on a date (birthdays, 29 February), routing by age, the latest-code rule, task deduplication."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import WorkingCalendar, add_calendar_months
from core.tests.synthetic import synthetic_nhs_number
from signals import conf, rules
from signals.rules import Event, TaskWindow

FEW = settings(max_examples=60, deadline=None)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))
S1 = conf.RULE_DEFAULTS["S1"]
S3 = conf.RULE_DEFAULTS["S3"]


def has_leap_day_between(first, last):
    return any(
        dt.date(year, 3, 1) - dt.timedelta(days=1) == dt.date(year, 2, 29) and first < dt.date(year, 2, 29) <= last
        for year in range(first.year, last.year + 1)
        if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    )


def three(first, gap_to_third):
    return [Event(1, first), Event(2, first + dt.timedelta(days=1)), Event(3, first + dt.timedelta(days=gap_to_third))]


class TestRollingWindow:
    @FEW
    @given(days)
    def test_the_third_attendance_on_the_anniversary_fires_and_the_day_after_does_not(self, first):
        anniversary = add_calendar_months(first, 12)
        gap = (anniversary - first).days
        assert gap in (365, 366)
        fires = rules.plan_window_rule(three(first, gap), at_least=S1["threshold"], months=S1["window_months"])
        assert [t.trigger for t in fires.opens] == [3]
        late = rules.plan_window_rule(three(first, gap + 1), at_least=3, months=12)
        assert late.opens == []

    @FEW
    @given(days.filter(lambda d: not (d.month == 2 and d.day == 29)))
    def test_365_days_is_inside_and_366_outside_unless_a_29_february_lies_between(self, first):
        for gap in (365, 366):
            third = first + dt.timedelta(days=gap)
            inside = rules.in_window(first, third, 12)
            assert inside == (gap == 365 or has_leap_day_between(first, third))

    def test_leap_years_named(self):
        # No 29 February between: 365 days is the anniversary (inside), 366 is not.
        assert rules.in_window(dt.date(2025, 3, 1), dt.date(2026, 3, 1), 12)
        assert not rules.in_window(dt.date(2025, 3, 1), dt.date(2026, 3, 2), 12)
        # 29 February 2028 between: 366 days is the anniversary.
        assert rules.in_window(dt.date(2027, 3, 1), dt.date(2028, 3, 1), 12)
        assert (dt.date(2028, 3, 1) - dt.date(2027, 3, 1)).days == 366
        assert not rules.in_window(dt.date(2027, 3, 1), dt.date(2028, 3, 2), 12)
        # From 29 February: the window of 28 February next year reaches back to 28 February, holding it.
        assert rules.in_window(dt.date(2028, 2, 29), dt.date(2029, 2, 28), 12)
        assert not rules.in_window(dt.date(2028, 2, 29), dt.date(2029, 3, 1), 12)

    @FEW
    @given(days, st.integers(0, 400), st.integers(0, 400))
    def test_a_window_rule_fires_exactly_when_three_fall_in_one_window(self, first, gap1, gap2):
        events = [Event(1, first), Event(2, first + dt.timedelta(days=gap1))]
        events.append(Event(3, events[1].day + dt.timedelta(days=gap2)))
        plan = rules.plan_window_rule(events, at_least=3, months=12)
        ordered = sorted(e.day for e in events)
        assert bool(plan.opens) == rules.in_window(ordered[0], ordered[2], 12)

    def test_two_attendances_never_fire(self):
        assert rules.plan_window_rule(three(dt.date(2026, 1, 1), 5)[:2], at_least=3, months=12).opens == []

    def test_no_threshold_means_not_evaluated(self):
        assert rules.plan_window_rule(three(dt.date(2026, 1, 1), 5), at_least=None, months=12).opens == []


class TestMoreThanThree:
    def test_more_than_three_means_four(self):
        assert rules.at_least_from_more_than(3) == 4
        assert S3["threshold"] == 4 and S3["window_months"] == 6

    @FEW
    @given(days, st.integers(0, 3))
    def test_three_notifications_in_six_months_do_not_fire_four_do(self, first, extra_days):
        events = [Event(i, first + dt.timedelta(days=i * 10 + extra_days)) for i in range(1, 4)]
        assert rules.plan_window_rule(events, at_least=S3["threshold"], months=6).opens == []
        events.append(Event(9, events[-1].day + dt.timedelta(days=1)))
        assert [t.trigger for t in rules.plan_window_rule(events, at_least=4, months=6).opens] == [9]


class TestAgeAndRouting:
    @FEW
    @given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(1, 20))
    def test_a_child_is_a_year_older_on_the_birthday_not_the_day_before(self, born, years):
        birthday = add_calendar_months(born, 12 * years)
        if (born.month, born.day) == (2, 29) and birthday.day == 28:
            birthday = dt.date(birthday.year, 3, 1)  # born on 29 February: a year older on 1 March in a common year
        assert rules.age_on(born, birthday) == years
        assert rules.age_on(born, birthday - dt.timedelta(days=1)) == years - 1

    def test_born_on_29_february(self):
        born = dt.date(2020, 2, 29)
        assert rules.age_on(born, dt.date(2025, 2, 28)) == 4
        assert rules.age_on(born, dt.date(2025, 3, 1)) == 5
        assert rules.age_on(born, dt.date(2024, 2, 29)) == 4

    def test_routing_on_the_birthdays(self):
        bands = conf.RULE_DEFAULTS["S2"]["parameters"]["age_bands"]
        assert rules.route_by_age(0, bands) == ["health_visitor", "gp"]
        assert rules.route_by_age(4, bands) == ["health_visitor", "gp"]
        assert rules.route_by_age(5, bands) == ["gp", "school_health"]
        assert rules.route_by_age(15, bands) == ["gp", "school_health"]
        assert rules.route_by_age(16, bands) == ["gp"]
        assert rules.route_by_age(17, bands) == ["gp"]
        assert rules.route_by_age(18, bands) == []

    @FEW
    @given(st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2026, 12, 31)))
    def test_routing_uses_the_age_on_the_notification_date(self, born):
        fifth = add_calendar_months(born, 60)
        if (born.month, born.day) == (2, 29) and fifth.day == 28:
            fifth = dt.date(fifth.year, 3, 1)
        assert rules.route_by_age(rules.age_on(born, fifth - dt.timedelta(days=1))) == ["health_visitor", "gp"]
        assert rules.route_by_age(rules.age_on(born, fifth)) == ["gp", "school_health"]


class TestLatestCode:
    ON, OFF = "342191000000101", "999000000000001"

    def test_on_then_off_is_off_and_on_again_is_on(self):
        d = dt.date(2026, 1, 1)
        assert rules.on_register([(self.ON, d)], self.ON, self.OFF)
        assert not rules.on_register([(self.ON, d), (self.OFF, d + dt.timedelta(days=3))], self.ON, self.OFF)
        codes = [(self.ON, d), (self.OFF, d + dt.timedelta(days=3)), (self.ON, d + dt.timedelta(days=9))]
        assert rules.on_register(codes, self.ON, self.OFF)

    def test_an_off_code_on_the_same_day_ends_the_on_code_and_other_codes_do_not_count(self):
        d = dt.date(2026, 1, 1)
        assert not rules.on_register([(self.OFF, d), (self.ON, d)], self.ON, self.OFF)
        assert not rules.on_register([("836881000000105", d)], self.ON, self.OFF)
        assert rules.on_register([(self.ON, d), ("836881000000105", d + dt.timedelta(days=1))], self.ON, "")

    @FEW
    @given(st.lists(st.tuples(st.booleans(), days), min_size=1, max_size=8))
    def test_the_latest_code_decides(self, entries):
        codes = [(self.ON if on else self.OFF, day) for on, day in entries]
        latest = max(entries, key=lambda e: (e[1], not e[0]))
        assert rules.on_register(codes, self.ON, self.OFF) == latest[0]


class TestTasks:
    def test_planning_twice_opens_nothing_new_and_a_new_attendance_joins_the_open_task(self):
        first = dt.date(2026, 1, 5)
        events = three(first, 30)
        plan = rules.plan_window_rule(events, at_least=3, months=12)
        (new,) = plan.opens
        assert new.evidence == [1, 2, 3] and new.start == first and new.end == dt.date(2027, 1, 5)
        held = [TaskWindow("t1", new.start, new.end, frozenset(new.evidence))]
        assert rules.plan_window_rule(events, at_least=3, months=12, tasks=held).opens == []
        events.append(Event(4, dt.date(2026, 6, 1)))
        plan = rules.plan_window_rule(events, at_least=3, months=12, tasks=held)
        assert plan.opens == [] and plan.additions == {"t1": [4]}

    def test_a_new_attendance_after_a_closed_review_opens_a_new_task_with_the_whole_window(self):
        first = dt.date(2026, 1, 5)
        events = [*three(first, 30), Event(4, dt.date(2026, 6, 1))]
        done = [TaskWindow("t1", first, dt.date(2027, 1, 5), frozenset({1, 2, 3}), open=False)]
        (new,) = rules.plan_window_rule(events, at_least=3, months=12, tasks=done).opens
        assert new.trigger == 4 and new.evidence == [1, 2, 3, 4]

    @FEW
    @given(st.lists(days, min_size=0, max_size=12))
    def test_applying_a_plan_then_planning_again_changes_nothing(self, dates):
        events = [Event(i, d) for i, d in enumerate(dates)]
        plan = rules.plan_window_rule(events, at_least=3, months=12)
        assert plan.additions == {}
        tasks = [TaskWindow(i, t.start, t.end, frozenset(t.evidence)) for i, t in enumerate(plan.opens)]
        again = rules.plan_window_rule(events, at_least=3, months=12, tasks=tasks)
        assert again.opens == [] and again.additions == {}
        used = [i for t in tasks for i in t.evidence]
        assert len(set(used)) == len({e.id for e in events if e.id in used})

    def test_later_events_in_a_window_opened_by_the_same_plan_join_its_evidence(self):
        first = dt.date(2026, 1, 5)
        events = [*three(first, 30), Event(4, dt.date(2026, 6, 1)), Event(5, dt.date(2027, 1, 5))]
        plan = rules.plan_window_rule(events, at_least=3, months=12)
        assert [(t.trigger, t.evidence) for t in plan.opens] == [(3, [1, 2, 3, 4, 5])] and plan.additions == {}

    def test_dedup_key_names_rule_subject_and_trigger(self):
        assert rules.dedup_key("S1", "child", 7, "attendance", 42) == "S1:child:7:attendance:42"

    def test_due_dates_come_from_the_one_calendar(self):
        friday = dt.date(2026, 12, 4)
        calendar = WorkingCalendar()
        assert rules.due_on(friday, 1, "working_days", calendar) == dt.date(2026, 12, 7)
        assert rules.due_on(dt.date(2026, 12, 24), 1, "working_days", calendar) == dt.date(2026, 12, 29)
        assert rules.due_on(friday, 3, "calendar_days", calendar) == dt.date(2026, 12, 7)
        assert rules.due_on(friday, None, "working_days", calendar) is None
        assert rules.within_timescale(dt.date(2026, 12, 7), dt.date(2026, 12, 7))
        assert not rules.within_timescale(dt.date(2026, 12, 8), dt.date(2026, 12, 7))


class TestIdentifiers:
    @FEW
    @given(st.integers(0, 999_999))
    def test_test_range_numbers_with_their_check_digit_pass_and_a_changed_digit_fails(self, n):
        number = synthetic_nhs_number(f"999{n:06d}")
        if not number:
            return
        assert rules.nhs_number_problem(number) is None
        assert rules.nhs_number_problem(f"{number[:3]} {number[3:6]} {number[6:]}") is None
        wrong = number[:9] + str((int(number[9]) + 1) % 10)
        assert rules.nhs_number_problem(wrong) is not None

    def test_bad_shapes(self):
        assert rules.nhs_number_problem("") == "Enter an NHS number of 10 digits."
        assert rules.nhs_number_problem("99912345") == "Enter an NHS number of 10 digits."
        assert rules.nhs_number_problem("99912345６7") is not None

    def test_snomed_codes_carry_a_verhoeff_check_digit(self):
        for code in ("836881000000105", "1064961000000107", "878111000000109", "342191000000101", "224353004"):
            assert rules.snomed_code_problem(code) is None
        assert rules.snomed_code_problem("342191000000102") is not None
        assert rules.snomed_code_problem("12345") is not None
        assert rules.snomed_code_problem("0342191000000101") is not None
