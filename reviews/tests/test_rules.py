import calendar as std_calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import ENGLAND, WorkingCalendar
from reviews import rules
from reviews.rules import CALENDAR_MONTHS, WORKING_DAYS, MilestoneRule

D = dt.date
PANEL = MilestoneRule("panel_notified", "Notify the panel", "awareness", WORKING_DAYS, 5, "notification")
RAPID = MilestoneRule("rapid_review_done", "Rapid review", "notification", WORKING_DAYS, 15, "decision")
CSPR = MilestoneRule("cspr_published", "CSPR published", "initiation", CALENDAR_MONTHS, 6, "publication")
ONE_MONTH = MilestoneRule("dhr_decision", "DHR decision", "notification", CALENDAR_MONTHS, 1, "decision")
dates_2020s = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


class TestMilestoneDueDates:
    def test_panel_notification_is_five_working_days_from_awareness_across_christmas(self):
        # Thu 24 Dec 2026: Christmas, Boxing Day substitute (Mon 28), New Year's Day are skipped.
        assert rules.milestone_due(PANEL, {"awareness": D(2026, 12, 24)}, ENGLAND) == D(2027, 1, 5)

    def test_rapid_review_is_fifteen_working_days_from_notification_across_easter(self):
        # Fri 19 Mar 2027: Good Friday 26 March and Easter Monday 29 March are skipped.
        assert rules.milestone_due(RAPID, {"notification": D(2027, 3, 19)}, ENGLAND) == D(2027, 4, 13)

    def test_a_closure_day_of_the_icb_is_skipped_too(self):
        closed = WorkingCalendar(frozenset({D(2026, 6, 3)}))
        assert rules.milestone_due(PANEL, {"awareness": D(2026, 6, 1)}, ENGLAND) == D(2026, 6, 8)
        assert rules.milestone_due(PANEL, {"awareness": D(2026, 6, 1)}, closed) == D(2026, 6, 9)

    def test_cspr_is_six_calendar_months_from_initiation(self):
        assert rules.milestone_due(CSPR, {"initiation": D(2026, 3, 15)}, ENGLAND) == D(2026, 9, 15)

    def test_a_month_from_31_january_is_the_end_of_february(self):
        assert rules.milestone_due(ONE_MONTH, {"notification": D(2027, 1, 31)}, ENGLAND) == D(2027, 2, 28)
        assert rules.milestone_due(ONE_MONTH, {"notification": D(2028, 1, 31)}, ENGLAND) == D(2028, 2, 29)

    def test_six_months_from_31_august_is_28_february(self):
        assert rules.milestone_due(CSPR, {"initiation": D(2026, 8, 31)}, ENGLAND) == D(2027, 2, 28)

    def test_calendar_months_do_not_skip_to_a_working_day(self):
        # 6 months from Sat 14 Feb 2026 is Fri 14 Aug; from Tue 25 Jun 2024 is Wed 25 Dec (a bank holiday).
        assert rules.milestone_due(CSPR, {"initiation": D(2024, 6, 25)}, ENGLAND) == D(2024, 12, 25)

    def test_a_rule_whose_base_date_is_not_set_has_no_due_date(self):
        assert rules.milestone_due(RAPID, {"awareness": D(2026, 5, 1), "notification": None}, ENGLAND) is None
        assert rules.milestone_due(RAPID, {}, ENGLAND) is None

    @given(base=dates_2020s, amount=st.integers(min_value=1, max_value=40))
    def test_working_day_rules_land_on_a_working_day_exactly_n_working_days_later(self, base, amount):
        rule = MilestoneRule("x", "x", "notification", WORKING_DAYS, amount)
        due = rules.milestone_due(rule, {"notification": base}, ENGLAND)
        assert due > base
        assert ENGLAND.is_working_day(due)
        assert ENGLAND.working_days_between(base, due) == amount

    @given(base=dates_2020s, amount=st.integers(min_value=1, max_value=24))
    def test_month_rules_keep_the_day_or_clamp_to_the_month_end(self, base, amount):
        rule = MilestoneRule("x", "x", "initiation", CALENDAR_MONTHS, amount)
        due = rules.milestone_due(rule, {"initiation": base}, ENGLAND)
        assert (due.year * 12 + due.month) - (base.year * 12 + base.month) == amount
        assert due.day == min(base.day, std_calendar.monthrange(due.year, due.month)[1])


