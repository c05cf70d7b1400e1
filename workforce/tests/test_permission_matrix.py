"""Every workforce page and endpoint × every role; another ICB's records by id (404)."""

import datetime as dt

import pytest

from core.choices import ALL_ROLES, ICB_ROLES, Role
from core.testing import make_user
from returns.models import Return
from workforce import actions
from workforce.models import AGGREGATE_READERS, CAPACITY_EDITORS, STAFF_MANAGERS, STAFF_READERS

ALL = set(ALL_ROLES)  # every ICB and provider role; NHS England's roles are refused everywhere (403)
D = {Role.DESIGNATED}

PAGES = [
    ("/workforce/", AGGREGATE_READERS),
    ("/workforce/xlsx/", AGGREGATE_READERS),
    ("/workforce/action/?topic=children&level=2&group=Board", STAFF_MANAGERS),
    ("/workforce/settings/", STAFF_MANAGERS),
    ("/workforce/tna/", STAFF_MANAGERS),
    ("/workforce/extract/", STAFF_MANAGERS),
    ("/workforce/extract/columns/", STAFF_MANAGERS),
    ("/workforce/extract/competences/", STAFF_MANAGERS),
    ("/workforce/staff/", STAFF_READERS),
    ("/workforce/staff/xlsx/", STAFF_READERS),
    ("/workforce/staff/add/", STAFF_MANAGERS),
    ("/workforce/staff/{staff}/", STAFF_READERS),
    ("/workforce/dbs/", STAFF_READERS),
    ("/workforce/dbs/xlsx/", STAFF_READERS),
    ("/workforce/dbs/add/", STAFF_MANAGERS),
    ("/workforce/dbs/{dbs}/edit/", STAFF_MANAGERS),
    ("/workforce/supervision/", STAFF_READERS),
    ("/workforce/supervision/xlsx/", STAFF_READERS),
    ("/workforce/supervision/agreements/add/", STAFF_MANAGERS),
    ("/workforce/supervision/sessions/add/", D),
    ("/workforce/supervision/sessions/{session}/action/", D),
    ("/workforce/capacity/", AGGREGATE_READERS),
    ("/workforce/capacity/xlsx/", AGGREGATE_READERS),
    ("/workforce/capacity/add/", CAPACITY_EDITORS),
    ("/workforce/capacity/population/", CAPACITY_EDITORS),
    ("/workforce/providers/", ALL - {Role.AUDITOR}),
    ("/workforce/supervision/mine/", ICB_ROLES - {Role.AUDITOR}),
]

# (url, roles that may read, roles that may PATCH)
ENDPOINTS = [
    ("/api/v1/workforce-staff/{staff}/", STAFF_READERS, STAFF_MANAGERS),
    ("/api/v1/workforce-dbs/{dbs}/", STAFF_READERS, STAFF_MANAGERS),
    ("/api/v1/workforce-agreements/{agreement}/", STAFF_READERS, STAFF_MANAGERS),
    ("/api/v1/workforce-capacity/{capacity}/", AGGREGATE_READERS, CAPACITY_EDITORS),
    ("/api/v1/workforce-settings/{policy}/", AGGREGATE_READERS, STAFF_MANAGERS),
    ("/api/v1/workforce-columns/{columns}/", STAFF_READERS, STAFF_MANAGERS),
]

READ_ONLY = [
    ("/api/v1/workforce-staff/", STAFF_READERS),
    ("/api/v1/workforce-training/", STAFF_READERS),
    ("/api/v1/workforce-dbs/", STAFF_READERS),
    ("/api/v1/workforce-sessions/", ICB_ROLES - {Role.AUDITOR}),  # a party of any role lists their own
    ("/api/v1/workforce-agreements/", STAFF_READERS),
    ("/api/v1/workforce-capacity/", AGGREGATE_READERS),
    ("/api/v1/workforce-population/", AGGREGATE_READERS),
    ("/api/v1/workforce-tna/", AGGREGATE_READERS),
    ("/api/v1/workforce-competences/", STAFF_READERS),
    ("/api/v1/workforce-settings/", AGGREGATE_READERS),
    ("/api/v1/workforce-columns/", STAFF_READERS),
    ("/api/v1/workforce-extracts/", STAFF_READERS),
    ("/api/v1/workforce-compliance/", AGGREGATE_READERS),
    ("/api/v1/workforce-provider-training/", set(Return.access.view)),
]


