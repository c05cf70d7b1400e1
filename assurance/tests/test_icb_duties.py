"""The ICB's own duty records: the children-in-care health service specification with its review date and how
the child's voice is captured [DDICB Looked after Children], and funding panels documented as MCA-compliant
[DDICB Chief Executive Officer]. Each shows a gap when its review date passes or it is missing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assurance import actions, reports, rules
from assurance.models import ChildrenInCareSpecification, FundingPanelAssurance
from core.choices import ALL_ROLES, ICB_ROLES, Role
from core.testing import make_user

ALL = set(ALL_ROLES)  # NHS England roles: refused everywhere by the gate (core/tests/test_nhs_england_gate.py)
ICB = set(ICB_ROLES)
MANAGERS = {Role.DESIGNATED, Role.ADMINISTRATOR}


@pytest.fixture
def today():
    return timezone.localdate()


def build(icb, user, today):
    spec = actions.do_add_cic_specification(
        acting_user=user,
        icb=icb,
        title="Children in care health service specification",
        provider_name="Community trust",
        approved_on=today - dt.timedelta(days=400),
        review_date=today + dt.timedelta(days=30),
        child_voice="Children in care council reviews the service yearly.",
    )
    panel = actions.do_add_funding_panel(
        acting_user=user,
        icb=icb,
        panel="Continuing healthcare funding panel",
        mca_compliant=True,
        evidence="Audit of 20 decisions, March.",
        assured_on=today,
    )
    return {"spec": spec.pk, "panel": panel.pk}


@pytest.fixture
def ids(world, today):
    return build(world.icb, world.user(Role.DESIGNATED), today)


@pytest.fixture
def foreign(world, today):
    return build(world.other_icb, make_user(Role.DESIGNATED, world.other_icb), today)


# ------------------------------------------------------------------------------------------------ rules


class TestGaps:
    def test_a_specification_is_in_date_on_its_review_date_and_has_a_gap_the_day_after(self):
        review = dt.date(2026, 9, 30)
        assert rules.specification_gaps(review, "Council", review) == []
        assert rules.specification_gaps(review, "Council", review + dt.timedelta(days=1)) == [
            "Review date passed on 30 September 2026"
        ]

    def test_the_childs_voice_must_be_recorded(self):
        assert rules.specification_gaps(dt.date(2030, 1, 1), "  ", dt.date(2026, 1, 1)) == [
            "How the child's voice is captured is not recorded"
        ]

    def test_a_funding_panel_needs_yes_evidence_and_a_date(self):
        assert rules.funding_panel_gaps(True, "Audit", dt.date(2026, 1, 1)) == []
        assert len(rules.funding_panel_gaps(False, "", None)) == 3
        assert rules.funding_panel_gaps(False, "Audit", dt.date(2026, 1, 1)) == [
            "Not documented as compliant with the Mental Capacity Act"
        ]

    def test_none_recorded_is_a_gap(self):
        assert rules.icb_duty_gaps([], []) == [rules.NO_SPECIFICATION, rules.NO_FUNDING_PANEL]
        assert rules.icb_duty_gaps([("spec", [])], [("panel", ["x"])]) == []


# ---------------------------------------------------------------------------------------------- actions


def test_a_review_date_before_approval_or_missing_is_refused_naming_the_field(world, today):
    user = world.user(Role.DESIGNATED)
    for fields in ({"review_date": None}, {"approved_on": today, "review_date": today - dt.timedelta(days=1)}):
        with pytest.raises(ValidationError) as error:
            actions.do_add_cic_specification(acting_user=user, title="Spec", **fields)
        assert "review_date" in error.value.message_dict
    assert not ChildrenInCareSpecification.objects.exists()


def test_yes_without_evidence_is_refused_and_no_is_recorded_as_a_gap(world, today):
    user = world.user(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError) as error:
        actions.do_add_funding_panel(acting_user=user, panel="IFR panel", mca_compliant=True, evidence=" ")
    assert "evidence" in error.value.message_dict
    panel = actions.do_add_funding_panel(acting_user=user, panel="IFR panel", mca_compliant=False)
    assert panel.icb == world.icb and "Not documented as compliant with the Mental Capacity Act" in panel.gaps


def test_the_read_side_lists_gaps_and_a_missing_record(world, today):
    user = world.user(Role.DESIGNATED)
    empty = reports.icb_duties(
        ChildrenInCareSpecification.objects.restrict(user), FundingPanelAssurance.objects.restrict(user), today
    )
    assert empty.missing == [rules.NO_SPECIFICATION, rules.NO_FUNDING_PANEL] and empty.gap_count == 2
    actions.do_add_cic_specification(
        acting_user=user, title="Spec", review_date=today - dt.timedelta(days=1), child_voice="Council"
    )
    duties = reports.icb_duties(
        ChildrenInCareSpecification.objects.restrict(user), FundingPanelAssurance.objects.restrict(user), today
    )
    assert duties.missing == [rules.NO_FUNDING_PANEL]
    assert duties.specifications[0][1][0].startswith("Review date passed") and duties.gap_count == 2


# -------------------------------------------------------------------------------------- pages, home, API


def test_the_page_and_the_home_panel_show_a_specification_past_its_review_date(world, client_for, today):
    user = world.user(Role.DESIGNATED)
    actions.do_add_cic_specification(
        acting_user=user, title="LAC health specification", review_date=today - dt.timedelta(days=2), child_voice=""
    )
    page = client_for(user).get("/assurance/icb-duties/").content.decode()
    assert "LAC health specification" in page and "Review date passed" in page
    assert "No funding panel documented as compliant" in page
    home = client_for(user).get("/").content.decode()
    assert "The ICB&#x27;s own duties with a gap" in home and "LAC health specification: review date passed" in home


def test_recording_from_the_pages(world, client_for, today):
    client = client_for(world.user(Role.ADMINISTRATOR))
    refused = client.post("/assurance/icb-duties/cic-specifications/add/", {"title": "Spec"})
    assert refused.status_code == 200 and "next reviewed" in refused.content.decode()
    made = client.post(
        "/assurance/icb-duties/funding-panels/add/",
        {"panel": "CHC panel", "mca_compliant": "True", "evidence": "Audit", "assured_on": today},
    )
    assert made.status_code == 302
    panel = FundingPanelAssurance.objects.get()
    assert panel.mca_compliant is True and panel.gaps == []
    changed = client.post(
        f"/assurance/icb-duties/funding-panels/{panel.pk}/edit/",
        {
            "panel": "CHC panel",
            "mca_compliant": "False",
            "evidence": "Audit",
            "assured_on": today,
            "version": panel.version,
        },
    )
    assert changed.status_code == 302
    panel.refresh_from_db()
    assert panel.mca_compliant is False


def test_the_api_records_and_answers_gaps(world, today):
    api = world.api(Role.DESIGNATED)
    refused = api.post("/api/v1/assurance/children-in-care-specifications/", {"title": "Spec"}, format="json")
    assert refused.status_code == 400 and "review_date" in refused.json()
    made = api.post(
        "/api/v1/assurance/children-in-care-specifications/",
        {"title": "Spec", "review_date": (today - dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert len(made.json()["gaps"]) == 2
    panel = api.post("/api/v1/assurance/funding-panels/", {"panel": "IFR", "mca_compliant": False}, format="json")
    assert panel.status_code == 201 and panel.json()["gaps"]
    assert api.delete(f"/api/v1/assurance/funding-panels/{panel.json()['id']}/").status_code == 405
    assert api.post(f"/api/v1/assurance/funding-panels/{panel.json()['id']}/archive/").json()["archived_at"]


# ------------------------------------------------------------------------------------- permission matrix

PAGES = [
    ("/assurance/icb-duties/", ICB, ALL),
    ("/assurance/icb-duties/cic-specifications/add/", MANAGERS, ALL),
    ("/assurance/icb-duties/cic-specifications/{spec}/edit/", MANAGERS, ICB),
    ("/assurance/icb-duties/funding-panels/add/", MANAGERS, ALL),
    ("/assurance/icb-duties/funding-panels/{panel}/edit/", MANAGERS, ICB),
]
ENDPOINTS = [
    ("/api/v1/assurance/children-in-care-specifications/{spec}/", ICB, MANAGERS),
    ("/api/v1/assurance/funding-panels/{panel}/", ICB, MANAGERS),
]
LISTS = ["/api/v1/assurance/children-in-care-specifications/", "/api/v1/assurance/funding-panels/"]


@pytest.mark.parametrize(("url", "ok", "forbidden"), PAGES)
def test_page_matrix(world, ids, client_for, url, ok, forbidden):
    target = url.format(**ids)
    answers = {role: client_for(world.user(role)).get(target).status_code for role in sorted(ALL)}
    assert answers == {role: 200 if role in ok else 403 if role in forbidden else 404 for role in sorted(ALL)}


@pytest.mark.parametrize(("url", "readers", "writers"), ENDPOINTS)
def test_endpoint_matrix(world, ids, url, readers, writers):
    target = url.format(**ids)
    reads = {role: world.api(role).get(target).status_code for role in sorted(ALL)}
    assert reads == {role: 200 if role in readers else 403 for role in sorted(ALL)}
    patches = {role: world.api(role).patch(target, {}, format="json").status_code for role in sorted(ALL)}
    assert patches == {role: 200 if role in writers else 403 for role in sorted(ALL)}


@pytest.mark.parametrize("url", LISTS)
def test_lists_show_only_the_users_icb(world, ids, foreign, url):
    answers = {role: world.api(role).get(url).status_code for role in sorted(ALL)}
    assert answers == {role: 200 if role in ICB else 403 for role in sorted(ALL)}
    listed = {row["id"] for row in world.api(Role.DESIGNATED).get(url).json()["results"]}
    assert listed == {ids["spec"] if "specifications" in url else ids["panel"]}


@pytest.mark.parametrize("url", [url for url, *_ in PAGES if "{" in url] + [url for url, *_ in ENDPOINTS])
def test_another_icbs_records_are_not_found(world, ids, foreign, client_for, url):
    target = url.format(**foreign)
    if target.startswith("/api/"):
        assert world.api(Role.DESIGNATED).get(target).status_code == 404
    else:
        assert client_for(world.user(Role.DESIGNATED)).get(target).status_code == 404


def test_the_api_renames_a_panel(world, ids):
    api = world.api(Role.ADMINISTRATOR)
    renamed = api.patch(f"/api/v1/assurance/funding-panels/{ids['panel']}/", {"panel": "CHC panel"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["panel"] == "CHC panel"
