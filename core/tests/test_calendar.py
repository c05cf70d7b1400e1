import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from core.calendar import ENGLAND, WorkingCalendar, add_calendar_months, is_bank_holiday

dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
closures = st.frozensets(dates, max_size=20)


class TestWorkedExamples:
    def test_christmas_eve_2026_plus_one_working_day_is_tuesday_29_december(self):
        # 25 Dec is Friday, 26-27 a weekend, Monday 28 the substitute Boxing Day.
        assert ENGLAND.add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)

    def test_substitute_boxing_day_2026_is_a_bank_holiday(self):
        assert is_bank_holiday(dt.date(2026, 12, 28))
        assert not ENGLAND.is_working_day(dt.date(2026, 12, 28))

    def test_friday_plus_one_is_monday(self):
        assert ENGLAND.add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)

    def test_across_easter_2027(self):
        # Good Friday 26 March 2027 and Easter Monday 29 March 2027.
        assert ENGLAND.add_working_days(dt.date(2027, 3, 25), 1) == dt.date(2027, 3, 30)

    def test_scottish_only_holiday_is_a_working_day_in_england(self):
        assert ENGLAND.is_working_day(dt.date(2027, 1, 4))  # 2 January holiday (substitute) is Scotland only

    def test_closure_day_is_skipped(self):
        calendar = WorkingCalendar(closure_days=frozenset({dt.date(2026, 11, 23)}))
        assert calendar.add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 24)

    def test_counting_between_across_christmas(self):
        assert ENGLAND.working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 31)) == 3

    def test_zero_days_rolls_a_weekend_forward(self):
        assert ENGLAND.add_working_days(dt.date(2026, 11, 21), 0) == dt.date(2026, 11, 23)

    def test_month_end_clamps(self):
        assert add_calendar_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
        assert add_calendar_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
        assert add_calendar_months(dt.date(2026, 11, 30), 6) == dt.date(2027, 5, 30)
        assert add_calendar_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


class TestProperties:
    @given(start=dates, days=st.integers(min_value=1, max_value=60), closed=closures)
    def test_result_is_a_working_day_after_the_start(self, start, days, closed):
        calendar = WorkingCalendar(closure_days=closed)
        due = calendar.add_working_days(start, days)
        assert due > start
        assert calendar.is_working_day(due)

    @given(start=dates, days=st.integers(min_value=0, max_value=60), closed=closures)
    def test_counting_undoes_adding(self, start, days, closed):
        calendar = WorkingCalendar(closure_days=closed)
        due = calendar.add_working_days(start, days)
        if days:
            assert calendar.working_days_between(start, due) == days

    @given(start=dates, days=st.integers(min_value=1, max_value=40))
    def test_adding_is_monotonic(self, start, days):
        assert ENGLAND.add_working_days(start, days) < ENGLAND.add_working_days(start, days + 1)

    @given(day=dates)
    def test_weekends_are_never_working_days(self, day):
        if day.weekday() >= 5:
            assert not ENGLAND.is_working_day(day)

    @given(start=dates, days=st.integers(min_value=1, max_value=40), closed=closures)
    def test_every_day_skipped_is_a_non_working_day(self, start, days, closed):
        calendar = WorkingCalendar(closure_days=closed)
        due = calendar.add_working_days(start, days)
        between = [start + dt.timedelta(days=n) for n in range(1, (due - start).days)]
        assert sum(calendar.is_working_day(day) for day in between) == days - 1

    @given(start=dates, end=dates)
    def test_between_is_antisymmetric(self, start, end):
        assert ENGLAND.working_days_between(start, end) == -ENGLAND.working_days_between(end, start)

    @given(start=dates, months=st.integers(min_value=0, max_value=24))
    def test_calendar_months_never_overflow_the_month(self, start, months):
        result = add_calendar_months(start, months)
        assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
        assert result.day <= start.day
