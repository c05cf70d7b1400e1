"""Fixtures shared by the signals tests (plain helpers are in factories.py)."""

import pytest

from core.choices import Role


@pytest.fixture
def user(world):
    """The provider's safeguarding user, who imports the extracts and evaluates the rules."""
    return world.user(Role.PROVIDER)
