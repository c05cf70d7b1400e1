"""The API: create with field errors and the acknowledge flag, child endpoints, filters, strictness."""

import datetime as dt

import pytest

from casework.models import AdviceEntry, Allegation, EscalationStage, Referral
from casework.tests import factories
from core.choices import Role
from core.models import TrackedAction
from core.tests.synthetic import first_synthetic_nhs_number as synthetic_nhs_number

FRIDAY = factories.RECENT


@pytest.fixture
def allegation_payload(world):
    return {
        "organisation": world.provider.pk,
        "person_name": "Invented Person",
        "person_role": "Porter",
        "category": "risk",
        "summary": "Synthetic.",
        "made_on": FRIDAY.isoformat(),
    }


def test_hr_records_an_allegation_and_the_named_person_is_returned_only_in_full(world, allegation_payload):
    api = world.api(Role.HR)
    created = api.post("/api/v1/casework/allegations/", allegation_payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["reference"].startswith("ALG-")
    listed = api.get("/api/v1/casework/allegations/").json()["results"][0]
    assert "person_name" not in listed
    assert api.get(f"/api/v1/casework/allegations/{listed['id']}/").json()["person_name"] == "Invented Person"


def test_a_lado_date_before_the_allegation_is_a_400_naming_the_field(world, allegation_payload):
    response = world.api(Role.HR).post(
        "/api/v1/casework/allegations/", {**allegation_payload, "lado_informed_on": "2026-11-19"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot be before the allegation" in response.json()["lado_informed_on"][0]
    assert not Allegation.objects.exists()


def test_an_outcome_without_closure_is_a_400(world, allegation_payload):
    response = world.api(Role.HR).post(
        "/api/v1/casework/allegations/", {**allegation_payload, "outcome": "false"}, format="json"
    )
    assert response.status_code == 400 and "closed_on" in response.json()


def test_unknown_fields_are_refused_by_name(world, allegation_payload):
    response = world.api(Role.HR).post(
        "/api/v1/casework/allegations/", {**allegation_payload, "nhs_number": "x"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"nhs_number": ["Unknown field."]}


def test_an_nhs_number_needs_the_acknowledge_flag(world):
    payload = {
        "organisation": world.icb.pk,
        "local_authority": factories.local_authority(world).pk,
        "subject_reference": synthetic_nhs_number(),
        "referred_by": "Designated nurse",
        "category": "neglect",
        "referred_at": "2026-11-20T15:30:00Z",
    }
    api = world.api(Role.DESIGNATED)
    refused = api.post("/api/v1/casework/referrals/", payload, format="json")
    assert refused.status_code == 400 and "valid NHS number" in refused.json()["subject_reference"][0]
    assert not Referral.objects.exists()
    accepted = api.post("/api/v1/casework/referrals/", {**payload, "acknowledge_warnings": True}, format="json")
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("register", "builder", "field", "text"),
    [
        ("allegations", "allegation", "summary", "Ｊｏｈｎ Ｓｍｉｔｈ shouted at the child"),
        ("advice", "advice", "advice_given", "Discussed the case of jo\u200bhn larkwood"),
        ("advice", "advice", "action_plan", "Check NHS 943.476.5919 on the spine"),
        ("serious-incidents", "incident", "summary", "Injury to a patient, NHS no ٩٤٣٤٧٦٥٩١٩"),
        ("disclosures", "disclosure", "information_shared", "Address of MRS LARKWOOD"),
        ("complex-health-needs", "concern", "concern", "Mother JANE WRENFOLD reports seizures"),
    ],
)
def test_free_text_of_every_register_is_checked_for_identifiers(world, register, builder, field, text):
    """Issue 9 item 7: allegation summary, advice given, serious-incident summary and the like warn, and save once
    acknowledged (acknowledge_warnings=true)."""
    record = getattr(factories, builder)(world)
    api = world.api(Role.HR if register == "allegations" else Role.DESIGNATED)
    url = f"/api/v1/casework/{register}/{record.pk}/"
    refused = api.patch(url, {field: text}, format="json")
    assert refused.status_code == 400 and field in refused.json()
    accepted = api.patch(url, {field: text, "acknowledge_warnings": True}, format="json")
    assert accepted.status_code == 200, accepted.json()


def test_a_provider_cannot_create_in_another_providers_name(world):
    payload = {
        "organisation": world.other_provider.pk,
        "summary": "Synthetic.",
        "occurred_on": FRIDAY.isoformat(),
        "reported_on": FRIDAY.isoformat(),
    }
    response = world.api(Role.PROVIDER).post("/api/v1/casework/serious-incidents/", payload, format="json")
    assert response.status_code == 400 and "does not exist" in response.json()["organisation"][0]


def test_stages_are_posted_in_order(world):
    escalation = factories.escalation(world, stages=[FRIDAY])
    api = world.api(Role.PROVIDER)
    url = f"/api/v1/casework/escalations/{escalation.pk}/stages/"
    skipped = api.post(url, {"stage": 3, "reached_on": FRIDAY.isoformat(), "agreed": "x"}, format="json")
    assert skipped.status_code == 400 and list(skipped.json()) == ["skip_reason"]  # an urgent start needs its reason
    ok = api.post(url, {"stage": 2, "reached_on": FRIDAY.isoformat(), "agreed": "Team managers met"}, format="json")
    assert ok.status_code == 201 and [s["stage"] for s in ok.json()["stages"]] == [1, 2]
    assert EscalationStage.objects.count() == 2


def test_information_requests_are_for_the_icb_team_only(world):
    concern = factories.concern(world)
    url = f"/api/v1/casework/complex-health-needs/{concern.pk}/requests/"
    body = {"agency": world.other_provider.pk, "requested_on": FRIDAY.isoformat()}
    assert world.api(Role.PROVIDER).post(url, body, format="json").status_code == 403
    response = world.api(Role.ADMINISTRATOR).post(url, body, format="json")
    assert response.status_code == 201 and response.json()["return_by"] == concern.return_deadline.isoformat()


def test_incident_actions_land_in_the_shared_tracker(world):
    incident = factories.incident(world)
    body = {
        "title": "Audit of safeguarding referrals",
        "owner": "Named nurse",
        "due_date": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
        "success_measure": "Audit presented to the safeguarding committee",
    }
    response = world.api(Role.PROVIDER).post(f"/api/v1/casework/serious-incidents/{incident.pk}/actions/", body)
    assert response.status_code == 201
    assert TrackedAction.objects.for_source(incident).count() == 1


def test_the_api_filters_by_reference_and_status(world):
    open_entry = factories.advice(world, subject_reference="Family 7")
    factories.advice(world, subject_reference="Family 8")
    api = world.api(Role.ADMINISTRATOR)
    found = api.get("/api/v1/casework/advice/?q=family 7").json()["results"]
    assert [row["id"] for row in found] == [open_entry.pk]
    assert AdviceEntry.objects.count() == 2


def test_records_are_archived_not_deleted(world):
    entry = factories.advice(world)
    api = world.api(Role.DESIGNATED)
    assert api.delete(f"/api/v1/casework/advice/{entry.pk}/").status_code == 405
    assert api.post(f"/api/v1/casework/advice/{entry.pk}/archive/").status_code == 200
    entry.refresh_from_db()
    assert entry.archived_at is not None


class TestLinkingAStatutoryReview:
    @pytest.fixture
    def review(self, world):
        from reviews.actions import do_open_review

        return do_open_review(
            acting_user=world.user(Role.DESIGNATED),
            kind="sar",
            subject_reference="Adult K",
            incident_date=FRIDAY - dt.timedelta(days=30),
        )

    def test_the_icb_links_an_incident_to_a_review_it_can_see(self, world, review):
        incident = factories.incident(world)
        url = f"/api/v1/casework/serious-incidents/{incident.pk}/"
        response = world.api(Role.DESIGNATED).patch(url, {"statutory_review": review.pk}, format="json")
        assert response.status_code == 200, response.json()
        incident.refresh_from_db()
        assert incident.statutory_review == review

    def test_a_provider_not_involved_cannot_link_the_review(self, world, review):
        incident = factories.incident(world)
        url = f"/api/v1/casework/serious-incidents/{incident.pk}/"
        response = world.api(Role.PROVIDER).patch(url, {"statutory_review": review.pk}, format="json")
        assert response.status_code == 400 and "does not exist" in response.json()["statutory_review"][0]

    def test_a_review_of_another_icb_is_refused_by_the_action(self, world, review):
        from django.core.exceptions import ValidationError

        from casework import actions
        from core.testing import make_user
        from reviews.actions import do_open_review

        elsewhere = do_open_review(
            acting_user=make_user(Role.DESIGNATED, world.other_icb),
            kind="sar",
            subject_reference="Adult M",
            incident_date=FRIDAY - dt.timedelta(days=30),
        )
        incident = factories.incident(world)
        with pytest.raises(ValidationError) as error:
            actions.do_update_incident(incident, statutory_review=elsewhere, acting_user=world.user(Role.DESIGNATED))
        assert "statutory_review" in error.value.message_dict


def test_an_escalation_says_which_procedure_it_follows_and_takes_urgent_stages(world):
    """[DUDLEY App. 6; CPCCG App. 5]: the procedure is data per ICB; an urgent start carries its reason."""
    escalation = factories.escalation(world)
    api = world.api(Role.DESIGNATED)
    assert api.get(f"/api/v1/casework/escalations/{escalation.pk}/").json()["procedure"] == "dudley"
    url = f"/api/v1/casework/escalations/{escalation.pk}/stages/"
    payload = {"stage": 4, "reached_on": FRIDAY.isoformat(), "agreed": "Strategy discussion", "skip_reason": "Urgent"}
    response = api.post(url, {**payload, "raised_with": "head_of_service"}, format="json")
    assert response.status_code == 201
    (stage,) = response.json()["stages"]
    assert stage["skip_reason"] == "Urgent" and stage["raised_with"] == "head_of_service"
    assert api.post(url, {**payload, "stage": 9}, format="json").status_code == 400
