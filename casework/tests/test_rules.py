"""The pure casework rules: every clock with bank holidays and Friday afternoons, validations, pseudonyms."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework import rules
from casework.choices import EmploymentOutcome
from core.calendar import ENGLAND, WorkingCalendar

LONDON = zoneinfo.ZoneInfo("Europe/London")
FRIDAY = dt.date(2026, 11, 20)
BANK_HOLIDAY_FRIDAY = dt.date(2026, 5, 22)  # Monday 25 May 2026 is the spring bank holiday
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))


class TestAllegationInformClock:
    def test_an_allegation_on_a_friday_afternoon_is_due_on_monday(self):
        assert rules.allegation_inform_due(FRIDAY, ENGLAND) == dt.date(2026, 11, 23)

    def test_a_friday_before_a_bank_holiday_monday_is_due_on_tuesday(self):
        assert rules.allegation_inform_due(BANK_HOLIDAY_FRIDAY, ENGLAND) == dt.date(2026, 5, 26)

    def test_christmas_eve_is_due_after_christmas_and_the_substitute_boxing_day(self):
        assert rules.allegation_inform_due(dt.date(2026, 12, 24), ENGLAND) == dt.date(2026, 12, 29)

    def test_a_saturday_allegation_is_due_on_monday(self):
        assert rules.allegation_inform_due(dt.date(2026, 11, 21), ENGLAND) == dt.date(2026, 11, 23)

    def test_an_icb_closure_day_is_skipped(self):
        calendar = WorkingCalendar(frozenset({dt.date(2026, 11, 23)}))
        assert rules.allegation_inform_due(FRIDAY, calendar) == dt.date(2026, 11, 24)

    @given(days)
    def test_it_is_always_the_first_working_day_after_the_allegation(self, made_on):
        due = rules.allegation_inform_due(made_on, ENGLAND)
        assert due > made_on and ENGLAND.is_working_day(due)
        assert not any(ENGLAND.is_working_day(made_on + dt.timedelta(days=n)) for n in range(1, (due - made_on).days))


class TestReferralFollowUpClock:
    """Clock hours, no roll-forward: the online routes are open at weekends [DDICB What to do]."""

    def test_48_hours_from_a_tuesday_is_thursday_at_the_same_time(self):
        called = dt.datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)
        assert rules.referral_follow_up_due(called) == dt.datetime(2026, 11, 19, 10, 30, tzinfo=LONDON)

    def test_a_friday_evening_telephone_referral_is_due_sunday_evening(self):
        """[DDICB What to do: 48 hours; the online referral routes are open at weekends]."""
        called = dt.datetime(2026, 11, 20, 18, 0, tzinfo=LONDON)
        assert rules.referral_follow_up_due(called) == dt.datetime(2026, 11, 22, 18, 0, tzinfo=LONDON)

    def test_a_deadline_on_a_bank_holiday_monday_stays_on_it(self):
        called = dt.datetime(2026, 5, 23, 9, 0, tzinfo=LONDON)  # Saturday; +48h = Monday 25 May, a bank holiday
        assert rules.referral_follow_up_due(called) == dt.datetime(2026, 5, 25, 9, 0, tzinfo=LONDON)

    def test_24_hours_as_in_dudley_from_a_friday_afternoon_is_saturday(self):
        """[DUDLEY 15.2: "followed up in writing within 24 hours"]."""
        called = dt.datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)
        assert rules.referral_follow_up_due(called, hours=24) == dt.datetime(2026, 11, 21, 16, 0, tzinfo=LONDON)

    @given(days, st.integers(0, 23), st.sampled_from([24, 48]))
    def test_it_is_exactly_the_hours_after_the_call(self, day, hour, hours):
        called = dt.datetime(day.year, day.month, day.day, hour, 0)
        assert rules.referral_follow_up_due(called, hours=hours) - called == dt.timedelta(hours=hours)

    def test_only_a_telephone_referral_is_followed_up_in_writing(self):
        assert rules.referral_follow_up_required("telephone")
        assert not rules.referral_follow_up_required("online")
        assert not rules.referral_follow_up_required("police")


class TestReferralProblems:
    def test_a_referral_straight_to_the_police_needs_no_local_authority(self):
        """[DUDLEY 25.3: forced marriage, "a referral direct to the Police Child Abuse Investigation Unit"]."""
        common = {"family_told": True, "why_family_not_told": ""}
        assert rules.referral_problems(route="police", has_local_authority=False, **common) == {}
        assert "local_authority" in rules.referral_problems(route="telephone", has_local_authority=False, **common)
        assert "local_authority" in rules.referral_problems(route="online", has_local_authority=False, **common)

    def test_a_family_not_told_needs_the_reason(self):
        """[DUDLEY 15.1: tell the family unless it would be detrimental to the child or an investigation]."""
        problems = rules.referral_problems(
            route="telephone", has_local_authority=True, family_told=False, why_family_not_told=""
        )
        assert "DUDLEY 15.1" in problems["why_family_not_told"]
        assert (
            rules.referral_problems(
                route="telephone", has_local_authority=True, family_told=False, why_family_not_told="Risk to child"
            )
            == {}
        )
        assert (
            rules.referral_problems(
                route="telephone", has_local_authority=True, family_told=None, why_family_not_told=""
            )
            == {}
        )

    def test_an_online_referral_has_no_written_follow_up(self):
        problems = rules.referral_problems(
            route="online",
            has_local_authority=True,
            family_told=True,
            why_family_not_told="",
            written_follow_up_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=LONDON),
        )
        assert "written_follow_up_at" in problems


class TestOutcomeChaseClock:
    def test_three_working_days_from_a_friday_is_wednesday(self):
        assert rules.referral_outcome_chase_due(FRIDAY, ENGLAND) == dt.date(2026, 11, 25)

    def test_three_working_days_over_easter_skip_good_friday_and_easter_monday(self):
        assert rules.referral_outcome_chase_due(dt.date(2026, 4, 2), ENGLAND) == dt.date(2026, 4, 9)

    @given(days)
    def test_it_is_exactly_three_working_days_later(self, day):
        due = rules.referral_outcome_chase_due(day, ENGLAND)
        assert ENGLAND.working_days_between(day, due) == 3 and ENGLAND.is_working_day(due)


class TestComplexHealthNeedsMeetingWindow:
    def test_calendar_days_from_a_friday_deadline(self):
        # Friday 20 Nov + 7 = Friday 27 Nov; + 10 = Monday 30 Nov.
        assert rules.chn_meeting_window(FRIDAY, ENGLAND) == (dt.date(2026, 11, 27), dt.date(2026, 11, 30))

    def test_calendar_days_roll_the_start_forward_and_the_end_back_over_a_weekend(self):
        # Monday 16 Nov + 7 = Monday 23 Nov; + 10 = Thursday 26 Nov.
        assert rules.chn_meeting_window(dt.date(2026, 11, 16), ENGLAND) == (
            dt.date(2026, 11, 23),
            dt.date(2026, 11, 26),
        )
        # Wednesday 18 Nov + 7 = Wednesday 25; + 10 = Saturday 28 -> Friday 27.
        assert rules.chn_meeting_window(dt.date(2026, 11, 18), ENGLAND) == (
            dt.date(2026, 11, 25),
            dt.date(2026, 11, 27),
        )

    def test_calendar_days_skip_a_bank_holiday_at_the_start(self):
        # Monday 18 May 2026 + 7 = Monday 25 May (bank holiday) -> Tuesday 26 May.
        assert rules.chn_meeting_window(dt.date(2026, 5, 18), ENGLAND)[0] == dt.date(2026, 5, 26)

    def test_working_days_from_a_friday_before_a_bank_holiday(self):
        start, end = rules.chn_meeting_window(BANK_HOLIDAY_FRIDAY, ENGLAND, day_kind="working")
        assert (start, end) == (dt.date(2026, 6, 3), dt.date(2026, 6, 8))  # Tuesday 26 May is day 1

    def test_an_unknown_day_kind_is_refused(self):
        with pytest.raises(ValueError, match="unknown day kind"):
            rules.chn_meeting_window(FRIDAY, ENGLAND, day_kind="lunar")

    @given(days, st.sampled_from(["calendar", "working"]))
    def test_the_window_is_working_days_at_least_a_week_after_the_deadline(self, deadline, kind):
        start, end = rules.chn_meeting_window(deadline, ENGLAND, day_kind=kind)
        assert ENGLAND.is_working_day(start) and ENGLAND.is_working_day(end)
        assert (start - deadline).days >= 7 and start <= end


class TestClockStatus:
    def test_a_date_clock_is_due_today_on_its_day_and_overdue_the_day_after(self):
        due = dt.date(2026, 11, 23)
        assert rules.clock_status(due, dt.date(2026, 11, 22)) == rules.DUE
        assert rules.clock_status(due, due) == rules.DUE_TODAY
        assert rules.clock_status(due, dt.date(2026, 11, 24)) == rules.OVERDUE

    def test_an_hour_clock_is_overdue_the_minute_after(self):
        due = dt.datetime(2026, 11, 23, 15, 45, tzinfo=LONDON)
        assert rules.clock_status(due, due) == rules.DUE_TODAY
        assert rules.clock_status(due, due + dt.timedelta(minutes=1)) == rules.OVERDUE
        assert rules.clock_status(due, due - dt.timedelta(days=1)) == rules.DUE

    def test_no_due_date_is_outstanding(self):
        assert rules.clock_status(None, dt.date(2026, 11, 23)) == rules.OUTSTANDING


class TestAllegationValidation:
    made = dt.date(2026, 11, 20)

    def test_a_lado_date_before_the_allegation_is_refused(self):
        problems = rules.allegation_problems(made_on=self.made, lado_informed_on=dt.date(2026, 11, 19))
        assert "cannot be before the allegation" in problems["lado_informed_on"]

    def test_a_lado_date_on_the_allegation_day_is_accepted(self):
        assert rules.allegation_problems(made_on=self.made, lado_informed_on=self.made) == {}

    def test_an_outcome_without_a_closure_date_is_refused(self):
        problems = rules.allegation_problems(made_on=self.made, outcome="unfounded")
        assert problems == {"closed_on": "Enter the closure date: an allegation with an outcome is closed."}

    def test_a_closure_date_without_an_outcome_is_refused(self):
        assert "outcome" in rules.allegation_problems(made_on=self.made, closed_on=self.made)

    @pytest.mark.parametrize("employment", [EmploymentOutcome.REMOVED, EmploymentOutcome.RESIGNED])
    def test_closing_after_removal_or_resignation_needs_a_dbs_referral(self, employment):
        problems = rules.allegation_problems(
            made_on=self.made, outcome="substantiated", closed_on=self.made, employment_outcome=employment
        )
        assert "DBS barring referral is required" in problems["dbs_referral_on"]

    def test_closing_when_the_person_remains_in_post_needs_no_dbs_referral(self):
        assert (
            rules.allegation_problems(
                made_on=self.made,
                outcome="unfounded",
                closed_on=self.made,
                employment_outcome=EmploymentOutcome.REMAINS,
            )
            == {}
        )

    def test_a_future_allegation_date_is_refused(self):
        assert "future" in rules.allegation_problems(made_on=self.made, today=dt.date(2026, 11, 19))["made_on"]


class TestEscalationStages:
    def test_stage_one_needs_nothing_before_it(self):
        assert rules.stage_problems({}, 1) == {}

    def test_an_urgent_stage_four_without_stage_three_needs_a_reason_and_is_then_accepted(self):
        """[DUDLEY App. 6: "if a child is thought to be at risk of immediate harm discretion should be used as to
        which stage is initiated"; CPCCG App. 5 Salient points: contact the Head of Service]."""
        problems = rules.stage_problems({1: dt.date(2026, 1, 1), 2: dt.date(2026, 1, 2)}, 4)
        assert set(problems) == {"skip_reason"}
        assert rules.stage_problems({}, 4, skip_reason="Child at risk of immediate harm") == {}
        assert rules.stage_problems({}, 4, skip_reason="   ") != {}

    def test_a_stage_twice_or_below_the_highest_is_refused(self):
        assert rules.stage_problems({1: dt.date(2026, 1, 1)}, 1) == {"stage": "Stage 1 is already recorded."}
        assert "moves up" in rules.stage_problems({4: dt.date(2026, 1, 1)}, 2, skip_reason="x")["stage"]

    @pytest.mark.parametrize("stage", [0, 6])
    def test_stages_outside_one_to_five_are_refused(self, stage):
        assert rules.stage_problems({}, stage) == {"stage": "The stage must be between 1 and 5."}

    def test_a_stage_dated_before_the_previous_one_is_refused(self):
        problems = rules.stage_problems({1: dt.date(2026, 1, 2)}, 2, dt.date(2026, 1, 1))
        assert problems["reached_on"].startswith("Stage 2 cannot be reached before stage 1")

    def test_skipped_stages(self):
        assert rules.skipped_stages([4]) == [1, 2, 3]
        assert rules.skipped_stages([1, 2, 4]) == [3]
        assert rules.skipped_stages([1, 2]) == []


DUDLEY = rules.Procedure.from_definition(
    "dudley",
    "Dudley",
    "DUDLEY 28.2",
    {
        "stages": [],
        "designated_informed_at": {"provider": 3, "gp": 3},
        "multiple_cases_immediately": True,
        "partnership_manager_from": 3,
        "chair_at": 5,
    },
)
CPCCG = rules.Procedure.from_definition(
    "cpccg",
    "CPCCG",
    "CPCCG App. 5",
    {
        "stages": [],
        "designated_informed_at": {"provider": 4, "gp": 3},
        "multiple_cases_immediately": True,
        "partnership_manager_from": None,
        "chair_at": 5,
    },
)
D1, D2, D3, D4 = (dt.date(2026, 11, d) for d in (2, 9, 16, 23))


class TestDesignatedInformed:
    def test_dudley_tells_the_designated_professional_at_stage_three(self):
        """[DUDLEY 28.2: "informed when staff using this policy reaches stage 3"]."""
        kw = {"raiser_kind": "provider", "multiple_cases": False, "opened_on": D1}
        assert rules.designated_inform_due(DUDLEY, {1: D1, 2: D2}, **kw) is None
        assert rules.designated_inform_due(DUDLEY, {1: D1, 2: D2, 3: D3}, **kw) == D3

    def test_cpccg_tells_them_at_stage_four_for_a_provider_and_stage_three_for_a_gp(self):
        """[CPCCG App. 5: the named professional raises it with the designated at stage 4; for GPs the designated
        raises it at stage 3]."""
        dates = {1: D1, 2: D2, 3: D3}
        assert (
            rules.designated_inform_due(CPCCG, dates, raiser_kind="provider", multiple_cases=False, opened_on=D1)
            is None
        )
        assert rules.designated_inform_due(CPCCG, dates, raiser_kind="gp", multiple_cases=False, opened_on=D1) == D3
        dates[4] = D4
        assert (
            rules.designated_inform_due(CPCCG, dates, raiser_kind="provider", multiple_cases=False, opened_on=D1) == D4
        )

    def test_an_urgent_start_above_the_threshold_tells_them_that_day(self):
        assert (
            rules.designated_inform_due(CPCCG, {4: D2}, raiser_kind="provider", multiple_cases=False, opened_on=D2)
            == D2
        )

    @pytest.mark.parametrize("procedure", [DUDLEY, CPCCG])
    def test_multiple_cases_tell_them_immediately(self, procedure):
        """[CPCCG App. 5 Definition: "must be informed immediately"]."""
        assert (
            rules.designated_inform_due(procedure, {}, raiser_kind="provider", multiple_cases=True, opened_on=D1) == D1
        )
        assert (
            rules.designated_inform_due(procedure, {1: D2}, raiser_kind="provider", multiple_cases=True, opened_on=D2)
            == D2
        )

    def test_partnership_manager_and_chair_stages(self):
        """[DUDLEY App. 6 3.3: the board manager is notified at stage 3; 3.5: the chair at stage 5]."""
        assert rules.first_stage_reached({1: D1, 3: D3}, DUDLEY.partnership_manager_from) == D3
        assert rules.first_stage_reached({1: D1, 3: D3}, CPCCG.partnership_manager_from) is None
        assert rules.first_stage_reached({5: D4}, DUDLEY.chair_at) == D4


class TestEscalationCounts:
    def test_urgent_starts_and_multiple_case_concerns_are_counted_in_the_quarter(self):
        start, end = dt.date(2026, 10, 1), dt.date(2026, 12, 31)
        items = [
            ("LA", "threshold", {4: D2}, False),
            ("LA", "threshold", {1: D1, 2: D2}, True),
            ("LA", "plan", {1: dt.date(2026, 9, 1), 3: D3}, False),  # skipped stage 2 within the quarter
        ]
        counts = rules.count_escalations(items, start, end)
        assert counts.total == 3 and counts.skipped == 2 and counts.multiple_cases == 1
        assert counts.by_stage == {1: 0, 2: 1, 3: 1, 4: 1, 5: 0}


class TestBarringReferral:
    """[SAAF 3.2]: removed, resigned or ceased to be used because of safeguarding concerns; not when false or
    malicious."""

    @pytest.mark.parametrize("employment", ["removed", "resigned", "ceased"])
    def test_required_when_removed_resigned_or_ceased_to_be_used(self, employment):
        assert rules.dbs_referral_required(employment, "substantiated")
        assert rules.dbs_referral_required(employment, "")

    @pytest.mark.parametrize("outcome", ["false", "malicious"])
    def test_a_false_or_malicious_allegation_closes_without_one(self, outcome):
        assert not rules.dbs_referral_required("removed", outcome)
        problems = rules.allegation_problems(
            made_on=D1, outcome=outcome, closed_on=D2, employment_outcome="removed", today=D4
        )
        assert "dbs_referral_on" not in problems

    def test_remaining_in_post_needs_none(self):
        assert not rules.dbs_referral_required("remains", "substantiated")
        assert not rules.dbs_referral_required("", "")


class TestDisclosureProblems:
    base = {"reasoning": "Risk of harm", "person_told": True, "why_not_told": ""}

    def test_an_enquirer_request_needs_its_grounds(self):
        """[DDICB Information Sharing: verify the identity of the enquirer and clarify the grounds]."""
        problems = rules.disclosure_problems(**self.base, enquirer_verified=True, consent_exception="delay")
        assert "grounds" in problems
        assert (
            rules.disclosure_problems(**self.base, enquirer_verified=True, grounds="s47", consent_exception="delay")
            == {}
        )
        assert rules.disclosure_problems(**self.base, enquirer_verified=None, consent_exception="delay") == {}

    def test_consent_not_sought_needs_the_exception_and_only_then(self):
        """[DDICB Information Sharing: consent should be sought unless ...]."""
        assert "consent_exception" in rules.disclosure_problems(**self.base, consent="not_sought")
        assert "consent_exception" in rules.disclosure_problems(
            **self.base, consent="refused", consent_exception="risk"
        )
        assert rules.disclosure_problems(**self.base, consent="refused") == {}


class TestPrivateFostering:
    def test_28_days_or_more_by_default_and_more_than_28_days_as_in_dudley(self):
        """[DDICB Private Fostering: "28 days or more"; DUDLEY 22.1: "more than 28 days"]."""
        assert rules.private_fostering(28) and not rules.private_fostering(27)
        assert not rules.private_fostering(28, inclusive=False) and rules.private_fostering(29, inclusive=False)


class TestQuarters:
    def test_financial_quarters(self):
        assert rules.financial_quarter(2026, 1) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
        assert rules.financial_quarter(2026, 3) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
        assert rules.financial_quarter(2026, 4) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))

    @given(days)
    def test_every_day_falls_in_its_own_quarter(self, day):
        start, end = rules.financial_quarter(*rules.quarter_of(day))
        assert start <= day <= end

    def test_highest_stage_counts_only_stages_reached_by_the_end(self):
        stages = {1: dt.date(2026, 6, 1), 2: dt.date(2026, 6, 30), 3: dt.date(2026, 7, 1)}
        assert rules.highest_stage_by(stages, dt.date(2026, 6, 30)) == 2


