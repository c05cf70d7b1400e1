"""Schema fuzzing: every operation of /api/v1/ (as drf-spectacular publishes it at /api/schema/),
called through the WSGI application with generated and boundary-breaking input, as a designated
professional and as a provider user. No answer may be a server error, and every answer the schema
describes must match it.

Each operation and role is its own test in its own savepoint (pytest-django rolls it back), over a small
world seeded once per module through the real actions, so that about half the calls reach an existing record.
VIGIL_FUZZ_EXAMPLES sets the examples per operation and role (default 10) and VIGIL_FUZZ_COVERAGE=1
adds schemathesis' coverage phase (docs/api-hardening.md).
"""

import datetime as dt
import itertools
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance
from werkzeug.test import Client

from assurance.tests.factories import inspection_records, open_cycle
from casework.tests.factories import BUILDERS
from config.wsgi import application
from core import actions as tracker
from core.choices import Role
from core.testing import make_organisation
from organisations import actions as organisation_actions
from reporting.tests.conftest import approved as approved_report
from returns.tests.factories import submitted_return
from reviews import actions as review_actions

EXAMPLES = int(os.environ.get("VIGIL_FUZZ_EXAMPLES", "10"))
ROLES = [Role.DESIGNATED, Role.PROVIDER]

# The coverage phase (every boundary and every wrong type of every field, ~25 cases per operation and
# more) is thorough but slow; it runs when VIGIL_FUZZ_COVERAGE=1. The fuzzing phase always runs.
COVERAGE = os.environ.get("VIGIL_FUZZ_COVERAGE", "") not in ("", "0")
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})

with GENERATOR_STATS.silence():  # drf-spectacular's schema warnings are for `manage.py spectacular`
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)

_turn = itertools.count()


@pytest.fixture
def wsgi_calls_in_test_transaction():
    """Django's handler closes the connection after each request, which would end the test's
    transaction; the test client avoids this the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def seeded(shared_world):
    """One record of every kind the API serves, reachable by both roles where their scope allows."""
    world = shared_world
    designated = world.user(Role.DESIGNATED)
    today = timezone.localdate()
    open_cycle(world)
    submitted_return(world.provider, user=world.user(Role.PROVIDER))
    for build in BUILDERS.values():
        build(world)
    tracker.do_create_tracked_action(
        source=world.provider,
        organisation=world.provider,
        acting_user=designated,
        title="Fuzz action",
        owner="Lead",
        due_date=today + dt.timedelta(days=30),
        success_measure="Audited",
    )
    organisation_actions.do_create_contract(
        provider=world.provider,
        reference="FUZZ-1",
        services="Community services",
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=300),
        lead_commissioner=world.icb,
        acting_user=designated,
    )
    organisation_actions.do_add_role_holder(
        organisation=world.provider, role="safeguarding_lead", holder_name="Invented Nurse", acting_user=designated
    )
    partnership = make_organisation("scp", parent=world.icb, name="Fuzz partnership")
    review = review_actions.do_open_review(
        kind="rapid_review",
        subject_reference="Child F",
        lead_partnership=partnership,
        incident_date=today - dt.timedelta(days=20),
        notification_date=today - dt.timedelta(days=15),
        acting_user=designated,
    )
    review_actions.do_add_contributions(
        review, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=designated
    )
    review_actions.do_add_recommendation(
        review,
        text="Fuzz recommendation",
        organisations=[world.provider],
        owner="Named nurse",
        due_date=today + dt.timedelta(days=60),
        success_measure="Audit",
        acting_user=designated,
    )
    review_actions.do_add_learning(
        review, key_findings="Fuzz findings", disseminated_to="Partners", date=today, acting_user=designated
    )
    review_actions.do_record_non_participation(
        review, organisation=world.provider, noted_on=today, reason="No chronology", acting_user=designated
    )
    inspection_records(world)
    approved_report(world)  # reporting: an approved report with its frozen files, so downloads reach one
    police = make_organisation("police", parent=world.icb, name="Fuzz constabulary")
    organisation_actions.do_add_contact(
        organisation=police, service="caiu", team="CAIU", phone="020 7946 0100", acting_user=designated
    )
    return world


@pytest.fixture(scope="module")
def tokens(seeded):
    from core.actions import do_create_api_token

    return {role: do_create_api_token(seeded.user(role), name="fuzzer", acting_user=None)[1] for role in ROLES}


@pytest.fixture
def token_for(tokens, db, wsgi_calls_in_test_transaction):
    """The seeded world and tokens are built once for the module (conftest.module_transaction); each test's
    calls run in its own savepoint, rolled back after it."""
    return tokens


def existing_id(token, path):
    """The id of the first record the token's user sees in the collection that `path` belongs to, or
    None. Asked through the WSGI application like the fuzzed calls (Django's test client would
    reconnect the signal that closes the connection after each request)."""
    answer = Client(application).get(path.split("{id}")[0], headers={"Authorization": f"Token {token}"})
    results = (answer.get_json(silent=True) or {}).get("results", []) if answer.status_code == 200 else []
    return results[0]["id"] if results else None


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_gives_no_server_error_and_matches_its_schema(case, role, token_for):
    if "id" in (case.path_parameters or {}) and next(_turn) % 2 == 0:
        case.path_parameters["id"] = existing_id(token_for[role], case.path) or case.path_parameters["id"]
    case.call_and_validate(
        headers={"Authorization": f"Token {token_for[role]}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
