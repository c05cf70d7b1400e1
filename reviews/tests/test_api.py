import datetime as dt

import pytest

from core import actions as core_actions
from core.choices import Role
from core.models import TrackedAction
from core.testing import pdf_bytes
from reviews import actions
from reviews.models import Contribution, Recommendation, Review


@pytest.fixture
def api(world):
    return world.api(Role.DESIGNATED)


class TestReviewsApi:
    def test_it_opens_a_review_and_returns_milestones_and_hints(self, api, partnerships, today):
        response = api.post(
            "/api/v1/reviews/",
            {
                "kind": "dhr",
                "subject_reference": "Adult R",
                "lead_partnership": partnerships["csp"].pk,
                "notification_date": (today - dt.timedelta(days=3)).isoformat(),
                "subject_age": 17,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["reference"] == f"R{body['id']:04d}"
        decision, report = body["milestones"]
        assert decision["code"] == "dhr_decision" and decision["state"] in {"due", "due_soon"}
        assert report["state"] == "pending" and report["due"] is None and report["waiting_for"] == "decision date"
        assert body["eligibility_hints"][0]["source"] == "NEL 8.4"

    def test_bad_input_is_400_with_field_errors_and_nothing_saved(self, api, partnerships, today):
        response = api.post(
            "/api/v1/reviews/",
            {
                "kind": "rapid_review",
                "subject_reference": "Child Q",
                "notification_date": today.isoformat(),
                "decision_date": (today - dt.timedelta(days=1)).isoformat(),
            },
            format="json",
        )
        assert response.status_code == 400
        assert "cannot be before the notification date" in response.json()["decision_date"][0]
        assert not Review.objects.exists()
        response = api.post(
            "/api/v1/reviews/", {"kind": "rapid_review", "subject_reference": "999 000 0018"}, format="json"
        )
        assert "acknowledge_identifiers" in response.json()
        assert api.post(
            "/api/v1/reviews/", {"kind": "sar", "subject_reference": "A", "colour": 1}, format="json"
        ).json() == {"colour": ["Unknown field."]}

    def test_decision_opens_a_cspr(self, api, open_review, today):
        rapid = open_review()
        response = api.post(
            f"/api/v1/reviews/{rapid.pk}/decision/",
            {"decision_date": today.isoformat(), "outcome": "local_cspr", "initiation_date": today.isoformat()},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["kind"] == "cspr_local" and response.json()["linked_reviews"] == [rapid.pk]

    def test_delete_is_refused_and_archive_offered(self, api, open_review):
        review = open_review()
        assert api.delete(f"/api/v1/reviews/{review.pk}/").status_code == 405
        assert api.post(f"/api/v1/reviews/{review.pk}/archive/").json()["archived_at"]

    def test_notification_list_for_icb_staff_only(self, world, api, open_review):
        review = open_review()
        body = api.get("/api/v1/reviews/notification-list/").json()
        assert [r["id"] for r in body["reviews"]] == [review.pk]
        assert world.api(Role.PROVIDER).get("/api/v1/reviews/notification-list/").status_code == 403


class TestSubResources:
    def test_contributions_created_by_the_icb_and_updated_by_the_provider(self, world, api, open_review, today):
        review = open_review()
        response = api.post(
            "/api/v1/review-contributions/",
            {
                "review": review.pk,
                "organisation": world.provider.pk,
                "kind": "chronology",
                "due_date": today.isoformat(),
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        contribution_id = response.json()["id"]
        provider = world.api(Role.PROVIDER)
        url = f"/api/v1/review-contributions/{contribution_id}/"
        refused = provider.patch(url, {"due_date": today.isoformat()}, format="json")
        assert refused.status_code == 400
        assert refused.json() == {"due_date": ["The ICB sets the due date of a contribution."]}
        refused = provider.patch(url, {"status": "accepted"}, format="json")
        assert refused.status_code == 400 and "Only the ICB accepts" in refused.json()["status"][0]
        response = provider.patch(
            f"/api/v1/review-contributions/{contribution_id}/", {"status": "submitted"}, format="json"
        )
        assert response.status_code == 200 and response.json()["submitted_on"] == today.isoformat()
        assert (
            world.api(world.other_provider_user).get(f"/api/v1/review-contributions/{contribution_id}/").status_code
            == 404
        )

    def test_a_provider_cannot_ask_for_contributions(self, world, open_review, today):
        review = open_review()
        actions.do_add_contributions(
            review, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
        )
        response = world.api(Role.PROVIDER).post(
            "/api/v1/review-contributions/",
            {
                "review": review.pk,
                "organisation": world.provider.pk,
                "kind": "agency_report",
                "due_date": today.isoformat(),
            },
            format="json",
        )
        assert response.status_code == 400 and "does not exist" in response.json()["review"][0]
        assert Contribution.objects.count() == 1

    def test_recommendations_need_an_organisation_and_report_closure(self, world, api, open_review, today):
        review = open_review()
        data = {
            "review": review.pk,
            "text": "Improve information sharing",
            "owner": "Named nurse",
            "due_date": (today + dt.timedelta(days=30)).isoformat(),
            "success_measure": "Audit",
        }
        response = api.post("/api/v1/review-recommendations/", {**data, "organisations": []}, format="json")
        assert response.status_code == 400
        assert response.json()["organisations"] == ["Assign the recommendation to at least one organisation."]
        assert not Recommendation.objects.exists()
        response = api.post(
            "/api/v1/review-recommendations/", {**data, "organisations": [world.provider.pk]}, format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["closed"] is False and len(body["actions"]) == 1
        action = TrackedAction.objects.get(pk=body["actions"][0]["id"])
        core_actions.do_complete_action(action, evidence="Done", acting_user=world.user(Role.PROVIDER))
        core_actions.do_verify_action(action, acting_user=world.user(Role.DESIGNATED))
        assert api.get(f"/api/v1/review-recommendations/{body['id']}/").json()["closed"] is True
        refused = api.patch(f"/api/v1/review-recommendations/{body['id']}/", {"organisations": []}, format="json")
        assert refused.status_code == 400

    def test_learning_entries(self, api, open_review, today):
        review = open_review()
        response = api.post(
            "/api/v1/review-learning/",
            {"review": review.pk, "key_findings": "Curiosity", "disseminated_to": "Forum", "date": today.isoformat()},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert api.get(f"/api/v1/review-learning/?review={review.pk}").json()["count"] == 1

    def test_kinds_and_themes_are_listed(self, api):
        kinds = api.get("/api/v1/review-kinds/").json()["results"]
        rapid = next(k for k in kinds if k["code"] == "rapid_review")
        assert [m["amount"] for m in rapid["milestones"]] == [5, 15]
        assert api.get("/api/v1/review-themes/").json()["count"] >= 7


class TestTermsOfReferenceUpload:
    def test_a_pdf_is_accepted_and_a_disguised_file_refused(self, world, api, open_review):
        from django.core.files.uploadedfile import SimpleUploadedFile

        review = open_review()
        url = f"/api/v1/reviews/{review.pk}/"
        bad = api.patch(url, {"tor_file": SimpleUploadedFile("tor.pdf", b"<script>")}, format="multipart")
        assert bad.status_code == 400 and "not a PDF file" in bad.json()["tor_file"][0]
        good = api.patch(url, {"tor_file": SimpleUploadedFile("tor.pdf", pdf_bytes())}, format="multipart")
        assert good.status_code == 200 and good.json()["has_tor_file"] is True
        assert "tor_file" not in good.json()


class TestComputedClocks:
    def test_milestones_carry_days_remaining_and_overdue(self, api, partnerships, today):
        response = api.post(
            "/api/v1/reviews/",
            {
                "kind": "dhr",
                "subject_reference": "Adult R",
                "lead_partnership": partnerships["csp"].pk,
                "notification_date": (today - dt.timedelta(days=3)).isoformat(),
            },
            format="json",
        )
        decision, report = response.json()["milestones"]
        due = dt.date.fromisoformat(decision["due"])
        assert decision["days_remaining"] == (due - today).days and decision["overdue"] is (due < today)
        assert report["days_remaining"] is None and report["overdue"] is False  # not dated yet

    def test_a_contribution_says_how_long_is_left_until_it_is_submitted(self, world, api, open_review, today):
        review = open_review()
        created = api.post(
            "/api/v1/review-contributions/",
            {
                "review": review.pk,
                "organisation": world.provider.pk,
                "kind": "chronology",
                "due_date": (today + dt.timedelta(days=5)).isoformat(),
            },
            format="json",
        ).json()
        assert (created["days_remaining"], created["overdue"]) == (5, False)
        Contribution.objects.filter(pk=created["id"]).update(due_date=today - dt.timedelta(days=2))
        late = api.get(f"/api/v1/review-contributions/{created['id']}/").json()
        assert (late["days_remaining"], late["overdue"]) == (-2, True)
        submitted = world.api(Role.PROVIDER).patch(
            f"/api/v1/review-contributions/{created['id']}/", {"status": "submitted"}, format="json"
        )
        assert (submitted.json()["days_remaining"], submitted.json()["overdue"]) == (None, False)
