"""Quarters of the UK (NHS) financial year, for every module that reports by quarter.

2026/27 Q1 is April to June 2026; Q3 is October to December 2026; Q4 is January to March 2027.
Pure: no database.
"""

import calendar as std_calendar
import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Quarter:
    """A UK financial-year quarter: 2026/27 Q1 = April–June 2026 ... Q3 = October–December 2026,
    Q4 = January–March 2027. `index` (fy * 4 + q - 1) is what the database stores."""

    fy: int  # the calendar year the financial year starts in (2026 for 2026/27)
    q: int

    def __post_init__(self):
        if self.q not in (1, 2, 3, 4):
            raise ValueError("A quarter is 1 to 4.")

    @classmethod
    def from_index(cls, index):
        return cls(index // 4, index % 4 + 1)

    @classmethod
    def containing(cls, day):
        fy = day.year if day.month >= 4 else day.year - 1
        return cls(fy, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, text):
        """'2026/27 Q3', '2026-27-Q3' or '2026-27 Q3'."""
        match = re.fullmatch(r"\s*(\d{4})\s*[/-]\s*(\d{2})\s*[- ]?\s*Q([1-4])\s*", str(text or ""), re.IGNORECASE)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError(f"'{text}' is not a quarter: write it as 2026/27 Q3.")
        return cls(int(match[1]), int(match[3]))

    @property
    def index(self):
        return self.fy * 4 + self.q - 1

    @property
    def start(self):
        month = 4 + 3 * (self.q - 1)
        year = self.fy + (month > 12)
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self):
        last_month_start = self.start.month + 2
        year = self.start.year
        return dt.date(year, last_month_start, std_calendar.monthrange(year, last_month_start)[1])

    @property
    def label(self):
        return f"{self.fy}/{(self.fy + 1) % 100:02d} Q{self.q}"

    @property
    def slug(self):
        return f"{self.fy}-{(self.fy + 1) % 100:02d}-Q{self.q}"

    def previous(self, n=1):
        return Quarter.from_index(self.index - n)

    def next(self):
        return Quarter.from_index(self.index + 1)

    def has_ended(self, today):
        return today > self.end

    def __str__(self):
        return self.label


def last_ended_quarter(today):
    return Quarter.containing(today).previous()


def quarters_up_to(quarter, count):
    """The `count` quarters ending with `quarter`, oldest first (for an eight-quarter trend)."""
    return [quarter.previous(n) for n in range(count - 1, -1, -1)]
