"""Every page and endpoint of the governance module × every role. A role that may not see a record gets 404
on its pages (its existence is not revealed), 403 on a page that changes a record it may only see; list
pages and the API answer 403 to a role with no right to the register. Another ICB's records, and another
provider's, are 404."""

import pytest
from django.utils import timezone

from core.choices import ALL_ROLES, REGIONAL_ROLES, Role
from core.testing import make_user
from governance.models import ANNUAL_REPORT_READERS, COMMITTEE_READERS, DECISION_EDITORS, EDITORS, POLICY_READERS
from governance.tests.conftest import build_records

ALL = set(ALL_ROLES)  # every ICB and provider role; NHS England's roles are refused everywhere (403)
GOVERNANCE = COMMITTEE_READERS | POLICY_READERS | ANNUAL_REPORT_READERS
ICB_POLICY_READERS = POLICY_READERS - {Role.PROVIDER}
RISK_READERS = COMMITTEE_READERS


@pytest.fixture
def world(shared_world, db):
    """Built once for the module (conftest.module_transaction): these tests only read it."""
    return shared_world


@pytest.fixture(scope="module")
def records(shared_world):
    designated = shared_world.user(Role.DESIGNATED)
    return build_records(
        shared_world.icb, [shared_world.provider, shared_world.other_provider], designated, timezone.localdate()
    )


@pytest.fixture(scope="module")
def foreign(shared_world):
    outsider = make_user(Role.DESIGNATED, shared_world.other_icb)
    return build_records(shared_world.other_icb, [shared_world.foreign_provider], outsider, timezone.localdate())


# (url, roles answered 200, roles answered 403; every other role: 404)
PAGES = [
    ("/governance/", GOVERNANCE, ALL),
    ("/governance/committees/", COMMITTEE_READERS, ALL),
    ("/governance/committees/add/", EDITORS, ALL),
    ("/governance/committees/{committee}/", COMMITTEE_READERS, set()),
    ("/governance/committees/{committee}/edit/", EDITORS, COMMITTEE_READERS),
    ("/governance/committees/{committee}/meetings/add/", EDITORS, COMMITTEE_READERS),
    ("/governance/meetings/{meeting}/", COMMITTEE_READERS, set()),
    ("/governance/meetings/{meeting}/papers/add/", EDITORS, COMMITTEE_READERS),
    ("/governance/meetings/{meeting}/decisions/add/", DECISION_EDITORS, COMMITTEE_READERS),
    ("/governance/decisions/{decision}/actions/add/", EDITORS, COMMITTEE_READERS),
    ("/governance/policies/", POLICY_READERS, ALL),
    ("/governance/policies/xlsx/", POLICY_READERS, ALL),
    ("/governance/policies/add/", EDITORS, ALL),
    ("/governance/policies/{policy}/", ICB_POLICY_READERS, set()),
    ("/governance/policies/{provider_policy}/", POLICY_READERS, set()),
    ("/governance/policies/{provider_policy}/edit/", EDITORS, POLICY_READERS),
    ("/governance/policies/{policy}/documents/add/", EDITORS, ICB_POLICY_READERS),
    ("/governance/policy-documents/{document}/", ICB_POLICY_READERS, set()),
    ("/governance/risks/", RISK_READERS, ALL),
    ("/governance/risks/xlsx/", RISK_READERS, ALL),
    ("/governance/risks/add/", EDITORS, ALL),
    ("/governance/risks/{risk}/", RISK_READERS, set()),
    ("/governance/risks/{risk}/edit/", EDITORS, RISK_READERS),
    ("/governance/risks/{risk}/rescore/", EDITORS, RISK_READERS),
    ("/governance/risks/{risk}/escalate/", EDITORS, RISK_READERS),
    ("/governance/risks/{risk}/actions/add/", EDITORS, RISK_READERS),
    ("/governance/monitoring/", COMMITTEE_READERS, ALL),
    ("/governance/monitoring/xlsx/", COMMITTEE_READERS, ALL),
    ("/governance/monitoring/add/", EDITORS, ALL),
    ("/governance/monitoring/{check}/", COMMITTEE_READERS, set()),
    ("/governance/monitoring/{check}/edit/", EDITORS, COMMITTEE_READERS),
    ("/governance/monitoring/{check}/record/", EDITORS, COMMITTEE_READERS),
    ("/governance/monitoring/{check}/actions/add/", EDITORS, COMMITTEE_READERS),
    ("/governance/annual-reports/", ANNUAL_REPORT_READERS, ALL),
    ("/governance/annual-reports/expect/", EDITORS, ALL),
    ("/governance/annual-reports/{report}/", ANNUAL_REPORT_READERS, set()),
    ("/governance/annual-reports/{report}/document/", ANNUAL_REPORT_READERS, set()),
    ("/governance/annual-reports/{report}/receive/", EDITORS, ANNUAL_REPORT_READERS),
    ("/governance/annual-reports/{report}/review/", EDITORS, ANNUAL_REPORT_READERS),
]