class TestPseudonymWarnings:
    """Finding names and NHS numbers is tested in core/tests/test_identifiers.py; here, casework's acknowledgement."""

    def test_unacknowledged_warnings_become_field_errors_and_acknowledged_ones_do_not(self):
        assert (
            "tick 'I have checked the warnings'" in rules.unacknowledged_warning_errors({"x": "Jane Smith"}, False)["x"]
        )
        assert rules.unacknowledged_warning_errors({"x": "Jane Smith"}, True) == {}

    def test_each_warning_keeps_its_reason_and_pseudonyms_give_no_error(self):
        errors = rules.unacknowledged_warning_errors(
            {"subject_reference": "999 000 0018", "case_reference": "Tomasz Wrenfold", "other": "Child A"}, False
        )
        assert set(errors) == {"subject_reference", "case_reference"}
        assert "valid NHS number" in errors["subject_reference"]
        assert "looks like a person's name" in errors["case_reference"]
        assert all(rules.ACKNOWLEDGE_HINT in message for message in errors.values())


class TestDisclosureValidation:
    def test_not_telling_the_person_needs_a_reason(self):
        problems = rules.disclosure_problems(
            reasoning="Risk of harm", person_told=False, why_not_told="", consent="refused"
        )
        assert list(problems) == ["why_not_told"]

    def test_reasoning_is_required(self):
        assert "reasoning" in rules.disclosure_problems(reasoning=" ", person_told=True, why_not_told="")


