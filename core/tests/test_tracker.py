import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core import actions, rules
from core.choices import ActionSource, ActionStatus, Role
from core.models import TrackedAction
from core.testing import count_queries

TODAY = dt.date(2026, 11, 23)


def smart(**overrides):
    fields = {
        "title": "Audit supervision records",
        "owner": "Named nurse",
        "due_date": TODAY,
        "success_measure": "90 % of records audited",
        "today": TODAY,
    }
    return rules.smart_action_problems(**{**fields, **overrides})


class TestSmartRules:
    def test_a_complete_action_has_no_problems(self):
        assert smart() == {}

    @pytest.mark.parametrize("field", ["title", "owner", "success_measure"])
    def test_blank_fields_are_named(self, field):
        assert field in smart(**{field: "  "})

    def test_missing_due_date_and_a_past_due_date_are_refused(self):
        assert smart(due_date=None)["due_date"] == "Enter the date the action is due."
        assert smart(due_date=TODAY - dt.timedelta(days=1))["due_date"] == "The due date cannot be in the past."

    @given(due=st.dates(), today=st.dates(), status=st.sampled_from(ActionStatus.values))
    def test_overdue_only_when_open_and_strictly_past_due(self, due, today, status):
        expected = status in {"open", "in_progress"} and due < today
        assert rules.is_overdue(status, due, today) is expected

    def test_transitions(self):
        assert rules.transition_problem(ActionStatus.OPEN, ActionStatus.COMPLETED) is None
        assert rules.transition_problem(ActionStatus.OPEN, ActionStatus.VERIFIED) is not None
        assert rules.transition_problem(ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS) is not None


@pytest.fixture
def action(world):
    return actions.do_create_standalone_action(
        organisation=world.provider,
        arising_from=ActionSource.OTHER,
        occasion="Assurance visit",
        title="Update the chaperone policy",
        owner="Head of nursing",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        success_measure="Policy approved",
        acting_user=world.user(Role.DESIGNATED),
    )


class TestTrackerActions:
    def test_it_refuses_an_action_without_owner_or_due_date_and_saves_nothing(self, world):
        with pytest.raises(ValidationError) as error:
            actions.do_create_tracked_action(
                source=world.provider,
                organisation=world.provider,
                title="x",
                owner="",
                due_date=None,
                success_measure="y",
                acting_user=None,
            )
        assert {"owner", "due_date"} <= set(error.value.message_dict)
        assert not TrackedAction.objects.exists()

    def test_the_life_of_an_action(self, world, action):
        provider_user, designated = world.user(Role.PROVIDER), world.user(Role.DESIGNATED)
        actions.do_record_progress(action, note="Draft written", acting_user=provider_user)
        assert action.status == ActionStatus.IN_PROGRESS
        actions.do_complete_action(action, evidence="Policy v2 approved at committee", acting_user=provider_user)
        actions.do_reopen_action(action, note="Attach the minutes", acting_user=designated)
        actions.do_complete_action(action, evidence="Minutes attached", acting_user=provider_user)
        actions.do_verify_action(action, acting_user=designated)
        action.refresh_from_db()
        assert action.status == ActionStatus.VERIFIED and action.verified_by == designated
        assert [u.status for u in action.updates.all()] == [
            "in_progress",
            "completed",
            "in_progress",
            "completed",
            "verified",
        ]

    def test_completion_needs_evidence(self, world, action):
        with pytest.raises(ValidationError) as error:
            actions.do_complete_action(action, evidence=" ", acting_user=world.user(Role.PROVIDER))
        assert "evidence" in error.value.message_dict

    def test_only_a_designated_professional_verifies_and_only_after_completion(self, world, action):
        with pytest.raises(ValidationError):
            actions.do_verify_action(action, acting_user=world.user(Role.DESIGNATED))
        actions.do_complete_action(action, evidence="Done", acting_user=world.user(Role.PROVIDER))
        with pytest.raises(PermissionDenied):
            actions.do_verify_action(action, acting_user=world.user(Role.PROVIDER))

    def test_overdue_is_derived_never_stored(self, world, action):
        TrackedAction.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
        assert list(TrackedAction.objects.overdue(timezone.localdate())) == [action]
        assert TrackedAction.objects.get(pk=action.pk).status == ActionStatus.OPEN
        assert list(TrackedAction.objects.for_source(world.provider)) == [action]


