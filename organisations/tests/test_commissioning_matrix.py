"""Commissioning registers: every page and endpoint × every role, another provider's and another ICB's records
(the actions, pages and API behaviour are in test_commissioning.py)."""

import pytest

from core.choices import ALL_ROLES, ICB_ROLES, Role
from organisations.models import COMMISSIONING_MANAGERS
from organisations.tests import commissioning_factories as f

ALL = set(ALL_ROLES)  # NHS England roles: refused everywhere by the gate (core/tests/test_nhs_england_gate.py)
ICB = set(ICB_ROLES)
MANAGERS = set(COMMISSIONING_MANAGERS)


# (url, roles answered 200; every other role 403)
PAGES = [
    ("/organisations/commissioning/", ICB),
    ("/organisations/commissioning/xlsx/", ICB),
    ("/organisations/commissioning/add/", MANAGERS),
    ("/organisations/specifications/", ALL),
    ("/organisations/specifications/add/", MANAGERS),
    ("/organisations/subcontractors/add/", MANAGERS),
    ("/organisations/associate-notifications/add/", MANAGERS),
    ("/organisations/modern-slavery/add/", MANAGERS),
    ("/organisations/due-diligence/add/", MANAGERS),
]
# (url, readers: 200; other roles that may see the record: 403; the rest: 404)
RECORD_PAGES = [
    ("/organisations/commissioning/{event}/", ICB, ICB),
    ("/organisations/commissioning/{event}/edit/", MANAGERS, ICB),
    ("/organisations/commissioning/{event}/consult/", MANAGERS, ICB),
    ("/organisations/commissioning/{event}/action/", MANAGERS, ICB),
    ("/organisations/specifications/{specification}/", ALL, ALL),
    ("/organisations/specifications/{specification}/edit/", MANAGERS, ALL),
    ("/organisations/specifications/{specification}/action/", MANAGERS, ALL),
    ("/organisations/subcontractors/{subcontractor}/edit/", MANAGERS, ICB),
    ("/organisations/associate-notifications/{notification}/edit/", MANAGERS, ICB),
    ("/organisations/modern-slavery/{statement}/edit/", MANAGERS, ICB),
]
# (url, roles that may read; roles that may PATCH); a role that may not read gets 403
ENDPOINTS = [
    ("/api/v1/commissioning-events/{event}/", ICB, MANAGERS),
    ("/api/v1/service-specifications/{specification}/", ALL, MANAGERS),
    ("/api/v1/subcontractors/{subcontractor}/", ICB, MANAGERS),
    ("/api/v1/associate-notifications/{notification}/", ICB, MANAGERS),
    ("/api/v1/modern-slavery-statements/{statement}/", ICB, MANAGERS),
]
LISTS = [
    ("/api/v1/commissioning-events/", ICB),
    ("/api/v1/designated-consultations/", ICB),
    ("/api/v1/service-specifications/", ALL),
    ("/api/v1/subcontractors/", ICB),
    ("/api/v1/associate-notifications/", ICB),
    ("/api/v1/modern-slavery-statements/", ICB),
    ("/api/v1/supplier-due-diligence/", ICB),
    ("/api/v1/designated-consultations/{consultation}/", ICB),
    ("/api/v1/supplier-due-diligence/{due_diligence}/", ICB),
]


@pytest.fixture
def world(shared_world, db):
    """Built once for the module (conftest.module_transaction): these tests only read it."""
    return shared_world


@pytest.fixture(scope="module")
def ids(shared_world):
    return {name: record.pk for name, record in f.build(shared_world).items()}


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_matrix(world, ids, client_for, role, url, allowed):
    response = client_for(world.user(role)).get(url.format(**ids))
    assert response.status_code == (200 if role in allowed else 403), url


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("url", "allowed", "seen"), RECORD_PAGES)
def test_record_page_matrix(world, ids, client_for, role, url, allowed, seen):
    response = client_for(world.user(role)).get(url.format(**ids))
    expected = 200 if role in allowed else 403 if role in seen else 404
    assert response.status_code == expected, url


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("url", "readers", "writers"), ENDPOINTS)
def test_endpoint_matrix(world, ids, role, url, readers, writers):
    api = world.api(role)
    read = api.get(url.format(**ids))
    assert read.status_code == (200 if role in readers else 403)
    patch = api.patch(url.format(**ids), {}, format="json")
    assert patch.status_code == (200 if role in writers else 403), patch.content


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("url", "readers"), LISTS)
def test_list_matrix(world, ids, role, url, readers):
    assert world.api(role).get(url.format(**ids)).status_code == (200 if role in readers else 403)


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/specifications/{other_specification}/",
        "/api/v1/service-specifications/{other_specification}/",
    ],
)
def test_a_provider_cannot_reach_another_providers_specification(world, ids, client_for, url):
    target = url.format(**ids)
    client = world.api(Role.PROVIDER) if target.startswith("/api/") else client_for(world.user(Role.PROVIDER))
    assert client.get(target).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/commissioning/{event}/",
        "/organisations/specifications/{specification}/",
        "/api/v1/commissioning-events/{event}/",
        "/api/v1/service-specifications/{specification}/",
        "/api/v1/subcontractors/{subcontractor}/",
    ],
)
def test_another_icb_cannot_reach_the_records(world, ids, client_for, url):
    from core.testing import make_user

    stranger = make_user(Role.DESIGNATED, world.other_icb)
    target = url.format(**ids)
    client = world.api(stranger) if target.startswith("/api/") else client_for(stranger)
    assert client.get(target).status_code == 404
