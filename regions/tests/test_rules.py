import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regions import rules


class TestSuppression:
    @pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "fewer than 5"), (4, "fewer than 5"), (5, 5), (6, 6)])
    def test_it_shows_zero_hides_one_to_four_and_shows_five_and_more(self, count, shown):
        assert rules.suppress(count) == shown

    @given(st.integers(min_value=0, max_value=10_000))
    def test_a_shown_number_is_never_between_one_and_four(self, count):
        shown = rules.suppress(count)
        assert shown == rules.SUPPRESSED or shown == 0 or shown >= 5

    def test_it_refuses_a_negative_count(self):
        with pytest.raises(ValueError):
            rules.suppress(-1)


class TestShare:
    def test_it_rounds_to_a_whole_percentage(self):
        assert rules.share(1, 3) == 33
        assert rules.share(2, 3) == 67

    def test_nothing_to_share_is_none(self):
        assert rules.share(0, 0) is None


class TestTracker:
    def test_cases_from_1_april_2021_are_in_and_earlier_closed_ones_out(self):
        assert rules.in_tracker(False, dt.date(2021, 4, 1))
        assert not rules.in_tracker(False, dt.date(2021, 3, 31))

    def test_a_historic_case_still_open_is_in(self):
        assert rules.in_tracker(True, dt.date(2019, 1, 1))

    def test_date_added_is_the_decision_else_the_notification_else_the_start(self):
        d1, d2, d3 = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
        assert rules.date_added(d1, d2, d3) == d1
        assert rules.date_added(None, d2, d3) == d2
        assert rules.date_added(None, None, d3) == d3

    def test_a_rapid_review_becoming_a_cspr_is_converted(self):
        assert rules.converted("rapid_review", "local_cspr")
        assert rules.converted("rapid_review", "national_cspr")
        assert not rules.converted("rapid_review", "no_review")
        assert not rules.converted("sar", "local_cspr")

    def test_at_most_three_themes(self):
        assert rules.first_themes(["a", "b", "c", "d"]) == ["a", "b", "c"]

    def test_status_is_open_or_closed(self):
        assert rules.tracker_status(True) == "open"
        assert rules.tracker_status(False) == "closed"
