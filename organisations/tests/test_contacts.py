"""The safeguarding contacts directory [DUDLEY 10.1, 10.4]: the phone rule, the actions, every page and endpoint
against every role (a provider user reads its ICB's directory, never another ICB's), the link from every
casework page, and the demo's synthetic numbers."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.choices import ALL_ROLES, Role
from core.testing import make_organisation
from organisations import actions, rules
from organisations.models import SafeguardingContact

ALL = set(ALL_ROLES)  # NHS England roles: refused everywhere by the gate (core/tests/test_nhs_england_gate.py)
EDITORS = {Role.DESIGNATED, Role.ADMINISTRATOR}


def contact_of(icb, name="Council"):
    council = make_organisation("local_authority", parent=icb, name=f"{name} of {icb.name}")
    return actions.do_add_contact(
        organisation=council,
        service="spa",
        team="Children's Front Door",
        phone="01632 960100",
        duty_phone="01632 960199",
        acting_user=None,
    )


@pytest.fixture
def records(world):
    return {"contact": contact_of(world.icb).pk}


@pytest.fixture
def foreign(world):
    return {"contact": contact_of(world.other_icb).pk}


class TestPhoneRule:
    @given(st.integers(min_value=0, max_value=999))
    def test_ofcom_drama_numbers_are_accepted(self, n):
        assert rules.phone_problem(f"01632 960{n:03d}") is None
        assert rules.phone_problem(f"020 7946 0{n:03d}") is None
        assert rules.phone_problem(f"+44 1632 960{n:03d}") is None

    @pytest.mark.parametrize("short", ["101", "111", "999"])
    def test_short_numbers(self, short):
        assert rules.phone_problem(short) is None

    @pytest.mark.parametrize("bad", ["01632 96", "ext 4321", "+33 1 23 45 67 89", "1632960123", "01632 960123 x2"])
    def test_other_numbers_are_refused(self, bad):
        assert rules.phone_problem(bad)

    def test_blank_is_allowed_and_spaces_are_tidied(self):
        assert rules.phone_problem("") is None
        assert rules.normalise_phone("  01632   960100 ") == "01632 960100"


class TestActions:
    def test_a_contact_needs_a_way_to_reach_it(self, world):
        council = make_organisation("local_authority", parent=world.icb)
        with pytest.raises(ValidationError) as refused:
            actions.do_add_contact(
                organisation=council, service="edt", team="EDT", acting_user=world.user(Role.DESIGNATED)
            )
        assert "phone" in refused.value.message_dict

    def test_only_the_icb_team_keeps_the_directory(self, world, records):
        contact = SafeguardingContact.objects.get(pk=records["contact"])
        with pytest.raises(PermissionDenied):
            actions.do_update_contact(contact, team="Mine", acting_user=world.user(Role.PROVIDER))

    def test_another_icbs_organisation_is_refused(self, world):
        council = make_organisation("local_authority", parent=world.other_icb)
        with pytest.raises(ValidationError) as refused:
            actions.do_add_contact(
                organisation=council, service="spa", team="x", phone="101", acting_user=world.user(Role.DESIGNATED)
            )
        assert "organisation" in refused.value.message_dict

    def test_a_bad_number_is_named_on_update(self, world, records):
        contact = SafeguardingContact.objects.get(pk=records["contact"])
        with pytest.raises(ValidationError) as refused:
            actions.do_update_contact(contact, duty_phone="call the office", acting_user=world.user(Role.DESIGNATED))
        assert "duty_phone" in refused.value.message_dict


PAGES = [
    ("/organisations/contacts/", ALL, set()),
    ("/organisations/contacts/xlsx/", ALL, set()),
    ("/organisations/contacts/add/", EDITORS, ALL),
    ("/organisations/contacts/{contact}/edit/", EDITORS, ALL),
]


def expected(role, ok, forbidden):
    return 200 if role in ok else 403 if role in forbidden else 404


@pytest.mark.parametrize(("url", "ok", "forbidden"), PAGES)
def test_page_matrix(world, records, client_for, url, ok, forbidden):
    target = url.format(**records)
    answers = {role: client_for(world.user(role)).get(target).status_code for role in sorted(ALL)}
    assert answers == {role: expected(role, ok, forbidden) for role in sorted(ALL)}, target


def test_endpoint_matrix(world, records):
    target = f"/api/v1/safeguarding-contacts/{records['contact']}/"
    assert {role: world.api(role).get(target).status_code for role in sorted(ALL)} == dict.fromkeys(sorted(ALL), 200)
    patches = {role: world.api(role).patch(target, {}, format="json").status_code for role in sorted(ALL)}
    assert patches == {role: 200 if role in EDITORS else 403 for role in sorted(ALL)}
    posts = {
        role: world.api(role).post("/api/v1/safeguarding-contacts/", {}, format="json").status_code for role in ALL
    }
    assert {r: c for r, c in posts.items() if r in EDITORS} == dict.fromkeys(EDITORS, 400)
    assert {c for r, c in posts.items() if r not in EDITORS} == {403}


def test_everyone_reads_their_own_icbs_directory_only(world, records, foreign, client_for):
    for role in (Role.DESIGNATED, Role.PROVIDER):
        listed = [c["id"] for c in world.api(role).get("/api/v1/safeguarding-contacts/").json()["results"]]
        assert listed == [records["contact"]]
        page = client_for(world.user(role)).get("/organisations/contacts/").content.decode()
        assert "01632 960100" in page and "Other ICB" not in page
    for url in (
        f"/api/v1/safeguarding-contacts/{foreign['contact']}/",
        f"/organisations/contacts/{foreign['contact']}/edit/",
    ):
        client = world.api(Role.DESIGNATED) if url.startswith("/api/") else client_for(world.user(Role.DESIGNATED))
        assert client.get(url).status_code == 404


CASEWORK_PAGES = ["/casework/", "/casework/allegations/", "/casework/allegations/add/", "/casework/due/"]


@pytest.mark.parametrize("url", CASEWORK_PAGES)
def test_every_casework_page_links_to_the_directory(world, client_for, url):
    response = client_for(world.user(Role.DESIGNATED)).get(url)
    assert response.status_code == 200
    assert 'href="/organisations/contacts/"' in response.content.decode()


def test_the_casework_record_page_links_to_the_directory(world, client_for):
    from casework.tests import factories

    allegation = factories.allegation(world)
    page = client_for(world.user(Role.DESIGNATED)).get(f"/casework/allegations/{allegation.pk}/").content.decode()
    assert 'href="/organisations/contacts/"' in page


def test_demo_numbers_are_ofcom_drama_numbers(db):
    from organisations import demo

    demo.load()
    demo.load()
    contacts = list(SafeguardingContact.objects.all())
    assert len(contacts) == len(demo.CONTACTS)
    drama = re.compile(r"^(01632 960\d{3}|020 7946 0\d{3})$")
    numbers = [n for c in contacts for n in (c.phone, c.duty_phone) if n]
    assert numbers and all(drama.match(n) for n in numbers)
    assert {c.service for c in contacts} >= {"spa", "edt", "caiu", "paediatrician", "domestic_abuse"}
