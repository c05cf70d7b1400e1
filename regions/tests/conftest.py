import pytest

from core.testing import make_icb, make_organisation, make_provider
from organisations.choices import OrganisationKind


@pytest.fixture
def neighbour(world):
    """A second ICB in the test ICB's region, with one provider."""
    icb = make_organisation(OrganisationKind.ICB, parent=world.region, name="Neighbour ICB", ods_code="QNB")
    return icb, make_provider(icb, name="Neighbour Trust")


@pytest.fixture
def far_icb(world):
    return make_icb("Far ICB")
