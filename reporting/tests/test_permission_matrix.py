"""Every page and endpoint of the reporting module × every role (one test per URL looping over the roles).

The safeguarding team and the executive lead read drafts; the Board and the auditor read approved reports only (a
draft is a 404 to them); providers, contracts and HR read nothing (404 on a report, 403 on the list); NHS England's
regional lead reads, writes, builds and submits the regional annual report of its own region (another region's is a
404), the national team reads every region's once submitted and approves or returns it, and neither reads any ICB's
report (404; the pages they cannot use at all are refused by the gate, 403)."""

import pytest
from django.utils import timezone

from core.choices import Role
from reporting import actions, rules
from reporting.models import DRAFT_READERS, READERS, Report
from reporting.tests.conftest import approved, built, new_report, report_type

ROLES = sorted(Role.values)
TEAM, EXEC = set(rules.TEAM), {Role.EXECUTIVE}
NHSE = {Role.REGIONAL, Role.NATIONAL}


def regional_report(region):
    report = Report.objects.create(
        organisation=region,
        report_type=report_type("regional-annual"),
        period_start=timezone.datetime(2025, 4, 1).date(),
        period_end=timezone.datetime(2026, 3, 31).date(),
    )
    actions.build(report)
    report.refresh_from_db()
    report.status, report.approved_at = rules.APPROVED, timezone.now()
    report.save()
    actions._freeze(report)
    return report


def regional_draft(world, region, submitted=False):
    regional = world.user(Role.REGIONAL) if region == world.region else None
    report = Report.objects.create(
        organisation=region,
        report_type=report_type("regional-annual"),
        period_start=timezone.datetime(2024, 4, 1).date(),
        period_end=timezone.datetime(2025, 3, 31).date(),
    )
    if submitted:
        actions.build(report)
        report.refresh_from_db()
        actions.do_submit(report, acting_user=regional)
    return report


@pytest.fixture
def records(world):
    designated = world.user(Role.DESIGNATED)
    draft = built(new_report(world, code="quarterly-assurance", financial_year=2026, quarter=1), designated)
    frozen = approved(world)
    return {
        "draft": draft.pk,
        "approved": frozen.pk,
        "regional": regional_report(world.region).pk,
        "other_regional": regional_report(world.other_region).pk,
        "regional_draft": regional_draft(world, world.region).pk,
        "regional_submitted": regional_draft(world, world.region, submitted=True).pk,
    }


def answers(world, client_for, target, method="get"):
    result = {}
    for role in ROLES:
        client = world.api(role) if target.startswith("/api/") else client_for(world.user(role))
        result[role] = getattr(client, method)(target).status_code
    return result


def expect(ok, forbidden=frozenset(), otherwise=404, gate=403):
    """200 for `ok`, 403 for `forbidden`, `otherwise` for the rest; NHS England's roles `gate` unless in `ok`."""
    table = {}
    for role in ROLES:
        if role in ok:
            table[role] = 200
        elif role in forbidden:
            table[role] = 403
        elif role in NHSE:
            table[role] = gate
        else:
            table[role] = otherwise
    return table


