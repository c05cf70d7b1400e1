"""Commissioning with safeguarding in it: actions, pages, API, permissions and the tracker [NEL 3.1, 5.1; SAAF 4.7.1;
CPCCG 6.8; DDICB Scope, Modern Slavery]."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from core.choices import ALL_ROLES, ICB_ROLES, Role
from core.models import TrackedAction
from organisations import actions, reports
from organisations.choices import CommissioningStage as S
from organisations.models import COMMISSIONING_MANAGERS, CommissioningEvent, ServiceSpecification
from organisations.tests import commissioning_factories as f

ALL = set(ALL_ROLES)  # NHS England roles: refused everywhere by the gate (core/tests/test_nhs_england_gate.py)
ICB = set(ICB_ROLES)
MANAGERS = set(COMMISSIONING_MANAGERS)


@pytest.fixture
def records(world):
    return f.build(world)


class TestActions:
    def test_an_event_belongs_to_the_acting_users_icb_and_is_audited(self, world):
        designated = world.user(Role.DESIGNATED)
        event = actions.do_create_commissioning_event(
            title="Redesign of the 0-19 service",
            kind="redesign",
            stage=S.PLANNING,
            started_on=dt.date(2026, 9, 1),
            acting_user=designated,
        )
        assert event.icb == world.icb
        assert LogEntry.objects.get_for_object(event).get().actor == designated

    def test_a_sign_off_names_who_signed(self, world):
        with pytest.raises(ValidationError) as error:
            f.event(world.icb, specification_signed_off_on=dt.date(2026, 9, 1))
        assert "specification_signed_off_by" in error.value.message_dict

    def test_the_contract_of_an_event_must_be_its_providers(self, world, records):
        with pytest.raises(ValidationError) as error:
            f.event(world.icb, provider=world.other_provider, contract=records["contract"])
        assert "contract" in error.value.message_dict

    def test_a_consultation_in_the_future_is_refused(self, records):
        with pytest.raises(ValidationError) as error:
            f.consultation(records["event"], S.PROCUREMENT, consulted_on=timezone.localdate() + dt.timedelta(days=1))
        assert "consulted_on" in error.value.message_dict

    def test_consultation_clears_the_gap_and_archiving_it_brings_the_gap_back(self, world):
        event = f.event(world.icb, stage=S.PROCUREMENT, specification_signed_off_on=None)
        user = world.user(Role.CONTRACTS)
        assert [g.code for g in dict(reports.event_rows(CommissioningEvent.objects.restrict(user)))[event]] == [
            "not_consulted",
            "not_signed_off",
        ]
        consultation = f.consultation(event, S.SPECIFICATION)
        assert [g.code for g in dict(reports.event_rows(CommissioningEvent.objects.restrict(user)))[event]] == [
            "not_signed_off"
        ]
        actions.do_archive_commissioning_record(consultation, acting_user=user)
        gaps = dict(reports.event_rows(CommissioningEvent.objects.restrict(user)))[event]
        assert "not_consulted" in [g.code for g in gaps]

    def test_only_a_contracts_associate_can_be_notified(self, world, records):
        with pytest.raises(ValidationError) as error:
            f.notification(records["other_contract"], world.other_icb)
        assert "associate_commissioner" in error.value.message_dict

    def test_an_associate_cannot_be_told_before_the_matter_arose(self, records):
        notification = records["notification"]
        with pytest.raises(ValidationError) as error:
            actions.do_update_associate_notification(
                notification, notified_on=notification.occurred_on - dt.timedelta(days=1), acting_user=None
            )
        assert "notified_on" in error.value.message_dict

    def test_one_statement_a_financial_year_and_its_sign_off_names_the_chief_officer(self, world, records):
        with pytest.raises(ValidationError):
            f.statement(world.icb, 2026)
        with pytest.raises(ValidationError) as error:
            f.statement(world.icb, 2027, signed_off_on=dt.date(2027, 6, 1))
        assert "chief_officer" in error.value.message_dict

    def test_an_archived_record_cannot_be_changed(self, records):
        specification = records["specification"]
        actions.do_archive_commissioning_record(specification, acting_user=None)
        with pytest.raises(ValidationError):
            actions.do_update_specification(specification, title="New", acting_user=None)


class TestGaps:
    def test_every_kind_of_gap_is_found_for_the_contracts_manager(self, world):
        own = f.contract(world.provider, world.icb, "G-1", start=dt.date(2026, 4, 1), associates=[world.other_icb])
        f.due_diligence(own, dt.date(2026, 4, 2))  # one day after the contract was let
        f.event(world.icb, stage=S.AWARD, title="Late tender")
        f.specification(own, missing=["covers_reporting"])
        f.subcontractor(own)
        f.notification(own, world.other_icb)
        areas = {gap.area: gap for gap in reports.commissioning_gaps(world.user(Role.CONTRACTS), dt.date(2026, 12, 3))}
        assert set(areas) == {
            "Commissioning",
            "Specification",
            "Subcontractor",
            "Associate commissioner",
            "Due diligence",
            "Modern slavery statement",
        }
        assert areas["Due diligence"].text == "Contract let before modern slavery due diligence"
        assert "Reporting to the commissioner" in areas["Specification"].text
        assert areas["Specification"].organisation == world.provider

    def test_a_provider_sees_no_commissioning_gaps_of_the_icb(self, world, records):
        f.specification(records["contract"], missing=["covers_training"], title="Own gap")
        gaps = reports.commissioning_gaps(world.user(Role.PROVIDER))
        assert [gap.area for gap in gaps] == ["Specification"]

    def test_the_report_sections_count_the_gaps(self, world, records):
        sections = dict(reports.sections(world.user(Role.BOARD)))
        summary = dict(sections["Commissioning with safeguarding in it"])
        assert summary["Past the specification stage"] == "1"
        assert summary["… of which the specification is not signed off"] == "1"
        assert summary["Specifications and SLAs with every checklist item"] == "2/2"
        assert reports.sections(world.user(Role.PROVIDER)) == []

    def test_the_home_page_shows_the_gaps_to_the_contracts_manager_and_designated_professional(
        self, world, records, client_for
    ):
        for role in (Role.CONTRACTS, Role.DESIGNATED):
            page = client_for(world.user(role)).get("/").content.decode()
            assert "Commissioning gaps" in page
            assert "Children&#x27;s community services tender" in page
        assert "Commissioning gaps" not in client_for(world.user(Role.BOARD)).get("/").content.decode()


class TestPages:
    def test_the_register_lists_events_with_their_gaps(self, world, records, client_for):
        page = client_for(world.user(Role.BOARD)).get("/organisations/commissioning/")
        assert page.status_code == 200
        assert [event.pk for event, _ in page.context["rows"]] == [records["event"].pk]
        assert "Specification not signed off" in page.content.decode()

    def test_the_filter_narrows_events_by_stage(self, world, records, client_for):
        f.event(world.icb, stage=S.PLANNING, title="Planning only")
        client = client_for(world.user(Role.CONTRACTS))
        rows = client.get("/organisations/commissioning/", {"stage": S.PLANNING}).context["rows"]
        assert [event.title for event, _ in rows] == ["Planning only"]

    def test_recording_a_consultation_through_the_page(self, world, records, client_for):
        event = f.event(world.icb, stage=S.PROCUREMENT, title="Second tender")
        response = client_for(world.user(Role.DESIGNATED)).post(
            f"/organisations/commissioning/{event.pk}/consult/",
            {
                "stage": S.SPECIFICATION,
                "consulted_on": "2026-06-01",
                "professional": "Designated doctor",
                "advice": "Named GP role in the specification",
            },
        )
        assert response.status_code == 302
        assert event.consultations.get().professional == "Designated doctor"

    def test_a_provider_sees_its_own_specifications_only(self, world, records, client_for):
        client = client_for(world.user(Role.PROVIDER))
        listed = client.get("/organisations/specifications/").context["specifications"]
        assert [s.pk for s in listed] == [records["specification"].pk]
        assert client.get(f"/organisations/specifications/{records['specification'].pk}/").status_code == 200
        assert client.get(f"/organisations/specifications/{records['other_specification'].pk}/").status_code == 404

    def test_the_specification_filter_finds_those_missing_checklist_items(self, world, records, client_for):
        gap = f.specification(records["contract"], missing=["covers_supervision"], title="Incomplete")
        client = client_for(world.user(Role.DESIGNATED))
        listed = client.get("/organisations/specifications/", {"incomplete": "true"}).context["specifications"]
        assert [s.pk for s in listed] == [gap.pk]

    def test_the_export_holds_every_register(self, world, records, client_for):
        response = client_for(world.user(Role.CONTRACTS)).get("/organisations/commissioning/xlsx/")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == [
            "Commissioning events",
            "Specifications",
            "Subcontractors",
            "Associate notifications",
            "Due diligence",
        ]
        assert book["Commissioning events"]["A2"].value == "Children's community services tender"


class TestApi:
    def test_a_contracts_manager_creates_an_event_for_their_own_icb(self, world):
        api = world.api(Role.CONTRACTS)
        response = api.post(
            "/api/v1/commissioning-events/",
            {"title": "Tender", "kind": "tender", "stage": "procurement", "started_on": "2026-09-01"},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["gaps"] == [
            "No designated professional consulted at: service specification",
            "Specification not signed off by a designated professional",
        ]
        assert CommissioningEvent.objects.get(pk=response.json()["id"]).icb == world.icb

    def test_a_specification_on_another_icbs_contract_reads_as_missing(self, world):
        foreign = f.contract(world.foreign_provider, world.other_icb, "F-1")
        response = world.api(Role.CONTRACTS).post(
            "/api/v1/service-specifications/",
            {"contract": foreign.pk, "audience": "adults", "title": "Theirs"},
            format="json",
        )
        assert response.status_code == 400 and "contract" in response.json()

    def test_the_api_lists_a_specifications_missing_items(self, world, records):
        f.specification(records["contract"], missing=["covers_diversity"], title="Partial")
        results = world.api(Role.PROVIDER).get("/api/v1/service-specifications/").json()["results"]
        assert sorted(len(r["missing_items"]) for r in results) == [0, 1]

    def test_consultations_are_append_only(self, world, records):
        api = world.api(Role.DESIGNATED)
        url = f"/api/v1/designated-consultations/{records['consultation'].pk}/"
        assert api.patch(url, {"advice": "x"}, format="json").status_code == 405
        assert api.post(f"{url}archive/").status_code == 200

    def test_a_bad_date_is_a_400_naming_the_field(self, world, records):
        response = world.api(Role.DESIGNATED).patch(
            f"/api/v1/associate-notifications/{records['notification'].pk}/",
            {"notified_on": "2000-01-01"},
            format="json",
        )
        assert response.status_code == 400 and "notified_on" in response.json()


def test_e2e_the_designated_professional_turns_a_tender_gap_into_a_tracked_action(world, client_for):
    """A tender reaches procurement without consultation; the designated professional sees it on the home page,
    raises an action from the event (the ICB's own: consultation is its duty), and finds it in the one tracker."""
    event = f.event(world.icb, stage=S.PROCUREMENT, provider=world.provider, title="Health visiting tender")
    client = client_for(world.user(Role.DESIGNATED))
    assert "Health visiting tender" in client.get("/").content.decode()
    due = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        f"/organisations/commissioning/{event.pk}/action/",
        {
            "title": "Review the specification with the designated nurse",
            "owner": "Contracts manager",
            "due_date": due.isoformat(),
            "success_measure": "Specification signed off",
        },
    )
    assert response.status_code == 302
    action = TrackedAction.objects.for_source(event).get()
    assert action.organisation == world.icb
    assert response["Location"] == f"/actions/{action.pk}/"
    tracker = client.get("/actions/").content.decode()
    assert "Review the specification with the designated nurse" in tracker
    assert "Review the specification" in client.get(f"/organisations/commissioning/{event.pk}/").content.decode()
    # an action follows its source: the provider, which cannot read commissioning events, does not see it
    assert client_for(world.user(Role.PROVIDER)).get(f"/actions/{action.pk}/").status_code == 404


