"""Every role against every page and endpoint of the casework registers (list, detail, create, edit,
export), the auditor's access-log pages, and a provider user against another provider's records."""

import datetime as dt

import pytest

from casework import actions
from casework.tests import factories
from core.choices import ALL_ROLES, Role

D, A, E, H, P, AUD = Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.HR, Role.PROVIDER, Role.AUDITOR
ALL = set(ALL_ROLES)  # every ICB and provider role; NHS England's roles are refused everywhere (403)
CASEWORK = {D, A, E, H, P}

# register slug: (readers, editors)
REGISTERS = {
    "allegations": ({D, H, E}, {D, H, E}),
    "escalations": ({D, A, E, P}, {D, A, P}),
    "advice": ({D, A, E}, {D, A}),
    "referrals": ({D, A, E}, {D, A}),
    "serious-incidents": ({D, A, E, P}, {D, A, P}),
    "complex-health-needs": ({D, A, E, P}, {D, A, P}),
    "disclosures": ({D, E}, {D}),
}

PAGES = [
    ("/casework/", CASEWORK),
    ("/casework/due/", CASEWORK),
    ("/casework/access-log/", {AUD}),
    ("/casework/escalations/report/", REGISTERS["escalations"][0]),
    ("/casework/escalations/{escalations}/stages/add/", REGISTERS["escalations"][1]),
    ("/casework/complex-health-needs/{complex-health-needs}/requests/add/", {D, A}),
    ("/casework/information-requests/{request}/returned/", {D, A}),
    ("/casework/serious-incidents/{serious-incidents}/actions/add/", REGISTERS["serious-incidents"][1]),
]
for slug, (readers, editors) in REGISTERS.items():
    PAGES += [
        (f"/casework/{slug}/", readers),
        (f"/casework/{slug}/add/", editors),
        (f"/casework/{slug}/export/", readers),
        (f"/casework/{slug}/{{{slug}}}/", readers),
        (f"/casework/{slug}/{{{slug}}}/edit/", editors),
        (f"/casework/access-log/{slug}/{{{slug}}}/", {AUD}),
    ]

FOREIGN = [
    "/casework/escalations/{other_escalation}/",
    "/casework/escalations/{other_escalation}/edit/",
    "/casework/escalations/{other_escalation}/stages/add/",
    "/casework/serious-incidents/{other_incident}/",
    "/casework/serious-incidents/{other_incident}/edit/",
    "/casework/serious-incidents/{other_incident}/actions/add/",
    "/casework/complex-health-needs/{other_concern}/",
    "/casework/complex-health-needs/{other_concern}/edit/",
    "/api/v1/casework/escalations/{other_escalation}/",
    "/api/v1/casework/serious-incidents/{other_incident}/",
    "/api/v1/casework/complex-health-needs/{other_concern}/",
]


@pytest.fixture
def world(shared_world, db):
    """Built once for the module (conftest.module_transaction): these tests only read it."""
    return shared_world


@pytest.fixture(scope="module")
def ids(shared_world):
    world = shared_world
    records = {slug: build(world) for slug, build in factories.BUILDERS.items()}
    request = actions.do_request_information(
        records["complex-health-needs"],
        agency=world.other_provider,
        requested_on=dt.date(2026, 11, 20),
        acting_user=None,
    )
    return {
        **{slug: record.pk for slug, record in records.items()},
        "request": request.pk,
        "other_escalation": factories.escalation(world, organisation=world.other_provider).pk,
        "other_incident": factories.incident(world, organisation=world.other_provider).pk,
        "other_concern": factories.concern(world, organisation=world.other_provider).pk,
    }


@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_matrix(world, ids, client, url, allowed):
    """Every role: 200 when allowed, 403 otherwise (roles looped inside, so the world is built once per page)."""
    wrong = []
    for role in sorted(Role.values):
        client.force_login(world.user(role))
        status = client.get(url.format(**ids)).status_code
        if status != (200 if role in allowed else 403):
            wrong.append((role, status))
    assert wrong == []


@pytest.mark.parametrize("slug", sorted(REGISTERS))
def test_api_matrix(world, ids, slug):
    readers, editors = REGISTERS[slug]
    base = f"/api/v1/casework/{slug}/"
    wrong = []
    for role in sorted(Role.values):
        api = world.api(role)
        read = 200 if role in readers else 403
        got = {
            "list": api.get(base).status_code,
            "detail": api.get(f"{base}{ids[slug]}/").status_code,
            "export": api.get(f"{base}export/").status_code,
            # An empty payload: editors get field errors (400), everyone else is refused (403).
            "create": api.post(base, {}, format="json").status_code,
            "update": api.patch(f"{base}{ids[slug]}/", {}, format="json").status_code,
            "delete": api.delete(f"{base}{ids[slug]}/").status_code,
        }
        expected = {
            "list": read,
            "detail": read,
            "export": read,
            "create": 400 if role in editors else 403,
            "update": 200 if role in editors else 403,
            "delete": 405 if role in editors else 403,
        }
        if got != expected:
            wrong.append((role, got, expected))
    assert wrong == []


@pytest.mark.parametrize("url", FOREIGN)
def test_a_provider_user_cannot_reach_another_providers_records(world, ids, client_for, url):
    url = url.format(**ids)
    if url.startswith("/api/"):
        assert world.api(P).get(url).status_code == 404
    else:
        assert client_for(world.user(P)).get(url).status_code == 404


def test_a_provider_user_never_sees_allegations_even_about_their_own_staff(world, ids, client_for):
    client = client_for(world.user(P))
    assert client.get(f"/casework/allegations/{ids['allegations']}/").status_code == 403
    assert world.api(P).get("/api/v1/casework/allegations/").status_code == 403


def test_a_provider_user_lists_only_their_own_organisations_records(world, ids):
    listed = world.api(P).get("/api/v1/casework/serious-incidents/").json()["results"]
    assert [row["id"] for row in listed] == [ids["serious-incidents"]]


def test_the_designated_professional_gets_404_for_an_allegation_routed_to_the_executive(world, client_for):
    routed = factories.allegation(world, concerns_designated_professional=True)
    assert client_for(world.user(D)).get(f"/casework/allegations/{routed.pk}/").status_code == 404
    assert world.api(D).get(f"/api/v1/casework/allegations/{routed.pk}/").status_code == 404
    assert world.api(E).get(f"/api/v1/casework/allegations/{routed.pk}/").status_code == 200


def test_the_auditor_sees_the_access_log_but_not_the_content(world, ids, client_for):
    client_for(world.user(H)).get(f"/casework/allegations/{ids['allegations']}/")
    response = client_for(world.user(AUD)).get(f"/casework/access-log/allegations/{ids['allegations']}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert ">hr<" in page and "Synthetic allegation" not in page and "Invented Staffmember" not in page


def test_another_icbs_auditor_cannot_open_the_access_log(world, ids, client_for):
    from core.testing import make_user

    outsider = make_user(AUD, world.other_icb)
    assert client_for(outsider).get(f"/casework/access-log/allegations/{ids['allegations']}/").status_code == 404