class TestMilestoneStates:
    today = D(2026, 6, 10)  # a Wednesday

    def states(self, dates):
        return {m.rule.code: m for m in rules.milestones([PANEL, RAPID, CSPR], dates, ENGLAND, self.today)}

    def test_milestones_without_their_base_date_show_pending_not_a_wrong_date(self):
        found = self.states({"awareness": D(2026, 6, 1)})
        assert found["rapid_review_done"].state == rules.PENDING
        assert found["rapid_review_done"].due is None
        assert found["rapid_review_done"].waiting_for == "notification date"
        assert found["cspr_published"].state == rules.PENDING

    def test_a_milestone_is_met_when_its_date_is_recorded_on_time_or_late(self):
        found = self.states({"awareness": D(2026, 6, 1), "notification": D(2026, 6, 5)})
        assert found["panel_notified"].state == rules.MET  # due Mon 8 June
        late = self.states({"awareness": D(2026, 6, 1), "notification": D(2026, 6, 9)})
        assert late["panel_notified"].state == rules.MET_LATE

    def test_overdue_the_day_after_the_due_date_not_on_it(self):
        assert rules.milestone_state(D(2026, 6, 9), None, self.today) == rules.OVERDUE
        assert rules.milestone_state(D(2026, 6, 10), None, self.today) == rules.DUE

    def test_due_soon_within_five_working_days(self):
        found = self.states({"awareness": D(2026, 6, 10)})  # due Wed 17 June = today + 5 working days
        assert found["panel_notified"].due == D(2026, 6, 17)
        assert found["panel_notified"].state == rules.DUE_SOON
        later = self.states({"awareness": D(2026, 6, 11)})  # due Thu 18 June
        assert later["panel_notified"].state == rules.DUE

    def test_rule_descriptions_read_as_sentences(self):
        assert PANEL.description == "5 working days from the date the agency became aware"
        assert ONE_MONTH.description == "1 calendar month from the notification date"


class TestDateOrder:
    def test_a_decision_before_the_notification_is_refused_naming_both_dates(self):
        problems = rules.date_order_problems({"notification": D(2026, 5, 12), "decision": D(2026, 5, 11)})
        assert problems == {
            "decision": "The decision date (11 May 2026) cannot be before the notification date (12 May 2026)."
        }

    def test_same_day_and_gaps_are_allowed(self):
        dates = {"incident": D(2026, 5, 1), "notification": D(2026, 5, 1), "publication": D(2026, 11, 1)}
        assert rules.date_order_problems(dates) == {}

    def test_it_compares_with_the_nearest_earlier_date_that_is_set(self):
        problems = rules.date_order_problems({"incident": D(2026, 5, 10), "initiation": D(2026, 5, 9)})
        assert "before the incident date" in problems["initiation"]

    def test_future_dates_are_refused(self):
        problems = rules.date_order_problems({"incident": D(2026, 7, 1)}, today=D(2026, 6, 30))
        assert problems == {"incident": "The incident date cannot be in the future."}

    @given(st.lists(st.one_of(st.none(), dates_2020s), min_size=6, max_size=6))
    def test_dates_in_order_never_have_problems(self, values):
        present = sorted(v for v in values if v is not None)
        iterator = iter(present)
        dates = {
            name: (next(iterator) if value is not None else None)
            for name, value in zip(rules.DATE_FIELDS, values, strict=True)
        }
        assert rules.date_order_problems(dates) == {}


class TestEligibilityHints:
    def test_a_cspr_needs_abuse_or_neglect_and_death_or_serious_harm(self):
        assert rules.eligibility_hints("cspr_local", abuse_or_neglect=True, harm="serious_harm", age=3) == []
        no_abuse = rules.eligibility_hints("cspr_local", abuse_or_neglect=False, harm="died")
        assert [h.source for h in no_abuse] == ["NEL 8.1; SAAF 4.5.1, 4.5.2"]
        assert rules.eligibility_hints("rapid_review", abuse_or_neglect=True, harm="none")[0].level == "warning"

    def test_unknown_facts_give_no_hint(self):
        assert rules.eligibility_hints("cspr_local") == []
        assert rules.eligibility_hints("dhr") == []

    def test_a_dhr_concerns_a_victim_aged_16_or_over(self):
        assert rules.eligibility_hints("dhr", age=15)[0].text.startswith("A domestic homicide review concerns")
        assert rules.eligibility_hints("dhr", age=19) == []

    @pytest.mark.parametrize("age", [16, 17, 18])
    def test_a_cspr_normally_takes_precedence_for_a_victim_aged_16_to_18(self, age):
        (hint,) = rules.eligibility_hints("dhr", age=age)
        assert hint.level == "info" and "normally takes precedence" in hint.text and hint.source == "NEL 8.4"

    def test_a_cspr_normally_takes_precedence_when_the_victim_has_children(self):
        (hint,) = rules.eligibility_hints("dhr", age=34, has_children=True)
        assert "normally takes precedence" in hint.text
        assert rules.eligibility_hints("dhr", age=34, has_children=False) == []

    def test_child_and_adult_ages(self):
        assert rules.eligibility_hints("cspr_local", abuse_or_neglect=True, harm="died", age=18)
        assert rules.eligibility_hints("cspr_local", abuse_or_neglect=True, harm="died", age=17) == []
        assert rules.eligibility_hints("sar", age=17)
        assert rules.eligibility_hints("sar", age=18, abuse_or_neglect=True, harm="died") == []
        assert rules.eligibility_hints("child_death", age=18)
        assert rules.eligibility_hints("leder", age=3)[0].level == "warning"
        assert rules.eligibility_hints("leder", age=4)[0].level == "info"
        assert rules.eligibility_hints("leder", age=30) == []