PAGES = [
    ("/reporting/", expect(READERS | NHSE, otherwise=403)),
    ("/reporting/new/", expect(TEAM | {Role.REGIONAL}, otherwise=403)),
    ("/reporting/nhs-england/2025-26-Q4.xlsx", expect(TEAM | EXEC, otherwise=403)),
    ("/reporting/{draft}/", expect(DRAFT_READERS, gate=404)),
    ("/reporting/{approved}/", expect(READERS, gate=404)),
    ("/reporting/{regional}/", expect({Role.REGIONAL, Role.NATIONAL})),
    ("/reporting/{other_regional}/", expect({Role.NATIONAL}, gate=404)),
    (
        "/reporting/{draft}/narrative/executive-summary/",
        expect({Role.DESIGNATED}, {Role.ADMINISTRATOR, Role.EXECUTIVE}, gate=404),
    ),
    ("/reporting/{draft}/build/", expect(TEAM, EXEC, gate=404)),
    ("/reporting/{draft}/submit/", expect(TEAM, EXEC, gate=404)),
    ("/reporting/{draft}/approve/", expect(EXEC, TEAM, gate=404)),
    ("/reporting/{draft}/return/", expect(EXEC, TEAM, gate=404)),
    ("/reporting/{approved}/present/", expect(TEAM | EXEC, {Role.BOARD, Role.AUDITOR}, gate=404)),
    ("/reporting/{approved}/publish/", expect(TEAM | EXEC, {Role.BOARD, Role.AUDITOR}, gate=404)),
    ("/reporting/{approved}/new-version/", expect(TEAM, EXEC | {Role.BOARD, Role.AUDITOR}, gate=404)),
    # a region's annual report: the regional lead drafts and submits, the national team decides [SAAF App. 1]
    ("/reporting/{regional_draft}/", expect({Role.REGIONAL}, gate=404)),
    ("/reporting/{regional_draft}/narrative/executive-summary/", expect({Role.REGIONAL}, gate=404)),
    ("/reporting/{regional_draft}/build/", expect({Role.REGIONAL}, gate=404)),
    ("/reporting/{regional_draft}/submit/", expect({Role.REGIONAL}, gate=404)),
    ("/reporting/{regional_submitted}/", expect(NHSE)),
    ("/reporting/{regional_submitted}/approve/", expect({Role.NATIONAL}, {Role.REGIONAL})),
    ("/reporting/{regional_submitted}/return/", expect({Role.NATIONAL}, {Role.REGIONAL})),
    ("/reporting/{regional_submitted}/report.pdf", expect(NHSE)),
    ("/reporting/{regional}/present/", expect({Role.NATIONAL}, {Role.REGIONAL})),
    ("/reporting/{regional}/publish/", expect({Role.NATIONAL}, {Role.REGIONAL})),
    ("/reporting/{regional}/new-version/", expect({Role.REGIONAL}, {Role.NATIONAL})),
    ("/reporting/{other_regional}/new-version/", expect(set(), {Role.NATIONAL}, gate=404)),
    ("/reporting/{draft}/report.pdf", expect(DRAFT_READERS, gate=404)),
    ("/reporting/{draft}/appendix.xlsx", expect(DRAFT_READERS, gate=404)),
    ("/reporting/{approved}/report.pdf", expect(READERS, gate=404)),
    ("/reporting/{approved}/report.html", expect(READERS, gate=404)),
    ("/reporting/{approved}/snapshot.json", expect(READERS, gate=404)),
    ("/reporting/{regional}/report.pdf", expect({Role.REGIONAL, Role.NATIONAL})),
    # the API: a role the model does not name is refused (403); a record out of reach is a 404. NHS England's roles
    # reach the regions' annual reports with the pages' scope, and an ICB's report is a 404 to them.
    ("/api/v1/report-types/", expect(set(Role.values))),
    ("/api/v1/reports/", expect(READERS | NHSE, otherwise=403)),
    ("/api/v1/reports/{draft}/", expect(DRAFT_READERS, otherwise=403, gate=404) | {Role.BOARD: 404, Role.AUDITOR: 404}),
    ("/api/v1/reports/{approved}/", expect(READERS, otherwise=403, gate=404)),
    ("/api/v1/reports/{approved}/pdf/", expect(READERS, otherwise=403, gate=404)),
    ("/api/v1/reports/{approved}/snapshot/", expect(READERS, otherwise=403, gate=404)),
    (
        "/api/v1/reports/{draft}/xlsx/",
        expect(DRAFT_READERS, otherwise=403, gate=404) | {Role.BOARD: 404, Role.AUDITOR: 404},
    ),
    ("/api/v1/reports/{regional}/", expect(NHSE, otherwise=403) | dict.fromkeys(READERS, 404)),
    ("/api/v1/reports/{regional}/pdf/", expect(NHSE, otherwise=403) | dict.fromkeys(READERS, 404)),
    ("/api/v1/reports/{regional}/snapshot/", expect(NHSE, otherwise=403) | dict.fromkeys(READERS, 404)),
    (
        "/api/v1/reports/{other_regional}/",
        expect({Role.NATIONAL}, otherwise=403, gate=404) | dict.fromkeys(READERS, 404),
    ),
    (
        "/api/v1/reports/{regional_draft}/",
        expect({Role.REGIONAL}, otherwise=403, gate=404) | dict.fromkeys(READERS, 404),
    ),
    ("/api/v1/reports/{regional_draft}/xlsx/", expect(set(), otherwise=403, gate=404) | dict.fromkeys(READERS, 404)),
    ("/api/v1/reports/{regional_submitted}/", expect(NHSE, otherwise=403) | dict.fromkeys(READERS, 404)),
    ("/api/v1/reports/{regional_submitted}/xlsx/", expect(NHSE, otherwise=403) | dict.fromkeys(READERS, 404)),
]


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[url for url, _ in PAGES])
def test_page_and_endpoint_matrix(world, records, client_for, url, expected):
    target = url.format(**records)
    assert answers(world, client_for, target) == expected, target