@pytest.fixture
def ids(world, icb, staff, today):
    hr, designated = world.user(Role.HR), world.user(Role.DESIGNATED)
    supervisee, supervisor = staff("S1"), staff("S2")
    dbs = actions.do_record_dbs_check(
        staff=supervisee, level="enhanced_barred", checked_on=today, certificate_number="001234567890", acting_user=hr
    )
    agreement = actions.do_record_agreement(
        supervisee=supervisee,
        supervisor=supervisor,
        agreed_on=today,
        supervisee_signed_on=today,
        supervisor_signed_on=today,
        acting_user=hr,
    )
    session = actions.do_record_session(
        supervisee=supervisee,
        supervisor=supervisor,
        post="Designated nurse",
        base="ICB office",
        held_on=today,
        venue="Room 1",
        duration_minutes=60,
        topics="Case discussion",
        outcomes="Plan agreed",
        acting_user=designated,
    )
    capacity = actions.do_record_capacity(
        icb=icb, role="named_doctor_lac", amount=2, unit="pa_week", acting_user=designated
    )
    return {
        "policy": actions.WorkforcePolicy.objects.get(icb=icb).pk,
        "columns": actions.ColumnMapping.objects.get(icb=icb).pk,
        "staff": supervisee.pk,
        "dbs": dbs.pk,
        "agreement": agreement.pk,
        "session": session.pk,
        "capacity": capacity.pk,
    }


@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_matrix(world, ids, client_for, url, allowed):
    answers = {role: client_for(world.user(role)).get(url.format(**ids)).status_code for role in sorted(Role.values)}
    assert answers == {role: 200 if role in allowed else 403 for role in sorted(Role.values)}, url


@pytest.mark.parametrize(("url", "readers", "writers"), ENDPOINTS)
def test_endpoint_matrix(world, ids, url, readers, writers):
    target = url.format(**ids)
    reads = {role: world.api(role).get(target).status_code for role in sorted(Role.values)}
    assert reads == {role: 200 if role in readers else 403 for role in sorted(Role.values)}, target
    patches = {role: world.api(role).patch(target, {}, format="json").status_code for role in sorted(Role.values)}
    assert patches == {role: 200 if role in writers else 403 for role in sorted(Role.values)}, target


@pytest.mark.parametrize(("url", "readers"), READ_ONLY)
def test_read_only_endpoint_matrix(world, ids, url, readers):
    answers = {role: world.api(role).get(url.format(**ids)).status_code for role in sorted(Role.values)}
    assert answers == {role: 200 if role in readers else 403 for role in sorted(Role.values)}, url


@pytest.mark.parametrize(
    "url",
    [
        "/workforce/staff/{staff}/",
        "/workforce/dbs/{dbs}/edit/",
        "/workforce/supervision/sessions/{session}/",
        "/api/v1/workforce-staff/{staff}/",
        "/api/v1/workforce-dbs/{dbs}/",
        "/api/v1/workforce-sessions/{session}/",
        "/api/v1/workforce-capacity/{capacity}/",
    ],
)
def test_another_icbs_staff_cannot_see_the_records(world, ids, client, url):
    outsider = make_user(Role.DESIGNATED, world.other_icb)
    target = url.format(**ids)
    if target.startswith("/api/"):
        assert world.api(outsider).get(target).status_code == 404
    else:
        client.force_login(outsider)
        assert client.get(target).status_code == 404


def test_another_icbs_compliance_is_its_own(world, ids, upload):
    from workforce.tests.conftest import extract_row

    upload([extract_row()])
    outsider = make_user(Role.DESIGNATED, world.other_icb)
    assert world.api(outsider).get("/api/v1/workforce-compliance/").json()["cells"] == []
    assert world.api(Role.DESIGNATED).get("/api/v1/workforce-compliance/").json()["cells"]