# (url, roles that may read, roles that may PATCH); a role that may not read gets 403
ENDPOINTS = [
    ("/api/v1/committees/{committee}/", COMMITTEE_READERS, EDITORS),
    ("/api/v1/committee-meetings/{meeting}/", COMMITTEE_READERS, EDITORS),
    ("/api/v1/committee-papers/{paper}/", COMMITTEE_READERS, EDITORS),
    ("/api/v1/committee-decisions/{decision}/", COMMITTEE_READERS, DECISION_EDITORS),
    ("/api/v1/policies/{provider_policy}/", POLICY_READERS, EDITORS),
    ("/api/v1/risks/{risk}/", RISK_READERS, EDITORS),
    ("/api/v1/monitoring-checks/{check}/", COMMITTEE_READERS, EDITORS),
]

# (url, roles answered 200; other roles 403, except `hidden` roles: 404)
READ_ONLY = [
    ("/api/v1/committees/", COMMITTEE_READERS, set()),
    ("/api/v1/committee-meetings/", COMMITTEE_READERS, set()),
    ("/api/v1/committee-papers/", COMMITTEE_READERS, set()),
    ("/api/v1/committee-decisions/", COMMITTEE_READERS, set()),
    ("/api/v1/policies/", POLICY_READERS, set()),
    ("/api/v1/policies/{policy}/", ICB_POLICY_READERS, {Role.PROVIDER}),
    ("/api/v1/policy-documents/", POLICY_READERS, set()),
    ("/api/v1/policy-documents/{document}/", ICB_POLICY_READERS, {Role.PROVIDER}),
    ("/api/v1/risks/", RISK_READERS, set()),
    ("/api/v1/risk-escalations/", RISK_READERS, set()),
    ("/api/v1/risk-escalations/{escalation}/", RISK_READERS, set()),
    ("/api/v1/annual-reports/", ANNUAL_REPORT_READERS, set()),
    ("/api/v1/annual-reports/{report}/", ANNUAL_REPORT_READERS, set()),
    ("/api/v1/monitoring-checks/", COMMITTEE_READERS, set()),
    ("/api/v1/monitoring-check-records/", COMMITTEE_READERS, set()),
    ("/api/v1/monitoring-check-records/{check_record}/", COMMITTEE_READERS, set()),
]

# Another provider's records (for the provider user) and another ICB's (for everyone): 404.
SIBLING = [
    "/governance/policies/{sibling_policy}/",
    "/governance/annual-reports/{sibling_report}/",
    "/governance/annual-reports/{sibling_report}/document/",
    "/api/v1/policies/{sibling_policy}/",
    "/api/v1/annual-reports/{sibling_report}/",
]
FOREIGN = (
    [url for url, _, _ in PAGES if "{" in url]
    + [url for url, _, _ in ENDPOINTS]
    + [url for url, _, _ in READ_ONLY if "{" in url]
)


def expected(role, ok, forbidden):
    if role in REGIONAL_ROLES:  # NHS England's roles are refused every ICB and provider page (core.permissions)
        return 403
    return 200 if role in ok else 403 if role in forbidden else 404


@pytest.mark.parametrize(("url", "ok", "forbidden"), PAGES)
def test_page_matrix(world, records, client_for, url, ok, forbidden):
    target = url.format(**records)
    answers = {role: client_for(world.user(role)).get(target).status_code for role in sorted(Role.values)}
    assert answers == {role: expected(role, ok, forbidden) for role in sorted(Role.values)}, target


@pytest.mark.parametrize(
    "url",
    [
        "/governance/committees/{committee}/archive/",
        "/governance/policies/{provider_policy}/archive/",
        "/governance/risks/{risk}/archive/",
        "/governance/annual-reports/{report}/archive/",
        "/governance/monitoring/{check}/archive/",
    ],
)
def test_archive_is_for_editors_only(world, records, client_for, url):
    target = url.format(**records)
    roles = sorted(set(Role.values) - EDITORS)
    answers = {role: client_for(world.user(role)).post(target).status_code for role in roles}
    assert set(answers.values()) <= {403, 404} and all(answers.values())
    assert client_for(world.user(Role.ADMINISTRATOR)).post(target).status_code == 302


