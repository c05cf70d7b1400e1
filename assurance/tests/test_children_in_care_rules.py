"""Children-in-care health assessment clocks [SAAF 4.7.2; CPCCG App. 1; reference part C S13]: the initial
health assessment within 20 working days of entering care; reviews every 6 months under 5 and every 12 months
from the fifth birthday."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from assurance import rules
from core.calendar import ENGLAND, WorkingCalendar

DAYS = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2032, 12, 31))


class TestInitialHealthAssessment:
    def test_twenty_working_days_across_the_easter_bank_holidays(self):
        # Entered care Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are not counted.
        assert rules.iha_due(dt.date(2026, 4, 2), ENGLAND) == dt.date(2026, 5, 5)
        # ...and the early May bank holiday (Monday 4 May 2026) is skipped too: 20 working days = 5 May.
        assert ENGLAND.working_days_between(dt.date(2026, 4, 2), dt.date(2026, 5, 5)) == 20

    def test_without_holidays_it_is_four_calendar_weeks(self):
        assert rules.iha_due(dt.date(2026, 6, 1), ENGLAND) == dt.date(2026, 6, 29)

    def test_on_the_due_day_is_on_time_and_the_day_after_is_late(self):
        entered = dt.date(2026, 4, 2)
        due = rules.iha_due(entered, ENGLAND)
        assert rules.iha_on_time(entered, due, ENGLAND)
        assert not rules.iha_on_time(entered, due + dt.timedelta(days=1), ENGLAND)
        assert not rules.iha_on_time(entered, None, ENGLAND)

    def test_an_icb_closure_day_moves_the_due_date(self):
        entered = dt.date(2026, 6, 1)
        closed = WorkingCalendar(frozenset({dt.date(2026, 6, 10)}))
        assert rules.iha_due(entered, closed) == dt.date(2026, 6, 30)

    @given(entered=DAYS)
    def test_the_due_day_is_a_working_day_exactly_20_working_days_on(self, entered):
        due = rules.iha_due(entered, ENGLAND)
        assert ENGLAND.is_working_day(due)
        assert ENGLAND.working_days_between(entered, due) == 20
        assert ENGLAND.working_days_between(entered, due - dt.timedelta(days=1)) == 19
        assert dt.timedelta(days=26) <= due - entered <= dt.timedelta(days=40)

    @given(entered=DAYS, holiday_offset=st.integers(min_value=1, max_value=27))
    def test_a_bank_holiday_inside_the_window_never_counts(self, entered, holiday_offset):
        closure = entered + dt.timedelta(days=holiday_offset)
        with_closure = rules.iha_due(entered, WorkingCalendar(frozenset({closure})))
        plain = rules.iha_due(entered, ENGLAND)
        if ENGLAND.is_working_day(closure) and closure <= plain:
            assert with_closure == ENGLAND.next_working_day(plain) and with_closure > plain
        else:
            assert with_closure == plain


class TestReviewHealthAssessment:
    def test_the_fifth_birthday_is_the_boundary(self):
        born = dt.date(2021, 3, 15)
        assert rules.rha_due(born, dt.date(2026, 3, 14)) == dt.date(2026, 9, 14)  # 4 the day before: 6 months
        assert rules.rha_due(born, dt.date(2026, 3, 15)) == dt.date(2027, 3, 15)  # 5 on the day: 12 months

    def test_a_leap_day_child_is_five_on_1_march(self):
        born = dt.date(2020, 2, 29)
        assert rules.birthday(born, 5) == dt.date(2025, 3, 1)
        assert rules.rha_interval_months(born, dt.date(2025, 2, 28)) == 6
        assert rules.rha_interval_months(born, dt.date(2025, 3, 1)) == 12
        assert rules.birthday(born, 4) == dt.date(2024, 2, 29)

    def test_six_months_from_31_august_is_the_end_of_february(self):
        assert rules.rha_due(dt.date(2024, 1, 1), dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)

    @given(born=st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2030, 12, 31)), age_days=st.integers(0, 6500))
    def test_six_months_under_five_and_twelve_from_five(self, born, age_days):
        last = born + dt.timedelta(days=age_days)
        fifth = rules.birthday(born, 5)
        due = rules.rha_due(born, last)
        months = 6 if last < fifth else 12
        assert rules.rha_interval_months(born, last) == months
        assert (due.year - last.year) * 12 + due.month - last.month == months
        assert due.day <= last.day
        assert (rules.age_on(born, last) < 5) == (last < fifth)

    @given(born=DAYS, years=st.integers(0, 17))
    def test_age_turns_on_the_birthday(self, born, years):
        day = rules.birthday(born, years)
        assert rules.age_on(born, day) == years
        if years:
            assert rules.age_on(born, day - dt.timedelta(days=1)) == years - 1
