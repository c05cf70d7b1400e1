"""The one working-day calendar for England. Every due date in Vigil is counted here.

A working day is a weekday that is neither an England & Wales bank holiday (from the
`holidays` package, substitute days included) nor a closure day the ICB has entered.
The functions are pure: closure days are passed in, so they test without a database.
`calendar_for(icb)` in core.rules builds one with the ICB's closure days loaded.
"""

import calendar as std_calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

MAX_SEARCH_DAYS = 3660


@lru_cache(maxsize=64)
def england_bank_holidays(year):
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day):
    return day in england_bank_holidays(day.year)


@dataclass(frozen=True)
class WorkingCalendar:
    closure_days: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day):
        return day.weekday() < 5 and not is_bank_holiday(day) and day not in self.closure_days

    def add_working_days(self, start, days):
        """The date `days` working days after `start` (before it when negative).

        The start day itself never counts, so an event on a Friday plus one working day
        is the next Monday; plus zero is the start day rolled forward to a working day.
        """
        if days == 0:
            return self.next_working_day(start, include_start=True)
        step = dt.timedelta(days=1 if days > 0 else -1)
        remaining, day = abs(days), start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day, include_start=False):
        if not include_start:
            day += dt.timedelta(days=1)
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day within ten years")

    def working_days_between(self, start, end):
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def add_calendar_months(start, months):
    """Same day `months` later, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = std_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last_day))


ENGLAND = WorkingCalendar()
