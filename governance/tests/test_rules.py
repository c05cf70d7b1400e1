import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance import conf, rules

BANDS = rules.bands_from(conf.DEFAULTS["GOVERNANCE_RISK_BANDS"])
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


# --- Policy review dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2024, 2, 29), 24, dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2025, 8, 31), 36, dt.date(2028, 8, 31)),
        (dt.date(2025, 3, 15), 24, dt.date(2027, 3, 15)),
    ],
)
def test_next_review_date_is_the_same_day_later_clamped_to_the_month_end(approved, months, expected):
    assert rules.next_review_date(approved, months) == expected


@pytest.mark.parametrize("months", [0, -1, None, 1.5, True, "24"])
def test_an_interval_of_zero_or_not_a_whole_positive_number_is_refused(months):
    assert rules.interval_problem(months) == "Enter a review interval of at least 1 month."
    with pytest.raises(ValueError, match="at least 1 month"):
        rules.next_review_date(dt.date(2026, 1, 1), months)


@given(approved=dates, months=st.integers(min_value=1, max_value=120))
def test_next_review_date_lands_in_the_right_month_never_past_its_end(approved, months):
    review = rules.next_review_date(approved, months)
    assert (review.year - approved.year) * 12 + review.month - approved.month == months
    assert review.day == min(approved.day, calendar.monthrange(review.year, review.month)[1])


@given(review=dates, offset=st.integers(min_value=-400, max_value=400), window=st.integers(min_value=0, max_value=120))
def test_review_state_boundaries(review, offset, window):
    today = review + dt.timedelta(days=offset)
    state = rules.review_state(review, today, window)
    if today > review:
        assert state == rules.OVERDUE
    elif (review - today).days <= window:
        assert state == rules.DUE_SOON
    else:
        assert state == rules.IN_DATE


def test_review_state_on_the_day_and_the_day_after():
    review = dt.date(2026, 6, 30)
    assert rules.review_state(review, review, 60) == rules.DUE_SOON
    assert rules.review_state(review, review + dt.timedelta(days=1), 60) == rules.OVERDUE
    assert rules.review_state(review, review - dt.timedelta(days=60), 60) == rules.DUE_SOON
    assert rules.review_state(review, review - dt.timedelta(days=61), 60) == rules.IN_DATE
    assert rules.review_state(None, review, 60) == rules.IN_DATE


# --- Risk scores and bands ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, "low"),
        (3, "low"),
        (4, "moderate"),
        (6, "moderate"),
        (8, "high"),
        (12, "high"),
        (15, "extreme"),
        (25, "extreme"),
    ],
)
def test_default_nhs_bands_at_their_boundaries(score, band):
    assert rules.band_for(score, BANDS).code == band


@given(likelihood=st.integers(1, 5), consequence=st.integers(1, 5))
def test_every_product_falls_in_the_band_whose_range_holds_it(likelihood, consequence):
    score = rules.risk_score(likelihood, consequence)
    expected = "low" if score <= 3 else "moderate" if score <= 6 else "high" if score <= 12 else "extreme"
    assert rules.band_for(score, BANDS).code == expected


def test_an_icb_can_change_the_bands():
    bands = rules.bands_from([["green", "Green", 1], ["amber", "Amber", 5], ["red", "Red", 12]])
    assert [rules.band_for(s, bands).code for s in (4, 5, 10, 12)] == ["green", "amber", "amber", "red"]


@pytest.mark.parametrize("setting", [[], [["low", "Low", 2]], [["a", "A", 1], ["b", "B", 1]]])
def test_unusable_bands_are_refused(setting):
    with pytest.raises(ValueError, match="start at a score of 1"):
        rules.bands_from(setting)


@pytest.mark.parametrize("value", [0, 6, -1, None, 2.5, "3", True])
def test_a_score_outside_1_to_5_is_refused_naming_the_field(value):
    assert rules.score_problems({"current_likelihood": value, "current_consequence": 3}) == {
        "current_likelihood": "Enter a whole number from 1 to 5."
    }
    with pytest.raises(ValueError):
        rules.risk_score(value, 3)


@given(threshold=st.integers(1, 25), score=st.integers(1, 25))
def test_escalation_threshold_is_reached_at_the_threshold(threshold, score):
    assert rules.needs_escalation(score, threshold) == (score >= threshold)
    day = dt.date(2026, 1, 1)
    assert rules.escalation_due([(day, score)], [], threshold) == (score >= threshold)