class TestQuarterlyEscalationCounts:
    q2 = rules.financial_quarter(2026, 2)  # July to September 2026

    def test_it_counts_each_escalation_once_at_its_highest_stage_by_the_quarter_end(self):
        items = [
            ("LA North", "threshold", {1: dt.date(2026, 7, 1), 2: dt.date(2026, 7, 8), 3: dt.date(2026, 9, 30)}),
            ("LA North", "threshold", {1: dt.date(2026, 8, 1)}),
            ("LA South", "closure", {1: dt.date(2026, 9, 1), 2: dt.date(2026, 10, 1)}),  # stage 2 after the quarter
            ("LA South", "closure", {1: dt.date(2026, 6, 30)}),  # nothing reached in the quarter
            ("LA South", "plan", {1: dt.date(2026, 6, 1), 2: dt.date(2026, 7, 1)}),  # began before, active within
        ]
        counts = rules.count_escalations(items, *self.q2)
        assert counts.total == 4
        assert counts.by_stage == {1: 2, 2: 1, 3: 1, 4: 0, 5: 0}
        assert counts.by_theme == {"threshold": 2, "closure": 1, "plan": 1}
        assert counts.by_local_authority == {"LA North": 2, "LA South": 2}
        assert counts.rows == [
            ("LA North", "threshold", [1, 0, 1, 0, 0], 2),
            ("LA South", "closure", [1, 0, 0, 0, 0], 1),
            ("LA South", "plan", [0, 1, 0, 0, 0], 1),
        ]

    def test_quarter_boundaries_are_inclusive(self):
        start, end = self.q2
        inside = [("LA", "other", {1: start}), ("LA", "other", {1: end})]
        outside = [("LA", "other", {1: start - dt.timedelta(days=1)}), ("LA", "other", {1: end + dt.timedelta(days=1)})]
        assert rules.count_escalations(inside, start, end).total == 2
        assert rules.count_escalations(outside, start, end).total == 0


def test_abuse_categories_include_forced_marriage_honour_based_abuse_and_missing():
    """[DUDLEY 25 (forced marriage); DDICB Domestic abuse (includes honour-based violence and forced marriage);
    DDICB Information Sharing (a child at risk of going missing)]."""
    from casework.choices import AbuseCategory

    assert {"forced_marriage", "honour_based_abuse", "missing"} <= set(AbuseCategory.values)
    assert AbuseCategory.MISSING.label == "Missing from home or care"
