import pytest
from hypothesis import given
from hypothesis import strategies as st

from organisations import rules
from organisations.choices import PROVIDER_KINDS, GapStatus, OrganisationKind, RoleCondition
from organisations.choices import SafeguardingRole as R
from organisations.rules import Requirement


class TestOdsCode:
    @pytest.mark.parametrize("code", ["RX1", "QZZ", "A81001", "ZA101", "00L"])
    def test_it_accepts_real_shapes(self, code):
        assert rules.ods_code_problem(code) is None

    @pytest.mark.parametrize("code", ["RX", "A810011", "RX-1", "R X1", "rx1"])
    def test_it_rejects_malformed_codes(self, code):
        assert "ODS code" in rules.ods_code_problem(code)

    def test_it_normalises_case_and_space_and_treats_blank_as_none(self):
        assert rules.normalise_ods_code("  rx1 ") == "RX1"
        assert rules.normalise_ods_code("") is None
        assert rules.ods_code_problem(None) is None

    @given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=3, max_size=6))
    def test_any_three_to_six_alphanumerics_are_valid(self, code):
        assert rules.ods_code_problem(code) is None


class TestHierarchy:
    def test_provider_belongs_to_an_icb(self):
        assert rules.parent_problem(OrganisationKind.TRUST_ACUTE, OrganisationKind.ICB) is None
        assert "can only belong to" in rules.parent_problem(OrganisationKind.TRUST_ACUTE, OrganisationKind.REGION)

    def test_site_belongs_to_a_provider_and_icb_to_a_region(self):
        assert rules.parent_problem(OrganisationKind.SITE, OrganisationKind.GP_PRACTICE) is None
        assert rules.parent_problem(OrganisationKind.ICB, OrganisationKind.REGION) is None
        assert rules.parent_problem(OrganisationKind.SITE, OrganisationKind.ICB) is not None

    def test_only_a_region_or_nhs_england_may_stand_alone(self):
        assert rules.parent_problem(OrganisationKind.REGION, None) is None
        assert rules.parent_problem(OrganisationKind.NHS_ENGLAND, None) is None
        assert rules.parent_problem(OrganisationKind.CARE_HOME, None) == "Choose the organisation this one belongs to."


class TestKindsTheSeedsName:
    """Primary care contractors [DUDLEY 3.7], provider collaboratives and NHS England as a commissioner
    [SAAF 4.2.1, 5.2], a place inside an ICB [SAAF 4.4]."""

    @pytest.mark.parametrize(
        "kind", [OrganisationKind.DENTAL_PRACTICE, OrganisationKind.OPTOMETRIST, OrganisationKind.COMMUNITY_PHARMACY]
    )
    def test_primary_care_contractors_are_providers_of_an_icb_or_a_place(self, kind):
        assert kind in PROVIDER_KINDS
        assert rules.parent_problem(kind, OrganisationKind.ICB) is None
        assert rules.parent_problem(kind, OrganisationKind.PLACE) is None
        assert rules.parent_problem(OrganisationKind.SITE, kind) is None

    def test_a_place_belongs_to_an_icb_only(self):
        assert rules.parent_problem(OrganisationKind.PLACE, OrganisationKind.ICB) is None
        assert rules.parent_problem(OrganisationKind.PLACE, OrganisationKind.REGION) is not None
        assert rules.parent_problem(OrganisationKind.PLACE, None) is not None

    def test_a_provider_collaborative_belongs_to_an_icb(self):
        assert rules.parent_problem(OrganisationKind.PROVIDER_COLLABORATIVE, OrganisationKind.ICB) is None
        assert rules.parent_problem(OrganisationKind.PROVIDER_COLLABORATIVE, OrganisationKind.PLACE) is not None

    def test_a_partner_agency_does_not_sit_under_a_place(self):
        assert rules.parent_problem(OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.PLACE) is not None


def test_contract_ending_before_it_starts_is_refused():
    import datetime as dt

    assert rules.contract_dates_problem(dt.date(2026, 4, 1), dt.date(2026, 3, 31)) is not None
    assert rules.contract_dates_problem(dt.date(2026, 4, 1), dt.date(2026, 4, 1)) is None


REQUIREMENTS = [
    Requirement(R.PREVENT_LEAD, OrganisationKind.TRUST_ACUTE),
    Requirement(R.NAMED_NURSE, OrganisationKind.TRUST_ACUTE, RoleCondition.CHILDREN_SERVICES),
    Requirement(R.NAMED_MIDWIFE, OrganisationKind.TRUST_ACUTE, RoleCondition.MATERNITY_SERVICES),
    Requirement(R.GP_LEAD_CHILDREN, OrganisationKind.GP_PRACTICE),
]


class TestRequiredRoles:
    def test_conditions_decide_named_professionals(self):
        plain = rules.required_roles(REQUIREMENTS, kind=OrganisationKind.TRUST_ACUTE)
        assert plain == [R.PREVENT_LEAD]
        full = rules.required_roles(
            REQUIREMENTS, kind=OrganisationKind.TRUST_ACUTE, children_services=True, maternity_services=True
        )
        assert set(full) == {R.PREVENT_LEAD, R.NAMED_NURSE, R.NAMED_MIDWIFE}

    def test_other_kinds_do_not_leak(self):
        assert rules.required_roles(REQUIREMENTS, kind=OrganisationKind.GP_PRACTICE) == [R.GP_LEAD_CHILDREN]


class TestGaps:
    def test_missing_and_vacant_are_told_apart(self):
        gaps = rules.role_gaps(
            [R.PREVENT_LEAD, R.NAMED_NURSE, R.CSAE_LEAD], [(R.NAMED_NURSE, True), (R.CSAE_LEAD, False)]
        )
        assert gaps == [rules.Gap(R.PREVENT_LEAD, GapStatus.MISSING), rules.Gap(R.NAMED_NURSE, GapStatus.VACANT)]

    def test_a_vacant_post_beside_a_filled_one_is_no_gap(self):
        assert rules.role_gaps([R.NAMED_NURSE], [(R.NAMED_NURSE, True), (R.NAMED_NURSE, False)]) == []

    def test_a_vacant_optional_post_is_still_shown(self):
        assert rules.role_gaps([], [(R.MCA_LEAD, True)]) == [rules.Gap(R.MCA_LEAD, GapStatus.VACANT)]


class TestCapacity:
    def test_bounds(self):
        from decimal import Decimal as D

        assert rules.capacity_problem(D("1.0"), None) is None
        assert rules.capacity_problem(None, D("2")) is None
        assert rules.capacity_problem(D("0"), None)[0] == "wte"
        assert rules.capacity_problem(None, D("12.5"))[0] == "pa_sessions"
