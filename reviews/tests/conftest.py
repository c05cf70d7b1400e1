import datetime as dt

import pytest
from django.utils import timezone

from core.choices import Role
from core.testing import make_organisation
from reviews import actions


@pytest.fixture
def partnerships(world):
    return {
        kind: make_organisation(kind, parent=world.icb, name=f"Test {kind.upper()} partnership")
        for kind in ("scp", "sab", "csp")
    }


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def open_review(world, partnerships, today):
    """Open a review through the real action (designated professional), with sensible dates."""

    def make(kind="rapid_review", **fields):
        fields.setdefault("subject_reference", "Child Q")
        fields.setdefault("lead_partnership", partnerships["scp"])
        fields.setdefault("incident_date", today - dt.timedelta(days=20))
        fields.setdefault("notification_date", today - dt.timedelta(days=15))
        return actions.do_open_review(kind=kind, acting_user=world.user(Role.DESIGNATED), **fields)

    return make


@pytest.fixture
def recommend(world, today):
    def make(review, organisations, text="Strengthen professional curiosity training", **fields):
        fields.setdefault("owner", "Named nurse")
        fields.setdefault("due_date", today + dt.timedelta(days=60))
        fields.setdefault("success_measure", "Audit shows curiosity prompts used")
        return actions.do_add_recommendation(
            review, text=text, organisations=organisations, acting_user=world.user(Role.DESIGNATED), **fields
        )

    return make
