"""NHS participation in statutory reviews [SAAF 4.5] and parallel section 42 enquiries [SAAF 4.5.7]: the rules,
the actions, every page and endpoint against every role, another ICB's records, the review page and the home
page panel."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.choices import ALL_ROLES, ICB_ROLES, Role
from core.testing import make_organisation, make_user
from reviews import actions, rules
from reviews.home import panels
from reviews.models import NonParticipation, SafeguardingEnquiry

ALL = set(ALL_ROLES)  # NHS England roles: refused everywhere by the gate (core/tests/test_nhs_england_gate.py)
ICB = set(ICB_ROLES)
EDITORS = {Role.DESIGNATED, Role.ADMINISTRATOR}


def participation_records(world, icb, provider, designated):
    today = timezone.localdate()
    partnership = make_organisation("sab", parent=icb, name=f"SAB of {icb.name}")
    council = make_organisation("local_authority", parent=icb, name=f"Council of {icb.name}")
    review = actions.do_open_review(
        kind="sar",
        subject_reference="Adult R",
        lead_partnership=partnership,
        incident_date=today - dt.timedelta(days=40),
        notification_date=today - dt.timedelta(days=30),
        acting_user=designated,
    )
    flagged = actions.do_record_non_participation(
        review,
        organisation=provider,
        noted_on=today - dt.timedelta(days=5),
        reason="No chronology after two requests.",
        acting_user=designated,
    )
    enquiry = actions.do_record_enquiry(
        local_authority=council,
        reference="S42-1",
        subject_reference="Adult R",
        opened_on=today - dt.timedelta(days=20),
        reviews=[review],
        acting_user=designated,
    )
    return {"review": review.pk, "non_participation": flagged.pk, "enquiry": enquiry.pk, "council": council}


@pytest.fixture
def records(world):
    return participation_records(world, world.icb, world.provider, world.user(Role.DESIGNATED))


@pytest.fixture
def foreign(world):
    designated = make_user(Role.DESIGNATED, world.other_icb)
    return participation_records(world, world.other_icb, world.foreign_provider, designated)


class TestRules:
    def test_only_an_nhs_body_is_escalated_to_nhs_england(self):
        today = dt.date(2026, 12, 3)
        common = {"region_kind": None, "noted_on": today, "escalated_on": None, "resolved_on": None, "today": today}
        assert rules.non_participation_problems(organisation_kind="trust_acute", **common) == {}
        assert "organisation" in rules.non_participation_problems(organisation_kind="local_authority", **common)

    def test_an_escalation_names_the_region_and_the_date(self):
        today = dt.date(2026, 12, 3)
        base = {"organisation_kind": "gp_practice", "noted_on": today, "resolved_on": None, "today": today}
        assert "escalated_on" in rules.non_participation_problems(region_kind="region", escalated_on=None, **base)
        assert "region" in rules.non_participation_problems(region_kind=None, escalated_on=today, **base)
        assert "region" in rules.non_participation_problems(region_kind="icb", escalated_on=today, **base)
        assert rules.non_participation_problems(region_kind="region", escalated_on=today, **base) == {}

    @given(st.integers(min_value=-400, max_value=400))
    def test_an_escalation_is_neither_before_the_flag_nor_in_the_future(self, delta):
        today, noted = dt.date(2026, 12, 3), dt.date(2026, 6, 1)
        escalated = noted + dt.timedelta(days=delta)
        problems = rules.non_participation_problems(
            organisation_kind="icb",
            region_kind="region",
            noted_on=noted,
            escalated_on=escalated,
            resolved_on=None,
            today=today,
        )
        assert ("escalated_on" in problems) == (escalated < noted or escalated > today)

    def test_awaiting_escalation(self):
        day = dt.date(2026, 1, 1)
        assert rules.awaiting_escalation(None, None)
        assert not rules.awaiting_escalation(day, None) and not rules.awaiting_escalation(None, day)

    def test_an_enquiry_concludes_after_it_opens_at_a_local_authority(self):
        today = dt.date(2026, 12, 3)
        assert rules.enquiry_problems(
            local_authority_kind="police", opened_on=today, concluded_on=today - dt.timedelta(days=1), today=today
        ).keys() == {"local_authority", "concluded_on"}


class TestActions:
    def test_flag_then_escalate_then_resolve(self, world, records):
        record = NonParticipation.objects.get(pk=records["non_participation"])
        assert record.awaiting_escalation
        designated = world.user(Role.DESIGNATED)
        actions.do_update_non_participation(
            record, region=world.icb.parent, escalated_on=timezone.localdate(), acting_user=designated
        )
        assert not NonParticipation.objects.get(pk=record.pk).awaiting_escalation

    def test_a_non_nhs_body_is_refused(self, world, records, partnerships):
        from reviews.models import Review

        with pytest.raises(ValidationError) as refused:
            actions.do_record_non_participation(
                Review.objects.get(pk=records["review"]),
                organisation=records["council"],
                noted_on=timezone.localdate(),
                reason="x",
                acting_user=world.user(Role.DESIGNATED),
            )
        assert "organisation" in refused.value.message_dict

    def test_the_provider_cannot_record_it(self, world, records):
        from reviews.models import Review

        with pytest.raises(PermissionDenied):
            actions.do_record_non_participation(
                Review.objects.get(pk=records["review"]),
                organisation=world.provider,
                noted_on=timezone.localdate(),
                reason="x",
                acting_user=world.user(Role.PROVIDER),
            )

    def test_an_enquiry_links_only_to_reviews_of_its_icb(self, world, records, foreign):
        from reviews.models import Review

        with pytest.raises(ValidationError) as refused:
            actions.do_update_enquiry(
                SafeguardingEnquiry.objects.get(pk=records["enquiry"]),
                reviews=[Review.objects.get(pk=foreign["review"])],
                acting_user=world.user(Role.DESIGNATED),
            )
        assert "reviews" in refused.value.message_dict

    def test_an_enquiry_with_a_real_looking_name_needs_confirmation(self, world, records):
        with pytest.raises(ValidationError) as refused:
            actions.do_record_enquiry(
                local_authority=records["council"],
                subject_reference="Margaret Thompson",
                opened_on=timezone.localdate(),
                acting_user=world.user(Role.DESIGNATED),
            )
        assert "acknowledge_identifiers" in refused.value.message_dict


PAGES = [
    ("/reviews/{review}/", ICB | {Role.PROVIDER}, set(), ["No chronology after two requests", "S42-1"]),
    ("/reviews/{review}/non-participation/add/", EDITORS, ALL, []),
    ("/reviews/non-participation/{non_participation}/edit/", EDITORS, ICB, []),
    ("/reviews/enquiries/", ICB, ALL, []),
    ("/reviews/enquiries/xlsx/", ICB, ALL, []),
    ("/reviews/non-participation/xlsx/", ICB, ALL, []),
    ("/reviews/enquiries/add/", EDITORS, ALL, []),
    ("/reviews/enquiries/{enquiry}/edit/", EDITORS, ICB, []),
]


def expected(role, ok, forbidden):
    return 200 if role in ok else 403 if role in forbidden else 404


@pytest.mark.parametrize(("url", "ok", "forbidden", "shown"), PAGES)
def test_page_matrix(world, records, client_for, url, ok, forbidden, shown):
    target = url.format(**records)
    answers = {}
    for role in sorted(ALL):
        response = client_for(world.user(role)).get(target)
        answers[role] = response.status_code
        if response.status_code == 200 and shown:
            page = response.content.decode()
            # the provider sees the review it is involved in, never the flag or the enquiry
            assert all((text in page) == (role != Role.PROVIDER) for text in shown), role
    assert answers == {role: expected(role, ok, forbidden) for role in sorted(ALL)}, target


ENDPOINTS = [
    "/api/v1/review-non-participation/{non_participation}/",
    "/api/v1/s42-enquiries/{enquiry}/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoint_matrix(world, records, url):
    target = url.format(**records)
    reads = {role: world.api(role).get(target).status_code for role in sorted(ALL)}
    assert reads == {role: 200 if role in ICB else 403 for role in sorted(ALL)}, target
    patches = {role: world.api(role).patch(target, {}, format="json").status_code for role in sorted(ALL)}
    assert patches == {role: 200 if role in EDITORS else 403 for role in sorted(ALL)}, target


@pytest.mark.parametrize("url", ["/api/v1/review-non-participation/", "/api/v1/s42-enquiries/"])
def test_lists(world, records, foreign, url):
    assert [r["id"] for r in world.api(Role.DESIGNATED).get(url).json()["results"]] == [
        records["non_participation" if "participation" in url else "enquiry"]
    ]
    assert world.api(Role.PROVIDER).get(url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/reviews/non-participation/{non_participation}/edit/",
        "/reviews/enquiries/{enquiry}/edit/",
        "/api/v1/review-non-participation/{non_participation}/",
        "/api/v1/s42-enquiries/{enquiry}/",
    ],
)
def test_another_icbs_records_are_not_found(world, foreign, client_for, url):
    target = url.format(**foreign)
    client = world.api(Role.DESIGNATED) if target.startswith("/api/") else client_for(world.user(Role.DESIGNATED))
    assert client.get(target).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/review-non-participation/", "/api/v1/s42-enquiries/"])
def test_create_is_for_editors_and_names_missing_fields(world, records, url):
    answers = {role: world.api(role).post(url, {}, format="json").status_code for role in sorted(ALL)}
    assert {r: c for r, c in answers.items() if r in EDITORS} == dict.fromkeys(sorted(EDITORS), 400)
    assert {c for r, c in answers.items() if r not in EDITORS} <= {403}


def test_escalate_through_the_api(world, records):
    response = world.api(Role.DESIGNATED).patch(
        f"/api/v1/review-non-participation/{records['non_participation']}/",
        {"region": world.icb.parent_id, "escalated_on": str(timezone.localdate())},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["awaiting_escalation"] is False


def test_escalate_through_the_page_and_the_home_panel_empties(world, records, client_for):
    (panel,) = [p for p in panels(world.user(Role.DESIGNATED)) if "NHS bodies" in p.title]
    assert panel.count == 1
    client = client_for(world.user(Role.DESIGNATED))
    page = client.get(f"/reviews/non-participation/{records['non_participation']}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(region=world.icb.parent_id, escalated_on=str(timezone.localdate()), version=form["version"].value())
    response = client.post(f"/reviews/non-participation/{records['non_participation']}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    (panel,) = [p for p in panels(world.user(Role.DESIGNATED)) if "NHS bodies" in p.title]
    assert panel.count == 0
    assert not [p for p in panels(world.user(Role.BOARD)) if "NHS bodies" in p.title]


def test_demo_shows_the_gap(db):
    from organisations import demo as organisations_demo
    from reviews import demo

    organisations_demo.load()
    demo.load()
    demo.load()
    flagged = NonParticipation.objects.all()
    assert flagged.count() == 2 and sum(r.awaiting_escalation for r in flagged) == 1
    assert SafeguardingEnquiry.objects.get().reviews.get().kind.code == "sar"
