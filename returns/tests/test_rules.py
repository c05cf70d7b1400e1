"""The pure rules: quarters, due dates, rating boundaries, scheme versioning, validation."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import ENGLAND, WorkingCalendar
from returns import catalogue, rules
from returns.rules import AMBER, GREEN, NONE, RED, Entry, Quarter, Scheme

TRAINING = Scheme.from_dict(next(m for m in catalogue.data()["metrics"] if m["code"] == "TRN-CH")["scheme"])
MULTI_AGENCY = next(m for m in catalogue.data()["metrics"] if m["code"] == "MAM")["scheme"]
BOTH = frozenset({"professional_group", "level"})


def rate_pct(scheme, pct, broken=BOTH):
    return rules.rate_percentage(scheme, Fraction(pct), broken_down_by=broken)


class TestTrainingAndSupervisionBands:
    @pytest.mark.parametrize(
        ("pct", "expected"),
        [("74.99", RED), ("75", AMBER), ("80", AMBER), ("90", AMBER), ("90.01", GREEN), ("0", RED), ("100", GREEN)],
    )
    def test_it_rates_the_source_boundaries(self, pct, expected):
        assert rate_pct(TRAINING, Decimal(pct)) == expected

    @given(st.fractions(min_value=0, max_value=100))
    def test_it_rates_every_percentage_by_the_bands(self, pct):
        expected = RED if pct < 75 else AMBER if pct <= 90 else GREEN
        assert rate_pct(TRAINING, pct) == expected

    @given(st.fractions(min_value=0, max_value=100), st.sampled_from([frozenset(), {"level"}, {"professional_group"}]))
    def test_it_is_red_whenever_not_broken_down_by_group_and_level(self, pct, broken):
        assert rate_pct(TRAINING, pct, frozenset(broken)) == RED

    @given(st.integers(min_value=1, max_value=100_000), st.data())
    def test_it_rates_from_numerator_and_denominator_exactly(self, denominator, data):
        numerator = data.draw(st.integers(min_value=0, max_value=denominator))
        rating = rules.rate(
            TRAINING, unit="percentage", numerator=numerator, denominator=denominator, broken_down_by=BOTH
        )
        expected = (
            RED if numerator * 100 < 75 * denominator else AMBER if numerator * 100 <= 90 * denominator else GREEN
        )
        assert rating == expected

    def test_it_rates_7499_of_10000_red_and_9001_green(self):
        assert rules.rate(TRAINING, unit="percentage", numerator=7499, denominator=10000, broken_down_by=BOTH) == RED
        assert rules.rate(TRAINING, unit="percentage", numerator=7500, denominator=10000, broken_down_by=BOTH) == AMBER
        assert rules.rate(TRAINING, unit="percentage", numerator=9000, denominator=10000, broken_down_by=BOTH) == AMBER
        assert rules.rate(TRAINING, unit="percentage", numerator=9001, denominator=10000, broken_down_by=BOTH) == GREEN

    def test_a_zero_denominator_is_not_rated(self):
        assert rules.rate(TRAINING, unit="percentage", numerator=0, denominator=0, broken_down_by=BOTH) == NONE

    def test_the_85_percent_provider_target_is_met_at_exactly_85(self):
        assert rules.target_met(TRAINING, 85, 100) is True
        assert rules.target_met(TRAINING, 8499, 10000) is False


class TestMultiAgencyContribution:
    @given(st.fractions(min_value=0, max_value=100), st.sampled_from([RED, AMBER]))
    def test_it_follows_the_source_and_the_icbs_choice_for_60_to_75(self, pct, gap):
        scheme = Scheme.from_dict(MULTI_AGENCY, gap_rating=gap)
        expected = GREEN if pct > 90 else AMBER if pct > 75 else gap if pct > 60 else RED
        assert rules.rate_percentage(scheme, pct) == expected

    @pytest.mark.parametrize(
        ("pct", "expected"),
        [("60", RED), ("60.01", RED), ("75", RED), ("75.01", AMBER), ("90", AMBER), ("90.01", GREEN)],
    )
    def test_the_default_gap_rating_is_red(self, pct, expected):
        assert rate_pct(Scheme.from_dict(MULTI_AGENCY), Decimal(pct), frozenset()) == expected

    def test_amber_gap_is_configurable(self):
        assert rate_pct(Scheme.from_dict(MULTI_AGENCY, gap_rating=AMBER), Decimal("70"), frozenset()) == AMBER


class TestOtherSchemes:
    def test_icb_level_1_and_2_target_is_green_from_90(self):
        scheme = Scheme.from_dict(next(m for m in catalogue.data()["metrics"] if m["code"] == "ICB-TRN-L12")["scheme"])
        assert rate_pct(scheme, Decimal("90"), frozenset({"level"})) == GREEN
        assert rate_pct(scheme, Decimal("89.99"), frozenset({"level"})) == RED

    def test_icb_level_1_and_2_training_must_be_broken_down_by_level(self):
        """[DDICB Safeguarding Training: levels 1 and 2 at 90 %, all ICB employees including agency staff]."""
        metric = next(m for m in catalogue.data()["metrics"] if m["code"] == "ICB-TRN-L12")
        assert rate_pct(Scheme.from_dict(metric["scheme"]), Decimal("95"), frozenset()) == RED
        assert "including agency staff" in metric["definition"]

    def test_two_annual_reports_for_every_provider_kind_the_standards_cover(self):
        """[CPCCG App. 3 11.a.3; NEL adults Std 9; SAAF 4.2.1]: children and adults, red only when not submitted."""
        metrics = {m["code"]: m for m in catalogue.data()["metrics"]}
        for code in ("ANNUAL", "ANNUAL-AD"):
            kinds = catalogue.expand_kinds(metrics[code]["applies_to"])
            assert {"care_home", "domiciliary_care", "independent", "trust_acute", "nhs_111_ooh"} <= set(kinds)
            assert "gp_practice" not in kinds
        scheme = Scheme.from_dict(metrics["ANNUAL-AD"]["scheme"])
        q1 = rules.Quarter(2026, 1)
        later = rules.Quarter(2027, 3)
        assert rules.rate(scheme, unit="date", date_value=dt.date(2027, 8, 31), quarter=later) == GREEN
        assert rules.rate(scheme, unit="date", date_value=dt.date(2027, 9, 1), quarter=later) == AMBER
        assert rules.rate(scheme, unit="date", quarter=later) == RED
        assert rules.rate(scheme, unit="date", quarter=q1) == NONE

    def test_yes_no(self):
        scheme = Scheme.from_dict({"kind": "yes_no"})
        assert rules.rate(scheme, unit="yes_no", numerator=1) == GREEN
        assert rules.rate(scheme, unit="yes_no", numerator=0) == RED

    def test_annual_report_deadline_is_31_august(self):
        scheme = Scheme.from_dict({"kind": "deadline", "month": 8, "day": 31})
        q2, q1 = Quarter(2026, 2), Quarter(2026, 1)
        assert rules.rate(scheme, unit="date", date_value=dt.date(2026, 8, 31), quarter=q2) == GREEN
        assert rules.rate(scheme, unit="date", date_value=dt.date(2026, 9, 1), quarter=q2) == RED
        assert rules.rate(scheme, unit="date", date_value=None, quarter=q1) == NONE
        assert rules.rate(scheme, unit="date", date_value=None, quarter=q2) == RED

    def test_a_scheme_survives_a_round_trip_through_its_dict(self):
        assert Scheme.from_dict(TRAINING.to_dict()) == TRAINING


class TestSchemeVersioningByQuarter:
    def test_an_override_applies_from_its_effective_quarter_only(self):
        default = TRAINING
        stricter = Scheme.from_dict({"kind": "bands", "bands": [["gt", "95", "green"], ["ge", "85", "amber"]]})
        overrides = [(Quarter(2026, 3).index, 1, stricter)]
        assert rules.scheme_in_force(default, overrides, Quarter(2026, 2).index) is default
        assert rules.scheme_in_force(default, overrides, Quarter(2026, 3).index) is stricter
        assert rules.scheme_in_force(default, overrides, Quarter(2027, 1).index) is stricter

    @given(st.integers(min_value=8000, max_value=8200), st.integers(min_value=8000, max_value=8200))
    def test_the_latest_effective_override_not_after_the_quarter_wins(self, first, second):
        a, b = Scheme(kind="none"), Scheme(kind="yes_no")
        in_force = rules.scheme_in_force(TRAINING, [(first, 1, a), (second, 2, b)], 8100)
        candidates = [(first, 1, a), (second, 2, b)]
        applicable = [c for c in candidates if c[0] <= 8100]
        assert in_force is (max(applicable, key=lambda c: (c[0], c[1]))[2] if applicable else TRAINING)


class TestDueDates:
    def test_20_working_days_after_december_skips_christmas_and_new_year(self):
        # 2026/27 Q3 ends Thu 31 Dec 2026; 1 Jan 2027 is a bank holiday.
        due = rules.due_date(Quarter(2026, 3), ENGLAND, 20)
        assert due == dt.date(2027, 1, 29)

    def test_q4_2026_27_has_easter_before_quarter_end_so_no_day_is_skipped(self):
        # 2026/27 Q4 ends Wed 31 Mar 2027; Good Friday 26 and Easter Monday 29 March 2027 fall before it.
        assert rules.due_date(Quarter(2026, 4), ENGLAND, 20) == dt.date(2027, 4, 28)

    def test_2025_26_q4_skips_easter_2026(self):
        # Quarter ends Tue 31 Mar 2026; Good Friday 3 Apr and Easter Monday 6 Apr 2026 are not working days.
        assert rules.due_date(Quarter(2025, 4), ENGLAND, 20) == dt.date(2026, 4, 30)

    def test_an_icb_closure_day_moves_the_due_date(self):
        closed = WorkingCalendar(frozenset({dt.date(2027, 1, 4)}))
        assert rules.due_date(Quarter(2026, 3), closed, 20) == dt.date(2027, 2, 1)

    @given(st.integers(min_value=8000, max_value=8120), st.integers(min_value=1, max_value=40))
    def test_the_due_date_is_a_working_day_exactly_n_working_days_after_quarter_end(self, index, days):
        quarter = Quarter.from_index(index)
        due = rules.due_date(quarter, ENGLAND, days)
        assert ENGLAND.is_working_day(due)
        assert ENGLAND.working_days_between(quarter.end, due) == days

    def test_late_means_after_the_due_date(self):
        due = dt.date(2027, 1, 29)
        assert not rules.is_late(due, due)
        assert rules.is_late(due, dt.date(2027, 1, 30))
        assert rules.is_missing(due, None, dt.date(2027, 1, 30))
        assert not rules.is_missing(due, None, due)


SPECS = {
    "T": rules.MetricSpec("T", "Training", "percentage", {"level": ("L1", "L2"), "professional_group": ("a", "b")}),
    "C": rules.MetricSpec("C", "Count", "count", {"theme": ("x", "y")}),
}


def d(value):
    return None if value is None else Decimal(str(value))


def training(num, den, level=None, group=None, explanation=""):
    breakdown = {}
    if level:
        breakdown["level"] = {k: (d(v[0]), d(v[1])) for k, v in level.items()}
    if group:
        breakdown["professional_group"] = {k: (d(v[0]), d(v[1])) for k, v in group.items()}
    return Entry(numerator=d(num), denominator=d(den), breakdown=breakdown, explanation=explanation)


GOOD = training(80, 100, level={"L1": (50, 60), "L2": (30, 40)}, group={"a": (70, 90), "b": (10, 10)})


def codes(problems, severity=None):
    return sorted({p.rule for p in problems if severity is None or p.severity == severity})


class TestValidation:
    def test_a_consistent_return_has_no_problem(self):
        assert rules.validate(SPECS, {"T": GOOD}) == []

    def test_it_refuses_a_numerator_above_the_denominator(self):
        entry = training(101, 100, level={"L1": (71, 60), "L2": (30, 40)}, group={"a": (91, 90), "b": (10, 10)})
        problems = rules.validate(SPECS, {"T": entry})
        assert "numerator_within_denominator" in codes(problems, rules.ERROR)
        assert any(p.breakdown == "level: L1" for p in problems if p.rule == "numerator_within_denominator")

    def test_it_refuses_breakdowns_that_do_not_add_up(self):
        entry = training(80, 100, level={"L1": (50, 60), "L2": (29, 40)}, group={"a": (70, 90), "b": (10, 10)})
        problems = rules.validate(SPECS, {"T": entry})
        assert [(p.rule, p.breakdown, p.field) for p in problems] == [("breakdown_sums", "level", "numerator")]

    def test_it_refuses_a_started_breakdown_with_a_missing_cell(self):
        entry = training(80, 100, level={"L1": (80, 100)}, group={"a": (70, 90), "b": (10, 10)})
        problems = rules.validate(SPECS, {"T": entry})
        assert ("breakdown_complete", "level: L2") in {(p.rule, p.breakdown) for p in problems}

    def test_a_figure_not_broken_down_is_a_warning(self):
        problems = rules.validate(SPECS, {"T": training(80, 100)})
        assert codes(problems) == ["breakdown_given"]
        assert all(p.severity == rules.WARNING for p in problems)

    @pytest.mark.parametrize("value", [-1, "2.5"])
    def test_counts_are_whole_and_not_negative(self, value):
        problems = rules.validate(SPECS, {"C": Entry(numerator=d(value))})
        assert "whole_non_negative" in codes(problems, rules.ERROR)

    def test_a_big_change_from_the_previous_quarter_needs_an_explanation(self):
        previous = {"T": training(95, 100)}
        now = training(84, 100, level={"L1": (54, 60), "L2": (30, 40)}, group={"a": (74, 90), "b": (10, 10)})
        problems = rules.validate(SPECS, {"T": now}, previous=previous)
        assert codes(problems) == ["change_percentage_points"]
        assert rules.blocking(problems, {"T": now})
        now.explanation = "A training provider cancelled two sessions."
        assert rules.blocking(problems, {"T": now}) == []

    def test_a_change_of_exactly_the_threshold_needs_no_explanation(self):
        previous = {"T": training(90, 100)}
        problems = rules.validate(SPECS, {"T": GOOD}, previous=previous)
        assert problems == []

    def test_the_change_threshold_is_data(self):
        previous = {"T": training(90, 100)}
        tighter = {"change_percentage_points": rules.RuleSetting("change_percentage_points", rules.WARNING, Decimal(5))}
        assert codes(rules.validate(SPECS, {"T": GOOD}, previous=previous, rules=tighter)) == [
            "change_percentage_points"
        ]

    def test_a_rule_can_be_made_an_error_or_switched_off(self):
        strict = {"breakdown_given": rules.RuleSetting("breakdown_given", rules.ERROR)}
        assert codes(rules.validate(SPECS, {"T": training(80, 100)}, rules=strict), rules.ERROR) == ["breakdown_given"]
        off = {"breakdown_given": rules.RuleSetting("breakdown_given", rules.WARNING, active=False)}
        assert rules.validate(SPECS, {"T": training(80, 100)}, rules=off) == []

    def test_count_change_rule(self):
        problems = rules.validate(SPECS, {"C": Entry(numerator=d(16))}, previous={"C": Entry(numerator=d(10))})
        assert codes(problems) == ["breakdown_given", "change_count_percent"]
        problems = rules.validate(SPECS, {"C": Entry(numerator=d(15))}, previous={"C": Entry(numerator=d(10))})
        assert codes(problems) == ["breakdown_given"]

    @pytest.mark.parametrize("raw", ["abc", "1e", "NaN", True])
    def test_it_refuses_text_that_is_not_a_number(self, raw):
        with pytest.raises(rules.NotANumber):
            rules.parse_number(raw)

    def test_it_reads_numbers_from_cells(self):
        assert rules.parse_number(" 1,200 ") == 1200
        assert rules.parse_number(3.0) == 3
        assert rules.parse_number("") is None


class TestMinimumCountChange:
    """A count needs its change explained only when it moved by at least RETURNS_CHANGE_MIN_ABSOLUTE (default 3)
    AND by more than the change_count_percent rule's % (default 50)."""

    @pytest.mark.parametrize(
        ("before", "now", "flagged"),
        [
            (2, 0, False),  # 100 % but only 2: the example
            (0, 2, False),  # from zero there is no percentage: the absolute rule alone
            (0, 3, True),
            (4, 1, True),  # 75 % and 3
            (4, 2, False),  # 50 %: not more than 50
            (5, 8, True),  # 60 % and 3
            (5, 7, False),  # 40 %
            (100, 151, True),
            (100, 150, False),
            (3, 5, False),  # 67 % but 2
            (6, 6, False),
        ],
    )
    def test_the_boundaries(self, before, now, flagged):
        assert rules.count_change_needs_explaining(before, now, percent=50, min_absolute=3) is flagged

    def test_a_minimum_of_zero_or_one_is_the_percentage_rule_alone(self):
        assert rules.count_change_needs_explaining(2, 0, percent=50, min_absolute=1)
        assert not rules.count_change_needs_explaining(2, 3, percent=50, min_absolute=0)

    @given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 20))
    def test_never_flags_a_change_below_the_minimum(self, before, now, minimum):
        if abs(now - before) < minimum:
            assert not rules.count_change_needs_explaining(before, now, percent=50, min_absolute=minimum)

    def test_validate_uses_it(self):
        previous = {"C": Entry(numerator=d(2))}
        assert codes(rules.validate(SPECS, {"C": Entry(numerator=d(0))}, previous=previous)) == ["breakdown_given"]
        assert codes(rules.validate(SPECS, {"C": Entry(numerator=d(0))}, previous=previous, min_count_change=1)) == [
            "breakdown_given",
            "change_count_percent",
        ]
        rose = rules.validate(SPECS, {"C": Entry(numerator=d(4))}, previous={"C": Entry(numerator=d(0))})
        assert [p.message for p in rose if p.rule == "change_count_percent"] == [
            "rose from 0 to 4 since the previous quarter (more than 50 % and by at least 3): explain the change"
        ]