def test_an_action_from_a_specification_is_the_providers_and_the_provider_sees_it(world, records, client_for):
    specification = records["specification"]
    response = client_for(world.user(Role.CONTRACTS)).post(
        f"/organisations/specifications/{specification.pk}/action/",
        {
            "title": "Add the reporting schedule",
            "owner": "Named nurse",
            "due_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "success_measure": "Checklist complete",
        },
    )
    assert response.status_code == 302
    action = TrackedAction.objects.for_source(specification).get()
    assert action.organisation == world.provider
    assert client_for(world.user(Role.PROVIDER)).get(f"/actions/{action.pk}/").status_code == 200


def test_a_raised_action_must_be_smart(world, records, client_for):
    response = client_for(world.user(Role.CONTRACTS)).post(
        f"/organisations/specifications/{records['specification'].pk}/action/", {"title": "Something"}
    )
    assert response.status_code == 200
    assert {"owner", "due_date", "success_measure"} <= set(response.context["form"].errors)
    assert not TrackedAction.objects.filter(source_id=records["specification"].pk).exists()
    assert ServiceSpecification.objects.count() == 2


@pytest.mark.parametrize(
    "url",
    ["/organisations/commissioning/", "/organisations/specifications/", "/organisations/commissioning/xlsx/", "/"],
)
def test_pages_make_no_query_per_row(world, records, client_for, url):
    from core.testing import count_queries

    client = client_for(world.user(Role.CONTRACTS))
    client.get(url)
    few, _ = count_queries(lambda: client.get(url))
    for number in range(4):
        own = f.contract(world.provider, world.icb, f"Q-{number}", associates=[world.other_icb])
        event = f.event(world.icb, title=f"Tender {number}", provider=world.provider)
        f.consultation(event, S.SPECIFICATION)
        f.specification(own, missing=["covers_training"])
        f.subcontractor(own)
        f.notification(own, world.other_icb)
        f.due_diligence(own, dt.date(2026, 3, 1))
    many, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert many == few, url