def test_escalation_due_at_15_not_at_12_with_the_default_threshold():
    day = dt.date(2026, 1, 1)
    assert rules.escalation_due([(day, 12)], [], 15) is False
    assert rules.escalation_due([(day, 15)], [], 15) is True


def test_an_escalation_counts_only_if_made_since_the_score_last_reached_the_threshold():
    d = [dt.date(2026, m, 1) for m in range(1, 7)]
    history = [(d[0], 16), (d[2], 10), (d[4], 20)]
    assert rules.escalation_due(history, [d[1]], 15) is True  # escalated before the score fell and rose again
    assert rules.escalation_due(history, [d[4]], 15) is False  # escalated on the day it rose again
    assert rules.escalation_due([(d[0], 16), (d[1], 20)], [d[0]], 15) is False  # still over since then
    assert rules.escalation_due([], [], 15) is False


def test_heatmap_counts_each_cell_likelihood_five_at_the_top():
    grid = rules.heatmap([(4, 4), (4, 4), (1, 5)])
    assert [cell[0] for cell in (line[0] for line in grid)] == [5, 4, 3, 2, 1]
    cells = {(lk, cq): count for line in grid for lk, cq, _, count in line}
    assert cells[(4, 4)] == 2 and cells[(1, 5)] == 1 and sum(cells.values()) == 3 and len(cells) == 25


def test_trend_svg_is_inline_with_a_text_alternative_and_no_script():
    svg = rules.trend_svg([(dt.date(2026, 1, 1), 12), (dt.date(2026, 3, 1), 16)], title="Score of SR001 <over> time")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="trend-title">Score of SR001 &lt;over&gt; time</title>' in svg
    assert "01 Jan 2026: 12; 01 Mar 2026: 16" in svg
    assert "<script" not in svg and "href" not in svg
    assert rules.trend_svg([], title="x") == ""


# --- Annual reports -------------------------------------------------------------------------


def test_annual_report_due_by_the_end_of_august_of_the_following_year():
    assert rules.annual_report_due(2025, 8, 31) == dt.date(2026, 8, 31)
    assert rules.annual_report_due(2027, 2, 31) == dt.date(2028, 2, 29)
    assert rules.financial_year_label(2025) == "2025/26" and rules.financial_year_label(2099) == "2099/00"


def test_annual_report_states_at_the_due_date():
    due = dt.date(2026, 8, 31)
    after = due + dt.timedelta(days=1)
    assert rules.annual_report_state(due, None, None, due) == rules.AWAITED
    assert rules.annual_report_state(due, None, None, after) == rules.MISSING
    assert rules.annual_report_state(due, due, None, after) == rules.RECEIVED
    assert rules.annual_report_state(due, after, None, after) == rules.LATE
    assert rules.annual_report_state(due, after, after, after) == rules.REVIEWED


history_points = st.lists(st.tuples(st.integers(0, 365), st.integers(1, 25)), min_size=1, max_size=8)


def as_history(points):
    start = dt.date(2026, 1, 1)
    return [(start + dt.timedelta(days=day), score) for day, score in sorted(points)]


@given(points=history_points, threshold=st.integers(1, 25))
def test_an_escalation_on_the_day_of_the_latest_score_always_clears_the_flag(points, threshold):
    history = as_history(points)
    assert rules.escalation_due(history, [history[-1][0]], threshold) is False
    assert rules.escalation_due(history, [], threshold) == (history[-1][1] >= threshold)


@given(points=history_points, threshold=st.integers(2, 25), gap=st.integers(1, 30))
def test_falling_below_and_rising_again_needs_a_new_escalation(points, threshold, gap):
    history = as_history(points)
    escalated = history[-1][0]
    later = [(escalated + dt.timedelta(days=gap), threshold - 1), (escalated + dt.timedelta(days=2 * gap), threshold)]
    assert rules.escalation_due(history + later, [escalated], threshold) is True


@given(due=dates, received=st.one_of(st.none(), dates), today=dates)
def test_an_annual_report_is_missing_exactly_when_not_received_after_the_due_date(due, received, today):
    state = rules.annual_report_state(due, received, None, today)
    assert (state == rules.MISSING) == (received is None and today > due)
    assert (state == rules.LATE) == (received is not None and received > due)