class TestFinancialQuarters:
    def test_quarters_run_from_april(self):
        assert rules.financial_quarter(D(2026, 4, 1)) == (2026, 1)
        assert rules.financial_quarter(D(2026, 6, 30)) == (2026, 1)
        assert rules.financial_quarter(D(2026, 7, 1)) == (2026, 2)
        assert rules.financial_quarter(D(2027, 1, 1)) == (2026, 4)
        assert rules.financial_quarter(D(2027, 3, 31)) == (2026, 4)
        assert rules.quarter_bounds(2026, 4) == (D(2027, 1, 1), D(2027, 3, 31))
        assert rules.quarter_label(2026, 4) == "2026/27 Q4"  # one label format across Vigil

    @given(dates_2020s)
    def test_every_day_lies_within_its_quarter(self, day):
        start, end = rules.quarter_bounds(*rules.financial_quarter(day))
        assert start <= day <= end


class TestRecommendationClosure:
    def test_closed_only_when_every_action_is_verified(self):
        assert rules.recommendation_closed(["verified", "verified"])
        assert not rules.recommendation_closed(["verified", "completed"])
        assert not rules.recommendation_closed(["verified", "open"])
        assert not rules.recommendation_closed([])


class TestDhrAgeBoundaries:
    @given(st.integers(min_value=0, max_value=110), st.booleans())
    def test_the_hint_follows_the_victims_age_and_children(self, age, has_children):
        levels = [h.level for h in rules.eligibility_hints("dhr", age=age, has_children=has_children)]
        if age < 16:
            assert levels == ["warning"]
        elif age <= 18 or has_children:
            assert levels == ["info"]
        else:
            assert levels == []


class TestHintsFromTheSeeds:
    """Issue 16 item 6: review hints and leads as the seeds word them."""

    def test_a_child_death_review_is_led_by_the_cdr_partners_and_excludes_stillbirths(self):
        """[DDICB Child Death Review; SAAF 4.5.3]."""
        hints = rules.eligibility_hints("child_death", age=2)
        texts = " ".join(h.text for h in hints)
        assert "child death review partners (the ICB and the local authority)" in texts
        assert "Stillbirths and planned terminations of pregnancy carried out within the law" in texts
        assert all(h.level == "info" for h in hints)
        led_by_scp = rules.eligibility_hints("child_death", age=2, lead_kind="scp")
        assert any(h.level == "warning" and "child death review partners" in h.text for h in led_by_scp)

    def test_a_cspr_may_concern_a_child_who_caused_serious_harm(self):
        """[SAAF 4.5.2: "This may include cases where a child has caused serious harm to someone else"]."""
        hints = rules.eligibility_hints("cspr_local", abuse_or_neglect=True, harm="caused_harm", age=15)
        assert [h.level for h in hints] == ["info"] and hints[0].source == "SAAF 4.5.2"

    @pytest.mark.parametrize("kind", ["cspr_local", "cspr_national", "rapid_review", "sar"])
    def test_no_concern_about_how_agencies_worked_together_warns(self, kind):
        """[SAAF 4.5.2, 4.5.6; DUDLEY 30.1; NEL 8.3]."""
        age = 40 if kind == "sar" else 10
        hints = rules.eligibility_hints(kind, abuse_or_neglect=True, harm="died", age=age, agencies_concern=False)
        assert [h.source for h in hints] == ["SAAF 4.5.2, 4.5.6; DUDLEY 30.1; NEL 8.3"]
        assert rules.eligibility_hints(kind, abuse_or_neglect=True, harm="died", age=age, agencies_concern=True) == []
        assert rules.eligibility_hints("dhr", age=40, agencies_concern=False) == []

    @pytest.mark.parametrize(("age", "level"), [(18, "info"), (20, "info"), (21, "warning")])
    def test_a_care_leaver_or_young_person_with_ld_up_to_21(self, age, level):
        """[DUDLEY 3.4: needs "may extend to their 21st birthday"]."""
        (hint,) = rules.eligibility_hints(
            "cspr_local", abuse_or_neglect=True, harm="died", age=age, care_leaver_or_ld=True
        )
        assert hint.level == level
        assert rules.eligibility_hints("cspr_local", abuse_or_neglect=True, harm="died", age=18)[0].level == "warning"