# POST operations: (url, roles that may take them; a 400 for them on an empty or refused body is fine)
OPERATIONS = [
    ("/api/v1/reports/{draft}/build/", TEAM),
    ("/api/v1/reports/{draft}/submit/", TEAM),
    ("/api/v1/reports/{draft}/approve/", EXEC),
    ("/api/v1/reports/{approved}/publish/", TEAM | EXEC),
    ("/api/v1/reports/{approved}/new-version/", TEAM),
    ("/api/v1/reports/{regional_draft}/build/", {Role.REGIONAL}),
    ("/api/v1/reports/{regional_draft}/submit/", {Role.REGIONAL}),
    ("/api/v1/reports/{regional_submitted}/approve/", {Role.NATIONAL}),
    ("/api/v1/reports/{regional_submitted}/return/", {Role.NATIONAL}),
    ("/api/v1/reports/{regional}/present/", {Role.NATIONAL}),
    ("/api/v1/reports/{regional}/new-version/", {Role.REGIONAL}),
]


@pytest.mark.parametrize(("url", "allowed"), OPERATIONS, ids=[url for url, _ in OPERATIONS])
def test_operation_matrix(world, records, url, allowed):
    target = url.format(**records)
    refused = {
        role: world.api(role).post(target, {}, format="json").status_code for role in ROLES if role not in allowed
    }
    assert set(refused.values()) <= {403, 404}, refused


# NHS England's roles on the API, exactly: (url, {role: status}) for a POST with an empty body.
NHSE_OPERATIONS = [
    ("/api/v1/reports/{draft}/submit/", {Role.REGIONAL: 404, Role.NATIONAL: 404}),
    ("/api/v1/reports/{approved}/new-version/", {Role.REGIONAL: 404, Role.NATIONAL: 404}),
    ("/api/v1/reports/{regional_draft}/submit/", {Role.REGIONAL: 200, Role.NATIONAL: 404}),
    ("/api/v1/reports/{regional_submitted}/approve/", {Role.REGIONAL: 403, Role.NATIONAL: 200}),
    ("/api/v1/reports/{regional}/new-version/", {Role.REGIONAL: 200, Role.NATIONAL: 403}),
    ("/api/v1/reports/{other_regional}/new-version/", {Role.REGIONAL: 404, Role.NATIONAL: 403}),
]


@pytest.mark.parametrize(("url", "expected"), NHSE_OPERATIONS, ids=[url for url, _ in NHSE_OPERATIONS])
@pytest.mark.parametrize("role", sorted(NHSE))
def test_nhs_england_operation_matrix(world, records, url, expected, role):
    target = url.format(**records)
    if "regional_draft" in url:
        built(Report.objects.get(pk=records["regional_draft"]), world.user(Role.REGIONAL))
    response = world.api(role).post(target, {}, format="json")
    assert response.status_code == expected[role], response.content


def test_the_list_shows_the_board_approved_reports_only(world, records, client_for):
    page = client_for(world.user(Role.BOARD)).get("/reporting/")
    assert [r.pk for r in page.context["reports"]] == [records["approved"]]
    listed = [r["id"] for r in world.api(Role.BOARD).get("/api/v1/reports/").json()["results"]]
    assert listed == [records["approved"]]
    regional = client_for(world.user(Role.REGIONAL)).get("/reporting/")
    own = {records[key] for key in ("regional", "regional_draft", "regional_submitted")}
    assert {r.pk for r in regional.context["reports"]} == own
    national = client_for(world.user(Role.NATIONAL)).get("/reporting/")
    expected = {records[key] for key in ("regional", "other_regional", "regional_submitted")}
    assert {r.pk for r in national.context["reports"]} == expected  # never a region's working draft
    by_api = {role: {r["id"] for r in world.api(role).get("/api/v1/reports/").json()["results"]} for role in NHSE}
    assert by_api == {Role.REGIONAL: own, Role.NATIONAL: expected}  # the API's scope is the pages'


def test_another_icbs_reports_are_not_found(world, records, client_for):
    from core.testing import make_user

    outsider = make_user(Role.DESIGNATED, world.other_icb)
    assert client_for(outsider).get(f"/reporting/{records['draft']}/").status_code == 404
    assert world.api(outsider).get(f"/api/v1/reports/{records['approved']}/pdf/").status_code == 404
