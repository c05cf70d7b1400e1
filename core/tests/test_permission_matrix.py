"""Every role against every page and endpoint of the foundation, and a provider user against
another provider's records by id. Later modules add their rows to the same tables."""

import pytest
from django.utils import timezone

from core import actions as core_actions
from core.choices import ALL_ROLES, Role
from organisations import actions
from organisations.choices import SafeguardingRole as R

ALL = set(ALL_ROLES)  # every ICB and provider role; NHS England's roles are refused everywhere (403)
ICB = ALL - {Role.PROVIDER}
EDITORS = {Role.DESIGNATED, Role.ADMINISTRATOR}

# (url template, roles that get 200; every other role gets 403)
PAGES = [
    ("/", set(Role.values)),  # every role has a home page (NHS England's: the roll-up panel)
    ("/organisations/", ALL),
    ("/organisations/{provider}/", ALL),
    ("/organisations/add/", EDITORS),
    ("/organisations/{provider}/edit/", EDITORS),
    ("/organisations/{provider}/role-holders/add/", EDITORS | {Role.PROVIDER}),
    ("/organisations/gaps/", ICB),
    ("/organisations/contracts/", ALL),
    ("/organisations/contracts/add/", EDITORS | {Role.CONTRACTS}),
    ("/organisations/contracts/{contract}/edit/", EDITORS | {Role.CONTRACTS}),
    ("/organisations/role-holders/{holder}/edit/", EDITORS | {Role.PROVIDER}),
    ("/closure-days/", EDITORS),
    ("/actions/", ALL),
    ("/actions/overdue/", ICB),
    ("/actions/add/", EDITORS),
    ("/actions/{action}/", ALL),
    ("/actions/{action}/note/", EDITORS | {Role.PROVIDER}),
    ("/actions/{action}/complete/", EDITORS | {Role.PROVIDER}),
    ("/actions/{action}/verify/", {Role.DESIGNATED}),
    ("/actions/{action}/reopen/", {Role.DESIGNATED}),
    ("/audit/", {Role.AUDITOR}),
    ("/sign-in/second-factor/set-up/", set(Role.values)),  # any role may opt in to a second factor
]

# (url template, roles that may read; write roles)
ENDPOINTS = [
    ("/api/v1/organisations/{provider}/", ALL, EDITORS),
    ("/api/v1/contracts/{contract}/", ALL, EDITORS | {Role.CONTRACTS}),
    ("/api/v1/role-holders/{holder}/", ALL, EDITORS | {Role.PROVIDER}),
]

# Another provider's records, by id: a provider user gets 404 on each.
FOREIGN = [
    "/organisations/{other_provider}/",
    "/organisations/{other_provider}/edit/",
    "/organisations/{other_provider}/role-holders/add/",
    "/organisations/role-holders/{other_holder}/edit/",
    "/organisations/contracts/{other_contract}/edit/",
    "/api/v1/organisations/{other_provider}/",
    "/api/v1/contracts/{other_contract}/",
    "/api/v1/role-holders/{other_holder}/",
    "/actions/{other_action}/",
    "/actions/{other_action}/complete/",
    "/api/v1/actions/{other_action}/",
]


@pytest.fixture
def world(shared_world, db):
    """Built once for the module (conftest.module_transaction): these tests only read it."""
    return shared_world


@pytest.fixture(scope="module")
def ids(shared_world):
    world = shared_world

    def contract(provider, reference):
        return actions.do_create_contract(
            provider=provider,
            reference=reference,
            services="s",
            start_date="2026-04-01",
            end_date="2027-03-31",
            lead_commissioner=world.icb,
            acting_user=None,
        )

    def holder(provider):
        return actions.do_add_role_holder(organisation=provider, role=R.PREVENT_LEAD, holder_name="N", acting_user=None)

    def tracked(provider):
        return core_actions.do_create_tracked_action(
            source=provider,
            organisation=provider,
            title="t",
            owner="o",
            due_date=timezone.localdate(),
            success_measure="m",
            acting_user=None,
        )

    return {
        "action": tracked(world.provider).pk,
        "other_action": tracked(world.other_provider).pk,
        "provider": world.provider.pk,
        "other_provider": world.other_provider.pk,
        "contract": contract(world.provider, "C-1").pk,
        "other_contract": contract(world.other_provider, "C-2").pk,
        "holder": holder(world.provider).pk,
        "other_holder": holder(world.other_provider).pk,
    }


@pytest.mark.parametrize("role", sorted(Role.values))
@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_matrix(world, ids, client_for, role, url, allowed):
    response = client_for(world.user(role)).get(url.format(**ids))
    assert response.status_code == (200 if role in allowed else 403), url


@pytest.mark.parametrize("role", sorted(Role.values))
@pytest.mark.parametrize(
    ("url", "readers", "step"),
    [
        ("/api/v1/actions/", ALL, None),
        ("/api/v1/actions/{action}/progress/", ALL, EDITORS | {Role.PROVIDER}),
        ("/api/v1/actions/{action}/complete/", ALL, EDITORS | {Role.PROVIDER}),
    ],
)
def test_tracker_endpoint_matrix(world, ids, role, url, readers, step):
    api = world.api(role)
    if step is None:
        assert api.get(url.format(**ids)).status_code == (200 if role in readers else 403)
        return
    response = api.post(url.format(**ids), {"note": "n", "evidence": "e"}, format="json")
    assert response.status_code == (200 if role in step else 403), response.content


@pytest.mark.parametrize("role", sorted(Role.values))
@pytest.mark.parametrize(("url", "readers", "writers"), ENDPOINTS)
def test_endpoint_matrix(world, ids, role, url, readers, writers):
    api = world.api(role)
    assert api.get(url.format(**ids)).status_code == (200 if role in readers else 403)
    patch = api.patch(url.format(**ids), {}, format="json")
    assert patch.status_code == (200 if role in writers else 403), patch.content


@pytest.mark.parametrize("url", FOREIGN)
def test_provider_user_cannot_reach_another_providers_records(world, ids, client_for, url):
    target = url.format(**ids)
    if target.startswith("/api/"):
        response = world.api(Role.PROVIDER).get(target)
    else:
        response = client_for(world.user(Role.PROVIDER)).get(target)
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/", "/organisations/", "/api/v1/organisations/", "/audit/"])
def test_anonymous_users_are_sent_to_sign_in_or_refused(client, db, url):
    response = client.get(url)
    assert response.status_code in {302, 401, 403}
    if response.status_code == 302:
        assert response["Location"].startswith("/sign-in/")


def test_icb_staff_cannot_reach_another_icbs_provider(world, client_for):
    url = f"/organisations/{world.foreign_provider.pk}/"
    assert client_for(world.user(Role.DESIGNATED)).get(url).status_code == 404
    assert world.api(Role.DESIGNATED).get(f"/api/v1/organisations/{world.foreign_provider.pk}/").status_code == 404
