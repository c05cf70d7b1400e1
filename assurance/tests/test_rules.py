import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from assurance import rules
from assurance.choices import RAG, AssessmentStatus, Rating
from core.calendar import ENGLAND

RATINGS = st.sampled_from([*Rating.values, ""])


class TestSubmissionRules:
    def test_it_refuses_a_shortfall_without_an_action(self):
        for rating in (Rating.PARTIALLY_MET, Rating.NOT_MET):
            assert "SMART action" in rules.response_problem(rating=rating, na_reason="", action_count=0)
            assert rules.response_problem(rating=rating, na_reason="", action_count=1) is None

    def test_it_refuses_not_applicable_without_a_reason(self):
        assert "does not apply" in rules.response_problem(rating=Rating.NOT_APPLICABLE, na_reason=" ", action_count=0)
        assert (
            rules.response_problem(rating=Rating.NOT_APPLICABLE, na_reason="No children seen", action_count=0) is None
        )

    def test_it_refuses_an_unrated_requirement(self):
        assert rules.response_problem(rating="", na_reason="", action_count=3) == "Choose a rating."

    def test_fully_met_needs_nothing_else(self):
        assert rules.response_problem(rating=Rating.FULLY_MET, na_reason="", action_count=0) is None

    def test_problems_are_reported_per_requirement_code(self):
        problems = rules.submission_problems(
            [("S11-1", "fully_met", "", 0), ("S11-2", "not_met", "", 0), ("S11-3", "not_applicable", "", 0)]
        )
        assert set(problems) == {"S11-2", "S11-3"}


class TestAssessmentRag:
    def test_boundaries_with_default_thresholds(self):
        assert rules.assessment_rag([]) == RAG.GREY
        assert rules.assessment_rag(["", ""]) == RAG.GREY
        assert rules.assessment_rag(["fully_met", "not_applicable"]) == RAG.GREEN
        assert rules.assessment_rag(["not_applicable"]) == RAG.GREEN
        assert rules.assessment_rag(["fully_met", "partially_met"]) == RAG.AMBER
        assert rules.assessment_rag(["fully_met", "partially_met", "not_met"]) == RAG.RED

    def test_thresholds_are_configurable(self):
        lenient = rules.RagThresholds(red_not_met=2, amber_partially_met=2)
        assert rules.assessment_rag(["not_met"], lenient) == RAG.AMBER
        assert rules.assessment_rag(["not_met", "not_met"], lenient) == RAG.RED
        assert rules.assessment_rag(["partially_met"], lenient) == RAG.GREEN
        assert rules.assessment_rag(["partially_met", "partially_met"], lenient) == RAG.AMBER

    @given(st.lists(RATINGS, max_size=30), st.integers(1, 5), st.integers(1, 5))
    def test_rag_follows_the_counts(self, ratings, red_at, amber_at):
        thresholds = rules.RagThresholds(red_not_met=red_at, amber_partially_met=amber_at)
        rag = rules.assessment_rag(ratings, thresholds)
        not_met, partial = ratings.count("not_met"), ratings.count("partially_met")
        if not any(ratings):
            assert rag == RAG.GREY
        elif not_met >= red_at:
            assert rag == RAG.RED
        elif not_met or partial >= amber_at:
            assert rag == RAG.AMBER
        else:
            assert rag == RAG.GREEN


