"""core.permissions.may_open: NHS England's regional and national roles reach the roll-ups and the pages every role
needs, nothing else; every other role is left to the view's own checks."""

import pytest

from core.choices import ALL_ROLES, REGIONAL_ROLES, Role
from core.permissions import OPEN_TO_EVERY_ROLE, may_open


class RollUp:
    open_to_nhs_england = True


class IcbPage:
    pass


@pytest.mark.parametrize("role", sorted(REGIONAL_ROLES))
class TestNhsEnglandRoles:
    def test_they_open_the_roll_ups(self, role):
        assert may_open(role, "index", RollUp)

    def test_they_open_the_pages_every_role_needs(self, role):
        assert all(may_open(role, name, IcbPage) for name in OPEN_TO_EVERY_ROLE)

    def test_they_are_refused_any_other_page_or_endpoint(self, role):
        assert not may_open(role, "organisations:list", IcbPage)
        assert not may_open(role, None, IcbPage)
        assert not may_open(role, None, None)


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_icb_and_provider_roles_are_left_to_the_view(role):
    assert may_open(role, "organisations:list", IcbPage)


def test_the_regional_roles_are_exactly_the_two_nhs_england_roles():
    assert {Role.REGIONAL, Role.NATIONAL} == REGIONAL_ROLES
    assert not REGIONAL_ROLES & ALL_ROLES


def test_a_regional_session_cannot_reach_the_api_of_an_icb(world, client_for):
    client = client_for(world.user(Role.REGIONAL))
    assert client.get("/api/v1/organisations/").status_code == 403
    assert client.get("/api/v1/nhse-regions/").status_code == 200
