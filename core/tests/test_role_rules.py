"""Role rules of the action tracker: an action raised from a restricted register is read only by
those who may read that register (tracker pages, API, home page, audit page, reminders), and an
action's provenance is set by the server from a real source record, never by a client."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework import actions as casework_actions
from casework.models import SeriousIncident
from casework.tests import factories
from core import actions, reminders
from core.choices import ALL_ROLES, ICB_ROLES, REGIONAL_ROLES, ActionSource, Role
from core.home import acts_on
from core.models import TrackedAction
from core.testing import make_user

ALL = sorted(ALL_ROLES)  # NHS England's roles: TestNhsEnglandSeesNoTrackedAction
INCIDENT_READERS = SeriousIncident.access.view
DUE = timezone.localdate() + dt.timedelta(days=20)
INCIDENT_TITLE = "Retrain ward staff on chaperoning"
VISIT_TITLE = "Publish the visiting policy"


@pytest.fixture
def tracked(world):
    """An action raised from a serious incident and one from an inspection, both for the same provider."""
    incident = factories.incident(world)
    from_incident = casework_actions.do_add_incident_action(
        incident,
        title=INCIDENT_TITLE,
        owner="Ward sister Invented",
        due_date=DUE,
        success_measure="Every ward audited for chaperone use",
        acting_user=world.user(Role.DESIGNATED),
    )
    actions.do_record_progress(from_incident, note="Sessions booked", acting_user=world.user(Role.PROVIDER))
    from_visit = actions.do_create_standalone_action(
        organisation=world.provider,
        arising_from=ActionSource.OTHER,
        occasion="Assurance visit, 12 Nov",
        title=VISIT_TITLE,
        owner="Head of nursing",
        due_date=DUE,
        success_measure="Policy on the website",
        acting_user=world.user(Role.DESIGNATED),
    )
    return from_incident, from_visit


def make_overdue(*records):
    TrackedAction.objects.filter(pk__in=[r.pk for r in records]).update(due_date=timezone.localdate() - dt.timedelta(1))


class TestActionsFollowTheirSourceRegister:
    @pytest.mark.parametrize("role", ALL)
    def test_scoping(self, world, tracked, role):
        from_incident, from_visit = tracked
        visible = set(TrackedAction.objects.restrict(world.user(role)))
        assert from_visit in visible
        assert (from_incident in visible) is (role in INCIDENT_READERS)

    @pytest.mark.parametrize("role", ALL)
    def test_tracker_pages(self, world, tracked, client_for, role):
        from_incident, _ = tracked
        client = client_for(world.user(role))
        listed = client.get("/actions/").content.decode()
        assert VISIT_TITLE in listed
        assert (INCIDENT_TITLE in listed) is (role in INCIDENT_READERS)
        detail = client.get(f"/actions/{from_incident.pk}/")
        assert detail.status_code == (200 if role in INCIDENT_READERS else 404)

    @pytest.mark.parametrize("role", sorted(ICB_ROLES))
    def test_overdue_page(self, world, tracked, client_for, role):
        make_overdue(*tracked)
        page = client_for(world.user(role)).get("/actions/overdue/").content.decode()
        assert VISIT_TITLE in page
        assert (INCIDENT_TITLE in page) is (role in INCIDENT_READERS)

    @pytest.mark.parametrize("role", ALL)
    def test_api_list_and_detail(self, world, tracked, role):
        from_incident, from_visit = tracked
        api = world.api(role)
        listed = {item["id"] for item in api.get("/api/v1/actions/").json()["results"]}
        assert from_visit.pk in listed
        assert (from_incident.pk in listed) is (role in INCIDENT_READERS)
        detail = api.get(f"/api/v1/actions/{from_incident.pk}/")
        assert detail.status_code == (200 if role in INCIDENT_READERS else 404)

    @pytest.mark.parametrize("role", ALL)
    def test_home_page_overdue_panel(self, world, tracked, client_for, role):
        make_overdue(*tracked)
        home = client_for(world.user(role)).get("/").content.decode()
        shows_actions = role not in acts_on()  # HR and auditor homes show only what they act on (core.home)
        assert (VISIT_TITLE in home) is shows_actions
        assert (INCIDENT_TITLE in home) is (shows_actions and role in INCIDENT_READERS)

    def test_a_reader_who_cannot_change_still_cannot_step(self, world, tracked):
        from_incident, _ = tracked
        response = world.api(Role.BOARD).post(f"/api/v1/actions/{from_incident.pk}/progress/", {"note": "x"})
        assert response.status_code == 403


class TestNhsEnglandSeesNoTrackedAction:
    """The regional and national roles read aggregates (regions/), never an ICB's or a provider's actions."""

    @pytest.mark.parametrize("role", sorted(REGIONAL_ROLES))
    def test_no_action_page_endpoint_or_panel(self, world, tracked, client_for, role):
        make_overdue(*tracked)
        user = world.user(role)
        assert not TrackedAction.objects.restrict(user).exists()
        client = client_for(user)
        assert client.get("/actions/").status_code == 403
        assert client.get(f"/actions/{tracked[1].pk}/").status_code == 403
        assert world.api(role).get("/api/v1/actions/").status_code == 403
        assert world.api(role).get(f"/api/v1/actions/{tracked[1].pk}/").status_code == 403
        home = client.get("/").content.decode()
        assert VISIT_TITLE not in home and INCIDENT_TITLE not in home and "Regional roll-up" in home


class TestAuditPageMasksActionsFromRestrictedRegisters:
    def test_entries_are_masked_and_not_searchable(self, world, tracked, client_for):
        from_incident, _ = tracked
        client = client_for(world.user(Role.AUDITOR))
        page = client.get("/audit/").content.decode()
        assert VISIT_TITLE in page  # an action the auditor may read shows in full
        assert INCIDENT_TITLE not in page and "Ward sister Invented" not in page and "Sessions booked" not in page
        assert "Tracked action: [restricted]" in page
        restricted = [e for e in client.get("/audit/").context["page"].object_list if e.restricted]
        assert {e.content_type.model for e in restricted} == {"trackedaction", "actionupdate"}
        assert list(client.get("/audit/", {"q": "chaperoning"}).context["page"].object_list) == []
        assert len(client.get("/audit/", {"q": "visiting policy"}).context["page"].object_list) >= 1

    def test_a_role_that_reads_the_register_sees_the_history(self, world, tracked, client_for):
        from_incident, _ = tracked
        page = client_for(world.user(Role.DESIGNATED)).get(f"/actions/{from_incident.pk}/").content.decode()
        assert INCIDENT_TITLE in page and "[restricted]" not in page


class TestRemindersFollowTheSourceRegister:
    def test_an_overdue_incident_action_is_not_mailed_to_a_role_that_cannot_read_incidents(self, world, tracked):
        make_overdue(*tracked)
        designated = world.user(Role.DESIGNATED)
        designated.email = "designated@example.invalid"
        designated.save()
        contracts = make_user(Role.CONTRACTS, world.provider)  # a role that cannot read casework
        contracts.email = "contracts@example.invalid"
        contracts.save()
        due = {d.body: set(d.recipients) for d in reminders.collect(timezone.localdate())}
        incident_mail = next(recipients for body, recipients in due.items() if INCIDENT_TITLE in body)
        visit_mail = next(recipients for body, recipients in due.items() if VISIT_TITLE in body)
        assert incident_mail == {"designated@example.invalid"}
        assert visit_mail == {"designated@example.invalid", "contracts@example.invalid"}


def standalone_body(world, **overrides):
    return {
        "organisation": world.provider.pk,
        "arising_from": "other",
        "occasion": "Unannounced visit",
        "title": "Fix the door entry system",
        "owner": "Estates lead",
        "due_date": DUE.isoformat(),
        "success_measure": "Door entry audited",
        **overrides,
    }


class TestProvenanceIsSetByTheServer:
    @pytest.mark.parametrize(
        "forged", [{"source_kind": "incident"}, {"source_label": "SI-2026-001"}, {"source_kind": "review"}]
    )
    def test_the_api_refuses_a_client_provenance(self, world, forged):
        response = world.api(Role.DESIGNATED).post("/api/v1/actions/", standalone_body(world, **forged), format="json")
        assert response.status_code == 400
        assert set(response.json()) == set(forged)
        assert not TrackedAction.objects.exists()

    @pytest.mark.parametrize("kind", ["incident", "review", "return", "assessment", "inspection"])
    def test_only_other_can_be_raised_directly(self, world, client_for, kind):
        api_response = world.api(Role.DESIGNATED).post(
            "/api/v1/actions/", standalone_body(world, arising_from=kind), format="json"
        )
        assert api_response.status_code == 400 and "arising_from" in api_response.json()
        page = client_for(world.user(Role.DESIGNATED)).post("/actions/add/", standalone_body(world, arising_from=kind))
        assert page.status_code == 200 and page.context["form"].errors["arising_from"]
        with pytest.raises(ValidationError) as refused:
            actions.do_create_standalone_action(
                organisation=world.provider,
                arising_from=kind,
                occasion="x",
                title="t",
                owner="o",
                due_date=DUE,
                success_measure="m",
                acting_user=world.user(Role.DESIGNATED),
            )
        assert "arising_from" in refused.value.message_dict
        assert not TrackedAction.objects.exists()

    @pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.DESIGNATED, Role.ADMINISTRATOR}))
    def test_only_the_icb_team_raises_an_action_directly(self, world, role):
        assert world.api(role).post("/api/v1/actions/", standalone_body(world), format="json").status_code == 403
        with pytest.raises(PermissionDenied):
            actions.do_create_standalone_action(
                organisation=world.provider,
                arising_from="other",
                occasion="x",
                acting_user=world.user(role),
            )
        assert not TrackedAction.objects.exists()

    def test_the_server_records_the_source_of_a_direct_action(self, world):
        response = world.api(Role.ADMINISTRATOR).post("/api/v1/actions/", standalone_body(world), format="json")
        assert response.status_code == 201, response.json()
        created = TrackedAction.objects.get()
        assert (created.source, created.source_kind, created.source_label) == (
            world.provider,
            "other",
            "Unannounced visit",
        )
        assert response.json()["source_kind"] == "other" and "arising_from" not in response.json()

    def test_an_action_from_a_record_takes_its_kind_from_the_record(self, world):
        incident = factories.incident(world)
        created = casework_actions.do_add_incident_action(
            incident, title="t", owner="o", due_date=DUE, success_measure="m", acting_user=None
        )
        assert (created.source, created.source_kind, created.source_label) == (incident, "incident", incident.reference)

    def test_a_caller_cannot_pass_a_kind_of_its_own(self, world):
        with pytest.raises(TypeError):
            actions.do_create_tracked_action(
                source=world.provider,
                organisation=world.provider,
                source_kind="incident",
                title="t",
                owner="o",
                due_date=DUE,
                success_measure="m",
                acting_user=None,
            )