class TestOrganisationAndIcbRollUp:
    def result(self, key, day, rag):
        return rules.FrameworkResult(key, dt.date(2026, 1, day), rag)

    def test_latest_assessment_of_each_framework_then_the_worst(self):
        results = [
            self.result("s11", 1, RAG.RED),
            self.result("s11", 20, RAG.GREEN),  # a later cycle of the same framework replaces the red
            self.result("prevent", 5, RAG.AMBER),
        ]
        assert rules.organisation_rag(results) == RAG.AMBER
        latest = rules.RagThresholds(organisation_rollup="latest")
        assert rules.organisation_rag(results, latest) == RAG.GREEN

    def test_unsubmitted_results_do_not_count(self):
        assert rules.organisation_rag([self.result("s11", 1, RAG.GREY)]) == RAG.GREY
        assert rules.organisation_rag([]) == RAG.GREY

    def test_icb_boundaries(self):
        # 1 red of 4 = 25 %: red at the default 25 %; 1 of 5 = 20 %: amber (any red is at least amber)
        assert rules.icb_rag([RAG.RED, RAG.GREEN, RAG.GREEN, RAG.GREEN]) == RAG.RED
        assert rules.icb_rag([RAG.RED, RAG.GREEN, RAG.GREEN, RAG.GREEN, RAG.GREEN]) == RAG.AMBER
        # amber: 1 of 4 amber = 25 % -> amber; 1 of 5 = 20 % -> green
        assert rules.icb_rag([RAG.AMBER, RAG.GREEN, RAG.GREEN, RAG.GREEN]) == RAG.AMBER
        assert rules.icb_rag([RAG.AMBER, RAG.GREEN, RAG.GREEN, RAG.GREEN, RAG.GREEN]) == RAG.GREEN
        assert rules.icb_rag([RAG.GREY, RAG.GREY]) == RAG.GREY
        assert rules.icb_rag([RAG.GREY, RAG.GREEN]) == RAG.GREEN

    @given(st.lists(st.sampled_from(list(RAG)), max_size=40), st.integers(1, 100), st.integers(1, 100))
    def test_icb_rag_follows_the_shares(self, rags, red_percent, amber_percent):
        thresholds = rules.RagThresholds(icb_red_percent=red_percent, icb_amber_percent=amber_percent)
        rag = rules.icb_rag(rags, thresholds)
        rated = [r for r in rags if r != RAG.GREY]
        red = rated.count(RAG.RED)
        bad = red + rated.count(RAG.AMBER)
        if not rated:
            assert rag == RAG.GREY
        elif red and red / len(rated) * 100 >= red_percent:
            assert rag == RAG.RED
        elif red or (bad and bad / len(rated) * 100 >= amber_percent):
            assert rag == RAG.AMBER
        else:
            assert rag == RAG.GREEN

    def test_trend_against_the_previous_cycle(self):
        assert rules.trend(RAG.RED, RAG.AMBER) == "better"
        assert rules.trend(RAG.GREEN, RAG.AMBER) == "worse"
        assert rules.trend(RAG.GREEN, RAG.GREEN) == "same"
        assert rules.trend(None, RAG.GREEN) == "no comparison"
        assert rules.trend(RAG.RED, RAG.GREY) == "no comparison"


class TestLatenessAndReminders:
    @given(st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)), st.integers(-40, 40))
    def test_late_only_after_the_due_date_and_only_when_unsubmitted(self, due, offset):
        today = due + dt.timedelta(days=offset)
        assert rules.is_late(AssessmentStatus.IN_PROGRESS, due, today) == (offset > 0)
        assert rules.is_late(AssessmentStatus.RETURNED, due, today) == (offset > 0)
        assert not rules.is_late(AssessmentStatus.SUBMITTED, due, today)
        assert not rules.is_late(AssessmentStatus.SIGNED_OFF, due, today)

    def test_due_soon_is_exactly_ten_working_days_before(self):
        due = dt.date(2027, 1, 15)  # a Friday
        ten_before = ENGLAND.add_working_days(due, -10)
        assert rules.due_soon_today(AssessmentStatus.NOT_STARTED, due, ten_before, ENGLAND, 10)
        assert not rules.due_soon_today(
            AssessmentStatus.NOT_STARTED, due, ten_before + dt.timedelta(days=1), ENGLAND, 10
        )
        assert not rules.due_soon_today(AssessmentStatus.SUBMITTED, due, ten_before, ENGLAND, 10)

    def test_due_soon_counts_bank_holidays_out(self):
        due = dt.date(2027, 1, 8)  # Friday; 1 January 2027 is a bank holiday
        day = ENGLAND.add_working_days(due, -10)
        # 25 and 28 December 2026 and 1 January 2027 are bank holidays: 4 + 3 + 3 working days back
        assert day == dt.date(2026, 12, 22)

    @given(st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)))
    def test_due_soon_fires_once_per_due_date(self, due):
        days = [due - dt.timedelta(days=n) for n in range(1, 40)]
        fired = [d for d in days if rules.due_soon_today(AssessmentStatus.IN_PROGRESS, due, d, ENGLAND, 10)]
        assert len(fired) == 1 and ENGLAND.working_days_between(fired[0], due) == 10


def test_requirement_kinds_override_the_framework_kinds():
    assert rules.applies_to([], ["trust_acute", "gp_practice"], "gp_practice")
    assert not rules.applies_to(["trust_acute"], ["trust_acute", "gp_practice"], "gp_practice")
    assert not rules.applies_to([], ["trust_acute"], "icb")