class TestTrackerPages:
    def test_provider_completes_and_designated_verifies_through_the_pages(self, world, action, client_for):
        provider = client_for(world.user(Role.PROVIDER))
        assert provider.post(f"/actions/{action.pk}/complete/", {"evidence": "Policy v2"}).status_code == 302
        designated = client_for(world.user(Role.DESIGNATED))
        assert designated.post(f"/actions/{action.pk}/verify/").status_code == 302
        action.refresh_from_db()
        assert action.status == ActionStatus.VERIFIED

    def test_the_detail_page_links_back_to_the_source(self, world, action, client_for):
        page = client_for(world.user(Role.DESIGNATED)).get(f"/actions/{action.pk}/").content.decode()
        assert f'href="/organisations/{world.provider.pk}/">Assurance visit</a>' in page

    def test_empty_evidence_shows_the_error_summary(self, world, action, client_for):
        response = client_for(world.user(Role.PROVIDER)).post(f"/actions/{action.pk}/complete/", {"evidence": ""})
        assert response.status_code == 200 and "There is a problem" in response.content.decode()

    def test_standalone_action_with_past_due_date_is_refused_on_the_form(self, world, client_for):
        response = client_for(world.user(Role.DESIGNATED)).post(
            "/actions/add/",
            {
                "organisation": world.provider.pk,
                "arising_from": "other",
                "occasion": "Visit",
                "title": "Fix it",
                "owner": "Lead",
                "due_date": "2020-01-01",
                "success_measure": "Fixed",
            },
        )
        assert "The due date cannot be in the past." in response.content.decode()
        assert not TrackedAction.objects.exists()

    def test_filters_and_overdue_page(self, world, action, client_for):
        TrackedAction.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
        client = client_for(world.user(Role.DESIGNATED))
        assert list(client.get("/actions/overdue/").context["actions"]) == [action]
        assert list(client.get("/actions/", {"overdue": "false"}).context["actions"]) == []
        assert list(client.get("/actions/", {"source_kind": "other", "status": "open"}).context["actions"]) == [action]

    def test_list_does_not_query_per_row(self, world, action, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        few, _ = count_queries(lambda: client.get("/actions/"))
        for n in range(6):
            actions.do_create_tracked_action(
                source=world.other_provider,
                organisation=world.other_provider,
                title=f"A{n}",
                owner="o",
                due_date=timezone.localdate(),
                success_measure="m",
                acting_user=None,
            )
        many, _ = count_queries(lambda: client.get("/actions/"))
        assert many == few


class TestTrackerApi:
    def test_create_progress_complete_verify(self, world):
        api = world.api(Role.DESIGNATED)
        due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        response = api.post(
            "/api/v1/actions/",
            {
                "organisation": world.provider.pk,
                "arising_from": "other",
                "occasion": "Visit",
                "title": "Fix",
                "owner": "Lead",
                "due_date": due,
                "success_measure": "Fixed",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        pk = response.json()["id"]
        provider = world.api(Role.PROVIDER)
        assert provider.post(f"/api/v1/actions/{pk}/progress/", {"note": "Started"}, format="json").status_code == 200
        done = provider.post(f"/api/v1/actions/{pk}/complete/", {"evidence": "Done"}, format="json")
        assert done.json()["status"] == "completed"
        assert provider.post(f"/api/v1/actions/{pk}/verify/", format="json").status_code == 403
        assert api.post(f"/api/v1/actions/{pk}/verify/", format="json").json()["status"] == "verified"

    def test_missing_smart_fields_are_400_naming_them(self, world):
        response = world.api(Role.DESIGNATED).post(
            "/api/v1/actions/",
            {"organisation": world.provider.pk, "arising_from": "other", "occasion": "Visit", "title": "Fix"},
            format="json",
        )
        assert response.status_code == 400
        assert {"owner", "due_date", "success_measure"} <= set(response.json())

    def test_another_providers_action_is_404(self, world):
        other = actions.do_create_tracked_action(
            source=world.other_provider,
            organisation=world.other_provider,
            title="t",
            owner="o",
            due_date=timezone.localdate(),
            success_measure="m",
            acting_user=None,
        )
        api = world.api(Role.PROVIDER)
        assert api.get(f"/api/v1/actions/{other.pk}/").status_code == 404
        assert api.post(f"/api/v1/actions/{other.pk}/complete/", {"evidence": "x"}, format="json").status_code == 404
