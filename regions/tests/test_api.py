import pytest

from core.choices import Role
from returns.tests.factories import Q, submitted_return


def test_the_regional_lead_reads_its_regions_icbs(world, neighbour):
    submitted_return(world.provider)
    response = world.api(Role.REGIONAL).get("/api/v1/nhse-icb-rollups/", {"quarter": Q.label})
    assert response.status_code == 200
    assert {row["name"] for row in response.json()} == {"Test ICB", "Neighbour ICB"}
    mine = next(row for row in response.json() if row["name"] == "Test ICB")
    assert mine["returns_submitted"] == 1 and mine["metrics"]


def test_an_icb_outside_the_region_is_a_404(world):
    assert world.api(Role.REGIONAL).get(f"/api/v1/nhse-icb-rollups/{world.other_icb.pk}/").status_code == 404
    assert world.api(Role.NATIONAL).get(f"/api/v1/nhse-icb-rollups/{world.other_icb.pk}/").status_code == 200


def test_another_region_as_a_filter_is_a_400_naming_it(world):
    response = world.api(Role.REGIONAL).get("/api/v1/nhse-icb-rollups/", {"region": world.other_region.pk})
    assert response.status_code == 400 and "region" in response.json()


def test_regions_are_added_up(world):
    response = world.api(Role.NATIONAL).get("/api/v1/nhse-regions/", {"quarter": "2030/31 Q1"})
    assert response.status_code == 200
    names = {row["name"] for row in response.json()}
    assert {world.region.name, world.other_region.name} <= names


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.REGIONAL, Role.NATIONAL}))
def test_icb_and_provider_roles_are_refused(world, role):
    api = world.api(role)
    assert api.get("/api/v1/nhse-regions/").status_code == 403
    assert api.get("/api/v1/nhse-icb-rollups/").status_code == 403
    assert api.get(f"/api/v1/nhse-icb-rollups/{world.icb.pk}/").status_code == 403


def test_a_quarter_that_does_not_parse_is_a_400_naming_it(world):
    for url in ("/api/v1/nhse-regions/", "/api/v1/nhse-icb-rollups/", f"/api/v1/nhse-icb-rollups/{world.icb.pk}/"):
        response = world.api(Role.REGIONAL).get(url, {"quarter": "next spring"})
        assert response.status_code == 400 and "quarter" in response.json(), url
