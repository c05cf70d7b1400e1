import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.quarters import Quarter, last_ended_quarter, quarters_up_to


class TestQuarters:
    def test_2026_27_q3_is_october_to_december_2026(self):
        q = Quarter.parse("2026/27 Q3")
        assert (q.start, q.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
        assert Quarter(2026, 4).end == dt.date(2027, 3, 31)
        assert Quarter(2026, 1).start == dt.date(2026, 4, 1)

    @given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
    def test_every_day_falls_in_the_quarter_containing_it(self, day):
        q = Quarter.containing(day)
        assert q.start <= day <= q.end
        assert Quarter.from_index(q.index) == q
        assert Quarter.parse(q.label) == q == Quarter.parse(q.slug)
        assert q.previous().next() == q

    @pytest.mark.parametrize("text", ["2026/28 Q3", "2026 Q3", "2026/27 Q5", ""])
    def test_it_refuses_what_is_not_a_quarter(self, text):
        with pytest.raises(ValueError):
            Quarter.parse(text)

    def test_the_last_ended_quarter_and_an_eight_quarter_run(self):
        assert last_ended_quarter(dt.date(2026, 11, 23)) == Quarter(2026, 2)
        assert last_ended_quarter(dt.date(2026, 4, 1)) == Quarter(2025, 4)
        run = quarters_up_to(Quarter(2026, 2), 8)
        assert run[0] == Quarter(2024, 3) and run[-1] == Quarter(2026, 2) and len(run) == 8
