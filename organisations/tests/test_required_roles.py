"""Required roles as the seeds state them (issue 16 item 7), read from the shipped data (role_requirements.json,
loaded by the data migrations), and capacity and shared partners."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.testing import make_icb, make_organisation, make_provider
from organisations import actions, reports, rules
from organisations.choices import OrganisationKind as K
from organisations.choices import SafeguardingRole as R
from organisations.reference import ROLE_REQUIREMENTS_FILE

DATA = json.loads(ROLE_REQUIREMENTS_FILE.read_text())["requirements"]
HEALTH_PROVIDERS = [
    K.TRUST_ACUTE,
    K.TRUST_COMMUNITY,
    K.TRUST_MENTAL_HEALTH,
    K.TRUST_AMBULANCE,
    K.NHS_111_OOH,
    K.INDEPENDENT,
    K.THIRD_SECTOR,
    K.SOCIAL_ENTERPRISE,
    K.CARE_HOME,
    K.DOMICILIARY_CARE,
    K.CONTINUING_HEALTH_CARE,
    K.LEARNING_DISABILITY,
]


def required(kind, **conditions):
    requirements = [rules.Requirement(r["role"], r["kind"], r["condition"]) for r in DATA]
    return set(rules.required_roles(requirements, kind=kind, **conditions))


def source(kind, role):
    return next(r["source"] for r in DATA if r["kind"] == kind and r["role"] == role)


@pytest.mark.parametrize("kind", HEALTH_PROVIDERS)
def test_every_health_provider_needs_an_executive_lead_a_named_adult_lead_and_an_mca_lead(kind):
    """[SAAF 4.2.1]: "All health providers", not only trusts; the adult leads from NEL adults Std 8."""
    assert {R.EXECUTIVE_LEAD, R.NAMED_ADULT_LEAD, R.MCA_LEAD} <= required(kind)
    assert "NEL adults Std 8" in source(kind, R.NAMED_ADULT_LEAD)
    assert "NEL Std 9" not in source(kind, R.NAMED_ADULT_LEAD)


@pytest.mark.parametrize("kind", HEALTH_PROVIDERS)
def test_every_service_for_children_needs_a_named_doctor_and_nurse(kind):
    """[NEL Std 9]: "All commissioned services providing services for children"."""
    assert {R.NAMED_DOCTOR, R.NAMED_NURSE} <= required(kind, children_services=True)
    assert not {R.NAMED_DOCTOR, R.NAMED_NURSE} & required(kind)
    assert "NEL Std 9" in source(kind, R.NAMED_DOCTOR)


def test_a_gp_practice_needs_an_mca_lead():
    """[SAAF 4.3.1]: "GP practices are required to have a lead for safeguarding and MCA"."""
    assert R.MCA_LEAD in required(K.GP_PRACTICE)


def test_the_icb_needs_its_other_posts():
    """[DDICB Designated Professionals Looked after Children; CPCCG 9, 10.2; SAAF 4.4, 4.7.3]."""
    assert {
        R.PREVENT_LEAD,
        R.CALDICOTT_GUARDIAN,
        R.SAB_REPRESENTATIVE,
        R.LAC_EXECUTIVE_LEAD,
        R.LAC_COMMISSIONER,
        R.NOMINATED_SENIOR_OFFICER,
    } <= required(K.ICB)
    assert source(K.ICB, R.NOMINATED_SENIOR_OFFICER).startswith("CPCCG 10.2")


def test_the_role_gap_report_for_an_independent_provider_without_an_mca_lead(world):
    """The data migrations load the corrected requirements; the gap report shows the missing MCA lead [SAAF 4.2.1]."""
    provider = make_provider(world.icb, kind=K.INDEPENDENT, name="Independent Clinic")
    for role in (R.SAFEGUARDING_LEAD, R.CSAE_LEAD, R.MCA_DOLS_LEAD, R.PREVENT_LEAD, R.EXECUTIVE_LEAD):
        actions.do_add_role_holder(organisation=provider, role=role, holder_name="Synthetic Holder", acting_user=None)
    actions.do_add_role_holder(organisation=provider, role=R.NAMED_ADULT_LEAD, holder_name="", acting_user=None)
    gaps = {gap.role: gap.status for gap in reports.gaps_for(provider)}
    assert gaps == {R.MCA_LEAD: "missing", R.NAMED_ADULT_LEAD: "vacant"}


def test_capacity_in_pa_a_month_as_well_as_a_week(world):
    """ "Designated Doctor for Looked after children (2 pa/month)" [CPCCG 6.2.2]."""
    holder = actions.do_add_role_holder(
        organisation=world.icb,
        role=R.DESIGNATED_DOCTOR_LAC,
        holder_name="Synthetic Doctor",
        pa_sessions=Decimal("2"),
        pa_period="month",
        acting_user=None,
    )
    assert holder.capacity == "2 PA a month"
    assert rules.capacity_problem(None, Decimal("20"), "month") is None
    assert rules.capacity_problem(None, Decimal("20"), "week")[0] == "pa_sessions"
    assert rules.capacity_problem(None, Decimal("53"), "month")[0] == "pa_sessions"


def test_a_local_authority_may_work_with_more_than_one_icb(world):
    """[SAAF 6.8.1]: a safeguarding partner is "a ICB for an area, any part of which falls within the local
    authority area"."""
    from organisations.reports import local_authorities

    other_icb = make_icb("Neighbouring ICB")
    council = make_organisation(K.LOCAL_AUTHORITY, parent=world.icb, name="Shared Council")
    assert council not in local_authorities(other_icb.pk)
    actions.do_update_organisation(council, other_icbs=[other_icb], acting_user=None)
    assert council in local_authorities(other_icb.pk) and council in local_authorities(world.icb.pk)
    with pytest.raises(ValidationError) as error:
        actions.do_update_organisation(world.provider, other_icbs=[other_icb], acting_user=None)
    assert "other_icbs" in error.value.message_dict
