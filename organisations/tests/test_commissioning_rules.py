"""The commissioning rules at their boundaries [NEL 3.1, 5.1; SAAF 4.7.1; CPCCG 6.8; DDICB Scope, Modern Slavery]."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from organisations import rules
from organisations.choices import CommissioningStage as S

STAGES = list(S)


class TestConsultationThroughTheCycle:
    @pytest.mark.parametrize("stage", [S.PLANNING, S.SPECIFICATION])
    def test_an_event_not_yet_past_its_specification_has_no_gap_without_consultation(self, stage):
        assert rules.commissioning_gaps(stage=stage, consulted_stages=[], signed_off_on=None) == []

    def test_an_event_just_past_its_specification_without_consultation_is_a_gap(self):
        gaps = rules.commissioning_gaps(stage=S.PROCUREMENT, consulted_stages=[], signed_off_on=dt.date(2026, 5, 1))
        assert [g.code for g in gaps] == ["not_consulted"]
        assert "service specification" in gaps[0].text

    def test_consultation_at_the_specification_clears_the_gap_at_procurement(self):
        gaps = rules.commissioning_gaps(
            stage=S.PROCUREMENT, consulted_stages=[S.SPECIFICATION], signed_off_on=dt.date(2026, 5, 1)
        )
        assert gaps == []

    def test_each_stage_passed_without_consultation_is_named_in_order(self):
        missed = rules.unconsulted_stages(S.MOBILISATION, [S.PROCUREMENT])
        assert missed == [S.SPECIFICATION, S.AWARD]

    def test_a_closed_event_needed_consultation_up_to_quality_assurance(self):
        consulted = [S.SPECIFICATION, S.PROCUREMENT, S.AWARD, S.MOBILISATION]
        assert rules.unconsulted_stages(S.CLOSED, consulted) == [S.QUALITY_ASSURANCE]
        assert rules.unconsulted_stages(S.CLOSED, [*consulted, S.QUALITY_ASSURANCE]) == []

    def test_consultation_at_planning_does_not_count_for_the_specification(self):
        assert rules.unconsulted_stages(S.PROCUREMENT, [S.PLANNING]) == [S.SPECIFICATION]

    @pytest.mark.parametrize("stage", [S.PROCUREMENT, S.AWARD, S.QUALITY_ASSURANCE, S.CLOSED])
    def test_past_the_specification_without_sign_off_is_a_gap(self, stage):
        gaps = rules.commissioning_gaps(stage=stage, consulted_stages=list(S), signed_off_on=None)
        assert [g.code for g in gaps] == ["not_signed_off"]

    @given(st.sampled_from(STAGES), st.sets(st.sampled_from(STAGES)))
    def test_only_stages_already_passed_are_ever_missed(self, stage, consulted):
        missed = rules.unconsulted_stages(stage, consulted)
        assert all(rules.stage_index(s) < rules.stage_index(stage) for s in missed)
        assert not set(missed) & consulted
        assert S.PLANNING not in missed and S.CLOSED not in missed

    def test_a_consultation_cannot_be_dated_in_the_future(self):
        today = dt.date(2026, 12, 3)
        assert rules.consultation_problem(today, today) is None
        assert "future" in rules.consultation_problem(today + dt.timedelta(days=1), today)


class TestSpecificationChecklist:
    def test_a_complete_specification_lacks_nothing(self):
        assert rules.missing_checklist_items(dict.fromkeys(rules.CHECKLIST_FIELDS, True)) == []

    def test_an_empty_specification_lacks_every_item_in_checklist_order(self):
        labels = [label for _, label, _ in rules.SPECIFICATION_CHECKLIST]
        assert rules.missing_checklist_items({}) == labels

    def test_the_checklist_holds_the_contents_the_seeds_list(self):
        assert rules.CHECKLIST_FIELDS == [
            "covers_safeguarding_standards",
            "covers_training",
            "covers_supervision",
            "covers_information_sharing",
            "covers_diversity",
            "covers_vulnerable_parents",
            "covers_reporting",
        ]
        assert all(source for _, _, source in rules.SPECIFICATION_CHECKLIST)

    @given(st.sets(st.sampled_from(rules.CHECKLIST_FIELDS)))
    def test_exactly_the_unticked_items_are_missing(self, ticked):
        answers = {name: name in ticked for name in rules.CHECKLIST_FIELDS}
        missing = rules.missing_checklist_items(answers)
        assert len(missing) == len(rules.CHECKLIST_FIELDS) - len(ticked)

    def test_the_review_date_must_follow_the_agreement(self):
        agreed = dt.date(2026, 4, 1)
        assert rules.review_date_problem(agreed, agreed + dt.timedelta(days=1)) is None
        assert rules.review_date_problem(agreed, agreed) is not None
        assert rules.review_date_problem(None, agreed) is None


class TestSubcontractorsAndAssociates:
    def test_a_confirmed_subcontractor_with_the_policy_appended_has_no_gap(self):
        assert rules.subcontractor_gaps(compliance_confirmed_on=dt.date(2026, 4, 1), policy_appended=True) == []

    def test_each_missing_element_is_a_gap(self):
        assert len(rules.subcontractor_gaps(compliance_confirmed_on=None, policy_appended=False)) == 2
        assert len(rules.subcontractor_gaps(compliance_confirmed_on=None, policy_appended=True)) == 1

    def test_an_associate_not_yet_told_is_a_gap_and_telling_them_clears_it(self):
        assert rules.notification_gap(None)
        assert rules.notification_gap(dt.date(2026, 5, 1)) is None

    def test_an_associate_cannot_be_told_before_the_matter_arose(self):
        day = dt.date(2026, 5, 1)
        assert rules.notification_dates_problem(day, day) is None
        assert rules.notification_dates_problem(day, day - dt.timedelta(days=1))


class TestModernSlavery:
    LET = dt.date(2026, 4, 1)

    def test_no_due_diligence_is_a_gap(self):
        assert rules.due_diligence_gap(self.LET, []) == "No modern slavery due diligence recorded"

    def test_due_diligence_on_the_day_the_contract_is_let_is_in_time(self):
        assert rules.due_diligence_gap(self.LET, [self.LET]) is None

    def test_due_diligence_the_day_after_the_contract_is_let_is_a_gap(self):
        gap = rules.due_diligence_gap(self.LET, [self.LET + dt.timedelta(days=1)])
        assert gap == "Contract let before modern slavery due diligence"

    def test_the_earliest_due_diligence_counts(self):
        assert rules.due_diligence_gap(self.LET, [self.LET + dt.timedelta(days=9), self.LET]) is None

    @pytest.mark.parametrize(
        ("day", "year"), [(dt.date(2026, 3, 31), 2025), (dt.date(2026, 4, 1), 2026), (dt.date(2027, 1, 1), 2026)]
    )
    def test_the_financial_year_turns_on_the_first_of_april(self, day, year):
        assert rules.financial_year_of(day) == year

    def test_the_label_of_a_financial_year(self):
        assert rules.financial_year_label(2026) == "2026/27"
        assert rules.financial_year_label(2099) == "2099/00"

    def test_the_statement_for_the_current_year_must_exist_and_be_signed_off(self):
        today = dt.date(2026, 12, 3)
        assert rules.statement_gap([(2025, dt.date(2025, 6, 1))], today) == "No modern slavery statement for 2026/27"
        assert "not signed off" in rules.statement_gap([(2026, None)], today)
        assert rules.statement_gap([(2026, dt.date(2026, 6, 1))], today) is None

    def test_on_the_first_of_april_last_years_statement_no_longer_counts(self):
        signed = [(2025, dt.date(2025, 6, 1))]
        assert rules.statement_gap(signed, dt.date(2026, 3, 31)) is None
        assert rules.statement_gap(signed, dt.date(2026, 4, 1)) is not None
