"""Regulators and inspections [NEL 15.0; SAAF 6; DUDLEY 19.1-19.4; CPCCG 8.1]: the rules, the actions, every
page and endpoint against every role, another provider's and another ICB's records, the register page, the
export, the home page panel and the report sections."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from assurance import actions, reports, rules
from assurance.home import panels
from assurance.models import Inspection, RegulatoryNotice
from assurance.tests.factories import inspection_records
from core.choices import ALL_ROLES, ActionSource, Role
from core.models import TrackedAction
from core.testing import make_user

ALL = set(ALL_ROLES)  # NHS England roles: refused everywhere by the gate (core/tests/test_nhs_england_gate.py)
EDITORS = {Role.DESIGNATED, Role.ADMINISTRATOR}
TODAY = timezone.localdate


@pytest.fixture
def records(world):
    made = inspection_records(world)
    return {key: record.pk for key, record in made.items()}


@pytest.fixture
def foreign(world):
    made = inspection_records(
        world, provider=world.foreign_provider, designated=make_user(Role.DESIGNATED, world.other_icb)
    )
    return {key: record.pk for key, record in made.items()}


@pytest.fixture
def sibling(world):
    made = inspection_records(world, provider=world.other_provider)
    return {key: record.pk for key, record in made.items()}


# --- rules -----------------------------------------------------------------------------------------------


class TestRules:
    @given(st.dates(), st.integers(min_value=-30, max_value=30))
    def test_a_later_date_before_an_earlier_one_is_named(self, start, delta):
        try:
            end = start + dt.timedelta(days=delta)
        except OverflowError:
            return
        problems = rules.date_order_problems([("started_on", "start date", start), ("ended_on", "", end)])
        assert ("ended_on" in problems) == (delta < 0)

    def test_missing_dates_are_skipped(self):
        assert rules.date_order_problems([("a", "a", None), ("b", "", dt.date(2026, 1, 1))]) == {}

    def test_future_dates_are_refused(self):
        today = dt.date(2026, 12, 3)
        assert rules.not_in_future_problems([("a", today), ("b", today + dt.timedelta(days=1))], today) == {
            "b": "This date cannot be in the future."
        }

    @pytest.mark.parametrize(
        ("kind", "lifted", "count", "needs"),
        [
            ("requirement", None, 0, True),
            ("warning", None, 0, True),
            ("enforcement", None, 0, True),
            ("condition", None, 0, False),
            ("requirement", dt.date(2026, 1, 1), 0, False),
            ("requirement", None, 1, False),
        ],
    )
    def test_a_standing_notice_needs_an_action(self, kind, lifted, count, needs):
        assert rules.notice_needs_action(kind, lifted, count) is needs

    def test_a_designated_informed_date_only_for_an_investigation(self):
        assert rules.investigation_problems(False, dt.date(2026, 1, 1))
        assert rules.investigation_problems(True, dt.date(2026, 1, 1)) == {}
        assert rules.investigation_problems(True, None) == {}

    def test_rating_tags(self):
        assert rules.rating_tag("inadequate") == "red" and rules.rating_tag("") == ""


# --- actions ---------------------------------------------------------------------------------------------


class TestActions:
    def test_an_action_from_an_inspection_has_the_inspection_as_its_source(self, world):
        made = inspection_records(world)
        action = made["action"]
        assert action.source == made["inspection"] and action.source_kind == ActionSource.INSPECTION
        assert action.source_url == f"/assurance/inspections/{made['inspection'].pk}/"
        assert list(TrackedAction.objects.for_source(made["inspection"])) == [action]

    def test_the_provider_may_not_keep_the_register(self, world):
        with pytest.raises(PermissionDenied):
            actions.do_record_inspection(
                organisation=world.provider,
                body="cqc",
                kind="cqc_inspection",
                title="Mine",
                started_on=TODAY(),
                acting_user=world.user(Role.PROVIDER),
            )

    def test_missing_and_misordered_fields_are_named(self, world):
        with pytest.raises(ValidationError) as refused:
            actions.do_record_inspection(
                organisation=world.provider,
                body="cqc",
                kind="cqc_inspection",
                title=" ",
                started_on=TODAY(),
                ended_on=TODAY() - dt.timedelta(days=1),
                designated_informed_on=TODAY(),
                acting_user=world.user(Role.DESIGNATED),
            )
        assert set(refused.value.message_dict) == {"title", "ended_on", "designated_informed_on"}

    def test_another_icbs_organisation_is_refused(self, world):
        with pytest.raises(ValidationError) as refused:
            actions.do_record_notice(
                provider=world.foreign_provider,
                kind="requirement",
                issued_on=TODAY(),
                summary="x",
                acting_user=world.user(Role.DESIGNATED),
            )
        assert "provider" in refused.value.message_dict

    def test_one_live_registration_per_provider(self, world):
        inspection_records(world)
        with pytest.raises(ValidationError) as refused:
            actions.do_record_registration(
                provider=world.provider, registration_id="1-1", acting_user=world.user(Role.DESIGNATED)
            )
        assert "provider" in refused.value.message_dict

    def test_a_notice_links_only_to_an_inspection_of_its_provider(self, world):
        made = inspection_records(world)
        with pytest.raises(ValidationError) as refused:
            actions.do_record_notice(
                provider=world.other_provider,
                inspection=made["inspection"],
                kind="requirement",
                issued_on=TODAY(),
                summary="x",
                acting_user=world.user(Role.DESIGNATED),
            )
        assert "inspection" in refused.value.message_dict

    def test_an_archived_record_cannot_change(self, world):
        made = inspection_records(world)
        actions.do_archive_inspection_record(made["inspection"], acting_user=world.user(Role.DESIGNATED))
        with pytest.raises(ValidationError):
            actions.do_update_inspection(made["inspection"], title="New", acting_user=world.user(Role.DESIGNATED))

    def test_an_action_on_the_notice_or_its_inspection_closes_the_gap(self, world):
        made = inspection_records(world)
        notice = made["notice"]
        (row,) = reports.notice_rows(RegulatoryNotice.objects.filter(pk=notice.pk))
        assert row.needs_action
        actions.do_update_notice(notice, inspection=made["inspection"], acting_user=world.user(Role.DESIGNATED))
        (row,) = reports.notice_rows(RegulatoryNotice.objects.filter(pk=notice.pk))
        assert not row.needs_action and row.actions == 1


# --- permission matrix -----------------------------------------------------------------------------------

# (url, roles answered 200, roles answered 403; every other role: 404)
PAGES = [
    ("/assurance/inspections/", ALL, set()),
    ("/assurance/inspections/xlsx/", ALL, set()),
    ("/assurance/inspections/add/", EDITORS, ALL),
    ("/assurance/notices/add/", EDITORS, ALL),
    ("/assurance/registrations/add/", EDITORS, ALL),
    ("/assurance/inspections/{inspection}/", ALL, set()),
    ("/assurance/inspections/{inspection}/edit/", EDITORS, ALL),
    ("/assurance/inspections/{inspection}/actions/add/", EDITORS, ALL),
    ("/assurance/notices/{notice}/", ALL, set()),
    ("/assurance/notices/{notice}/edit/", EDITORS, ALL),
    ("/assurance/notices/{notice}/actions/add/", EDITORS, ALL),
    ("/assurance/registrations/{registration}/edit/", EDITORS, ALL),
]
ENDPOINTS = [
    "/api/v1/assurance/inspections/{inspection}/",
    "/api/v1/assurance/notices/{notice}/",
    "/api/v1/assurance/cqc-registrations/{registration}/",
]
LISTS = ["/api/v1/assurance/inspections/", "/api/v1/assurance/notices/", "/api/v1/assurance/cqc-registrations/"]
ON_A_RECORD = [url for url, *_ in PAGES if "{" in url] + ENDPOINTS


def expected(role, ok, forbidden):
    return 200 if role in ok else 403 if role in forbidden else 404


@pytest.mark.parametrize(("url", "ok", "forbidden"), PAGES)
def test_page_matrix(world, records, client_for, url, ok, forbidden):
    target = url.format(**records)
    answers = {role: client_for(world.user(role)).get(target).status_code for role in sorted(ALL)}
    assert answers == {role: expected(role, ok, forbidden) for role in sorted(ALL)}, target


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoint_matrix(world, records, url):
    target = url.format(**records)
    reads = {role: world.api(role).get(target).status_code for role in sorted(ALL)}
    assert reads == dict.fromkeys(sorted(ALL), 200), target
    patches = {role: world.api(role).patch(target, {}, format="json").status_code for role in sorted(ALL)}
    assert patches == {role: 200 if role in EDITORS else 403 for role in sorted(ALL)}, target


@pytest.mark.parametrize("url", LISTS)
def test_lists_show_only_what_the_role_may_see(world, records, sibling, foreign, url):
    for role, wanted in ((Role.DESIGNATED, {world.provider.pk, world.other_provider.pk}), (Role.PROVIDER, None)):
        rows = world.api(role).get(url).json()["results"]
        organisations = {row.get("organisation", row.get("provider")) for row in rows}
        assert organisations == (wanted or {world.provider.pk})


@pytest.mark.parametrize("url", ON_A_RECORD)
def test_another_providers_records_are_not_found(world, sibling, client_for, url):
    target = url.format(**sibling)
    client = world.api(Role.PROVIDER) if target.startswith("/api/") else client_for(world.user(Role.PROVIDER))
    assert client.get(target).status_code == 404


@pytest.mark.parametrize("url", ON_A_RECORD)
def test_another_icbs_records_are_not_found(world, foreign, client_for, url):
    target = url.format(**foreign)
    client = world.api(Role.DESIGNATED) if target.startswith("/api/") else client_for(world.user(Role.DESIGNATED))
    assert client.get(target).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/assurance/inspections/{inspection}/archive/",
        "/assurance/notices/{notice}/archive/",
        "/assurance/registrations/{registration}/archive/",
    ],
)
def test_archive_is_for_editors_only(world, records, client_for, url):
    target = url.format(**records)
    answers = {role: client_for(world.user(role)).post(target).status_code for role in sorted(ALL - EDITORS)}
    assert set(answers.values()) <= {403, 404}
    assert client_for(world.user(Role.ADMINISTRATOR)).post(target).status_code == 302


OPERATIONS = [
    "/api/v1/assurance/inspections/",
    "/api/v1/assurance/notices/",
    "/api/v1/assurance/cqc-registrations/",
    "/api/v1/assurance/inspections/{inspection}/actions/",
    "/api/v1/assurance/notices/{notice}/actions/",
]


@pytest.mark.parametrize("url", OPERATIONS)
def test_operation_matrix(world, records, url):
    target = url.format(**records)
    answers = {role: world.api(role).post(target, {}, format="json").status_code for role in sorted(ALL)}
    assert {r: c for r, c in answers.items() if r in EDITORS} == dict.fromkeys(sorted(EDITORS), 400)
    assert {c for r, c in answers.items() if r not in EDITORS} <= {403, 404}


# --- API -------------------------------------------------------------------------------------------------


class TestApi:
    def test_record_an_inspection_and_raise_an_action(self, world):
        api = world.api(Role.DESIGNATED)
        created = api.post(
            "/api/v1/assurance/inspections/",
            {
                "organisation": world.provider.pk,
                "body": "ofsted",
                "kind": "ilacs",
                "title": "ILACS standard inspection",
                "started_on": str(TODAY()),
                "findings": "Good partnership working.",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        raised = api.post(
            f"/api/v1/assurance/inspections/{pk}/actions/",
            {
                "organisation": world.other_provider.pk,
                "title": "Attend strategy meetings",
                "owner": "Named nurse",
                "due_date": str(TODAY() + dt.timedelta(days=10)),
                "success_measure": "Attendance at 95%",
            },
            format="json",
        )
        assert raised.status_code == 201, raised.content
        action = TrackedAction.objects.get(pk=raised.json()["id"])
        assert action.source == Inspection.objects.get(pk=pk) and action.organisation == world.other_provider

    def test_a_missing_smart_field_is_named(self, world, records):
        response = world.api(Role.DESIGNATED).post(
            f"/api/v1/assurance/notices/{records['notice']}/actions/",
            {"organisation": world.provider.pk, "title": "x"},
            format="json",
        )
        assert response.status_code == 400 and {"owner", "due_date", "success_measure"} <= set(response.json())

    def test_the_provider_cannot_change_on_update(self, world, records):
        response = world.api(Role.DESIGNATED).patch(
            f"/api/v1/assurance/cqc-registrations/{records['registration']}/",
            {"provider": world.other_provider.pk},
            format="json",
        )
        assert response.status_code == 400 and "provider" in response.json()


# --- pages, export, home, reports ------------------------------------------------------------------------


class TestPages:
    def test_the_register_shows_the_notice_without_an_action(self, world, records, client_for):
        page = client_for(world.user(Role.DESIGNATED)).get("/assurance/inspections/").content.decode()
        assert "Unannounced inspection" in page and "No action" in page and "Requirement notice" in page

    def test_the_home_panel_lists_notices_without_an_action(self, world, records):
        (panel,) = [p for p in panels(world.user(Role.DESIGNATED)) if "notices" in p.title]
        assert panel.count == 1 and panel.items[0][1] == f"/assurance/notices/{records['notice']}/"
        assert not [p for p in panels(world.user(Role.PROVIDER)) if "notices" in p.title]

    def test_raising_an_action_from_the_page(self, world, records, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        response = client.post(
            f"/assurance/notices/{records['notice']}/actions/add/",
            {
                "organisation": world.provider.pk,
                "title": "Follow up referrals",
                "owner": "Named nurse",
                "due_date": str(TODAY() + dt.timedelta(days=20)),
                "success_measure": "Audit at 95%",
            },
        )
        assert response.status_code == 302
        notice = RegulatoryNotice.objects.get(pk=records["notice"])
        assert TrackedAction.objects.for_source(notice).count() == 1
        (panel,) = [p for p in panels(world.user(Role.DESIGNATED)) if "notices" in p.title]
        assert panel.count == 0

    def test_the_export_has_three_sheets(self, world, records, client_for):
        response = client_for(world.user(Role.DESIGNATED)).get("/assurance/inspections/xlsx/")
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["Inspections", "Conditions and notices", "CQC registrations"]
        assert book["Conditions and notices"]["H2"].value == "Yes"

    def test_report_sections(self, world, records):
        sections = dict(reports.inspection_sections(world.user(Role.BOARD)))
        assert dict(sections["Conditions and notices in force"])["Without an action in the tracker"] == "1"
        assert dict(sections["CQC registration and ratings"]) == {"Requires improvement": "1"}

    def test_the_tracker_raises_an_inspection_action_from_its_record_only(self, world, client_for):
        from core import actions as tracker

        with pytest.raises(ValidationError) as refused:
            tracker.do_create_standalone_action(
                organisation=world.provider,
                arising_from="inspection",
                occasion="Visit",
                title="t",
                owner="o",
                due_date=TODAY(),
                success_measure="m",
                acting_user=world.user(Role.DESIGNATED),
            )
        assert "arising_from" in refused.value.message_dict
        page = client_for(world.user(Role.DESIGNATED)).get("/actions/add/").content.decode()
        assert "/assurance/inspections/" in page


def test_the_e2e_flow_through_the_pages(world, client_for):
    """The steps of test_e2e_inspections through the test client (the labels the browser test relies on)."""
    client = client_for(world.user(Role.DESIGNATED))
    form_page = client.get("/assurance/inspections/add/").content.decode()
    for label in ("Organisation", "Inspected by", "Kind", "Title", "Started on", "Overall rating or judgement"):
        assert f">{label}" in form_page, label
    today = TODAY()
    created = client.post(
        "/assurance/inspections/add/",
        {
            "organisation": world.provider.pk,
            "body": "cqc",
            "kind": "cqc_inspection",
            "title": "Unannounced inspection",
            "started_on": str(today - dt.timedelta(days=3)),
            "rating": "good",
            "findings": "Strong safeguarding culture.",
        },
    )
    assert created.status_code == 302, created.context["form"].errors
    inspection = Inspection.objects.get()
    for n in range(2):
        raised = client.post(
            f"/assurance/inspections/{inspection.pk}/actions/add/",
            {
                "organisation": world.provider.pk,
                "title": f"Action {n}",
                "owner": "Named nurse",
                "due_date": str(today + dt.timedelta(days=30)),
                "success_measure": "Done",
            },
        )
        assert raised.status_code == 302
    tracker = client.get("/actions/", {"source_kind": "inspection"})
    assert [a.title for a in tracker.context["actions"]] == ["Action 0", "Action 1"]
    detail = client.get(f"/assurance/inspections/{inspection.pk}/").content.decode()
    assert "Strong safeguarding culture." in detail and "Action 1" in detail


def test_demo_shows_a_requirement_notice_without_an_action(db):
    from assurance import demo
    from organisations import demo as organisations_demo

    organisations_demo.load()
    demo.load()
    demo.load()
    rows = reports.notice_rows(RegulatoryNotice.objects.all())
    assert len(rows) == 2 and [r.notice.provider.ods_code for r in rows if r.needs_action] == ["ZA9"]
    assert Inspection.objects.count() == 4
    assert TrackedAction.objects.filter(source_kind=ActionSource.INSPECTION).count() == 2