def test_an_api_create_lands_in_the_users_icb(world, icb):
    response = world.api(Role.HR).post(
        "/api/v1/workforce-staff/",
        {"staff_key": "API1", "role": "Clerk", "staff_group": "Board", "start_date": "2024-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (
        world.api(Role.HR)
        .post("/api/v1/workforce-staff/", {"staff_key": "API2", "surname": "x"}, format="json")
        .status_code
        == 400
    )
    from workforce.models import StaffMember

    assert StaffMember.objects.get(staff_key="API1").icb == icb
    assert dt.date(2024, 1, 1) == StaffMember.objects.get(staff_key="API1").start_date


# ------------------------------------------------------------------ supervision sessions: role × side of the session

PARTY_ROLES = ICB_ROLES - {Role.AUDITOR}


def expected_session_answers(role, side):
    """(API read, content shown, API write, page, edit page) for a user of `role` on one side of a session (or none).
    The content is read and written by the supervisee, the supervisor (any ICB role) and designated professionals;
    HR and administrators see the date and parties only; everyone else does not see the session at all."""
    party = side is not None and role in PARTY_ROLES
    if party or role == Role.DESIGNATED:
        return 200, True, 200, 200, 200
    if role in STAFF_READERS:
        return 200, False, 403, 200, 403
    if role in PARTY_ROLES:
        return 404, False, 404, 404, 404
    return 403, False, 403, 404, 404


@pytest.mark.parametrize("side", [None, "supervisee", "supervisor"])
@pytest.mark.parametrize("role", sorted(ALL))
def test_session_matrix(world, icb, staff, today, client_for, role, side):
    from auditlog.models import LogEntry

    user = world.user(role)
    session = actions.do_record_session(
        supervisee=staff("S1", user=user if side == "supervisee" else None),
        supervisor=staff("S2", user=user if side == "supervisor" else None),
        post="Named nurse",
        base="ICB office",
        held_on=today,
        venue="Room 1",
        duration_minutes=60,
        topics="Case discussion (synthetic)",
        outcomes="Plan agreed",
        acting_user=world.user(Role.DESIGNATED),
    )
    read, content, write, page, edit = expected_session_answers(role, side)
    target = f"/api/v1/workforce-sessions/{session.pk}/"
    response = world.api(user).get(target)
    assert response.status_code == read
    if read == 200:
        assert ("topics" in response.json()) == content
    views = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user, object_pk=str(session.pk))
    assert views.count() == (1 if read == 200 else 0)  # every read is logged, content or not
    patch = world.api(user).patch(target, {"outcomes": f"Changed by {role}"}, format="json")
    assert patch.status_code == write
    session.refresh_from_db()
    assert (session.outcomes == f"Changed by {role}") == (write == 200)
    client = client_for(user)
    assert client.get(f"/workforce/supervision/sessions/{session.pk}/").status_code == page
    if page == 200:
        assert views.count() == (2 if read == 200 else 1)
    assert client.get(f"/workforce/supervision/sessions/{session.pk}/edit/").status_code == edit


@pytest.mark.parametrize("side", ["supervisee", "supervisor"])
def test_a_party_of_any_role_records_a_session_and_confirms_only_their_own_side(world, icb, staff, today, side):
    executive = world.user(Role.EXECUTIVE)
    me = staff("ME1", user=executive)
    other = staff("OTHER1")
    parties = (
        {"supervisee": me.pk, "supervisor": other.pk}
        if side == "supervisee"
        else {
            "supervisee": other.pk,
            "supervisor": me.pk,
        }
    )
    body = {
        **parties,
        "post": "Lead",
        "base": "ICB",
        "held_on": today.isoformat(),
        "venue": "Room 2",
        "duration_minutes": 45,
        "topics": "Reflection",
        "outcomes": "None",
        f"{side}_confirmed": True,
    }
    api = world.api(executive)
    created = api.post("/api/v1/workforce-sessions/", body, format="json")
    assert created.status_code == 201, created.json()
    other_side = "supervisor" if side == "supervisee" else "supervisee"
    target = f"/api/v1/workforce-sessions/{created.json()['id']}/"
    assert api.patch(target, {f"{other_side}_confirmed": True}, format="json").status_code == 403
    assert world.api(Role.DESIGNATED).patch(target, {f"{other_side}_confirmed": True}, format="json").status_code == 200
    stranger = {**body, "supervisee": other.pk, "supervisor": staff("OTHER2").pk, f"{side}_confirmed": False}
    assert api.post("/api/v1/workforce-sessions/", stranger, format="json").status_code == 403
    assert world.api(Role.HR).post("/api/v1/workforce-sessions/", stranger, format="json").status_code == 403