@pytest.mark.parametrize(("url", "readers", "writers"), ENDPOINTS)
def test_endpoint_matrix(world, records, url, readers, writers):
    target = url.format(**records)
    reads = {role: world.api(role).get(target).status_code for role in sorted(Role.values)}
    assert reads == {role: 200 if role in readers else 403 for role in sorted(Role.values)}, target
    patches = {role: world.api(role).patch(target, {}, format="json").status_code for role in sorted(Role.values)}
    assert patches == {role: 200 if role in writers else 403 for role in sorted(Role.values)}, target


@pytest.mark.parametrize(("url", "readers", "hidden"), READ_ONLY)
def test_read_only_endpoint_matrix(world, records, url, readers, hidden):
    target = url.format(**records)
    answers = {role: world.api(role).get(target).status_code for role in sorted(Role.values)}
    assert answers == {role: 200 if role in readers else 404 if role in hidden else 403 for role in sorted(Role.values)}


@pytest.mark.parametrize("url", SIBLING)
def test_a_provider_cannot_see_another_providers_records(world, records, client_for, url):
    target = url.format(**records)
    client = world.api(Role.PROVIDER) if target.startswith("/api/") else client_for(world.user(Role.PROVIDER))
    assert client.get(target).status_code == 404


@pytest.mark.parametrize("url", FOREIGN)
def test_another_icbs_records_are_not_found(world, records, foreign, client_for, url):
    target = url.format(**foreign)
    if target.startswith("/api/"):
        assert world.api(Role.DESIGNATED).get(target).status_code == 404
    else:
        assert client_for(world.user(Role.DESIGNATED)).get(target).status_code == 404


def test_lists_show_only_what_the_role_may_see(world, records, foreign, client_for):
    provider_policies = world.api(Role.PROVIDER).get("/api/v1/policies/").json()["results"]
    assert [p["id"] for p in provider_policies] == [records["provider_policy"]]
    provider_reports = world.api(Role.PROVIDER).get("/api/v1/annual-reports/").json()["results"]
    assert {r["provider"] for r in provider_reports} == {world.provider.pk}
    risks = world.api(Role.DESIGNATED).get("/api/v1/risks/").json()["results"]
    assert [r["id"] for r in risks] == [records["risk"]]
    page = client_for(world.user(Role.PROVIDER)).get("/governance/policies/").content.decode()
    assert "Policy of Provider One" in page and "Provider Two" not in page and "Safeguarding policy" not in page


def test_board_members_see_approved_policies_only(world, records, designated):
    from governance import actions

    draft = actions.do_add_policy(
        acting_user=designated, title="Draft policy", owner="Designated nurse", document_version="0.1", status="draft"
    )
    board = world.api(Role.BOARD)
    assert board.get(f"/api/v1/policies/{draft.pk}/").status_code == 404
    assert world.api(Role.CONTRACTS).get(f"/api/v1/policies/{draft.pk}/").status_code == 200
    listed = {p["id"] for p in board.get("/api/v1/policies/").json()["results"]}
    assert draft.pk not in listed and records["policy"] in listed


# POST-only operations: (url, roles that may take them). An empty body is refused with a 400 for them
# (the operation was allowed, the input is not), and 403 or 404 for every other role.
OPERATIONS = [
    ("/api/v1/risks/{risk}/rescore/", EDITORS),
    ("/api/v1/risks/{risk}/escalate/", EDITORS),
    ("/api/v1/annual-reports/expect/", EDITORS),
    ("/api/v1/annual-reports/{report}/receive/", EDITORS),
    ("/api/v1/annual-reports/{report}/review/", EDITORS),
    ("/api/v1/committee-decisions/", DECISION_EDITORS),
    ("/api/v1/committee-meetings/", EDITORS),
    ("/api/v1/policies/", EDITORS),
    ("/api/v1/risks/", EDITORS),
    ("/api/v1/monitoring-checks/", EDITORS),
    ("/api/v1/monitoring-checks/{check}/record/", EDITORS),
    ("/governance/monitoring/{check}/record/", EDITORS),
    ("/governance/risks/{risk}/escalate/", EDITORS),
    ("/governance/meetings/{meeting}/decisions/add/", DECISION_EDITORS),
]


@pytest.mark.parametrize(("url", "allowed"), OPERATIONS)
def test_operation_matrix(world, records, client_for, url, allowed):
    target = url.format(**records)
    answers = {}
    for role in sorted(Role.values):
        if target.startswith("/api/"):
            answers[role] = world.api(role).post(target, {}, format="json").status_code
        else:
            answers[role] = client_for(world.user(role)).post(target, {}).status_code
    refused_input = 400 if target.startswith("/api/") else 200  # a page shows the form again, with errors
    assert {r: code for r, code in answers.items() if r in allowed} == dict.fromkeys(sorted(allowed), refused_input)
    assert {code for r, code in answers.items() if r not in allowed} <= {403, 404}
