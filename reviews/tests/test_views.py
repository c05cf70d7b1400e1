import datetime as dt

import pytest

from core.choices import Role
from core.models import TrackedAction
from core.testing import count_queries, pdf_bytes
from reviews import actions
from reviews.models import Contribution, Recommendation, Review, ReviewKind, Theme


@pytest.fixture
def designated(world, client_for):
    return client_for(world.user(Role.DESIGNATED))


def review_form(partnerships, today, **overrides):
    data = {
        "kind": ReviewKind.objects.get(code="rapid_review").pk,
        "subject_reference": "Child Q",
        "lead_partnership": partnerships["scp"].pk,
        "incident_date": (today - dt.timedelta(days=10)).isoformat(),
        "notification_date": (today - dt.timedelta(days=8)).isoformat(),
        "status": "open",
        "harm": "",
        "abuse_or_neglect": "unknown",
        "subject_has_children": "unknown",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestOpeningAReviewPage:
    def test_it_opens_a_review_and_shows_its_milestones_and_hints(self, world, designated, partnerships, today):
        response = designated.post(
            "/reviews/add/", review_form(partnerships, today, abuse_or_neglect="false", subject_age="4")
        )
        review = Review.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/reviews/{review.pk}/"
        page = designated.get(f"/reviews/{review.pk}/").content.decode()
        assert "Eligibility hints" in page and "abuse or neglect is known or suspected" in page
        assert "Rapid review completed and sent to the national panel" in page
        assert "Pending: needs the date the agency became aware" in page

    def test_dates_out_of_order_are_shown_as_errors_and_nothing_is_saved(self, designated, partnerships, today):
        response = designated.post(
            "/reviews/add/",
            review_form(partnerships, today, decision_date=(today - dt.timedelta(days=9)).isoformat()),
        )
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page
        assert "cannot be before the notification date" in page
        assert not Review.objects.exists()

    def test_a_name_needs_the_acknowledgement_box(self, designated, partnerships, today):
        response = designated.post("/reviews/add/", review_form(partnerships, today, subject_reference="Jane Smith"))
        page = response.content.decode()
        assert "looks like a person&#x27;s name" in page and "tick to confirm" in page
        assert not Review.objects.exists()
        response = designated.post(
            "/reviews/add/",
            review_form(partnerships, today, subject_reference="Jane Smith", acknowledge_identifiers="on"),
        )
        assert response.status_code == 302 and Review.objects.get().subject_reference == "Jane Smith"

    def test_editing_themes_and_linking(self, world, designated, open_review, partnerships, today):
        review, other = (
            open_review(),
            open_review("sar", subject_reference="Adult R", lead_partnership=partnerships["sab"]),
        )
        neglect = Theme.objects.get(name="Neglect")
        data = review_form(partnerships, today, themes=[neglect.pk], linked_reviews=[other.pk])
        response = designated.post(f"/reviews/{review.pk}/edit/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert list(review.themes.all()) == [neglect] and list(other.linked_reviews.all()) == [review]

    def test_terms_of_reference_upload_and_download(
        self, world, designated, client_for, open_review, partnerships, today
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        review = open_review()
        data = review_form(partnerships, today, tor_file=SimpleUploadedFile("tor.pdf", pdf_bytes()))
        assert designated.post(f"/reviews/{review.pk}/edit/", data).status_code == 302
        response = designated.get(f"/reviews/{review.pk}/terms-of-reference/")
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        bad = review_form(partnerships, today, tor_file=SimpleUploadedFile("tor.exe", b"MZ"))
        assert "must be a PDF" in designated.post(f"/reviews/{review.pk}/edit/", bad).content.decode()


class TestDecisionContributionsRecommendations:
    def test_recording_a_cspr_decision_opens_the_cspr(self, world, designated, open_review, today):
        rapid = open_review()
        response = designated.post(
            f"/reviews/{rapid.pk}/decision/",
            {"decision_date": today.isoformat(), "outcome": "local_cspr", "initiation_date": today.isoformat()},
        )
        cspr = Review.objects.get(kind__code="cspr_local")
        assert response["Location"] == f"/reviews/{cspr.pk}/"

    def test_contributions_and_provider_update(self, world, designated, client_for, open_review, today):
        review = open_review()
        response = designated.post(
            f"/reviews/{review.pk}/contributions/add/",
            {
                "organisation": world.provider.pk,
                "kinds": ["chronology", "panel_attendance"],
                "due_date": today.isoformat(),
            },
        )
        assert response.status_code == 302 and Contribution.objects.count() == 2
        chronology = Contribution.objects.get(kind="chronology")
        provider = client_for(world.user(Role.PROVIDER))
        form = provider.get(f"/reviews/contributions/{chronology.pk}/edit/")
        assert "due_date" not in form.context["form"].fields
        assert [v for v, _ in form.context["form"].fields["status"].choices] == ["requested", "submitted"]
        provider.post(f"/reviews/contributions/{chronology.pk}/edit/", {"status": "submitted", "notes": ""})
        chronology.refresh_from_db()
        assert chronology.status == "submitted" and chronology.submitted_on == today

    def test_a_recommendation_without_an_organisation_is_an_error_on_the_form(self, designated, open_review, today):
        review = open_review()
        data = {"text": "Do better", "owner": "Named nurse", "due_date": today.isoformat(), "success_measure": "Audit"}
        response = designated.post(f"/reviews/{review.pk}/recommendations/add/", data)
        assert "Assign the recommendation to at least one organisation." in response.content.decode()
        assert not Recommendation.objects.exists()

    def test_a_recommendation_page_creates_actions(self, world, designated, open_review, today):
        review = open_review()
        data = {
            "text": "Do better",
            "organisations": [world.provider.pk],
            "owner": "Named nurse",
            "due_date": (today + dt.timedelta(days=30)).isoformat(),
            "success_measure": "Audit",
        }
        assert designated.post(f"/reviews/{review.pk}/recommendations/add/", data).status_code == 302
        assert TrackedAction.objects.get().organisation == world.provider
        page = designated.get(f"/reviews/{review.pk}/").content.decode()
        assert "Open: 0 of 1 actions verified" in page

    def test_learning_log_entry(self, designated, open_review, today):
        review = open_review()
        data = {"key_findings": "Was-not-brought", "disseminated_to": "GP forum", "date": today.isoformat()}
        assert designated.post(f"/reviews/{review.pk}/learning/add/", data).status_code == 302
        assert "GP forum" in designated.get(f"/reviews/{review.pk}/").content.decode()


class TestProviderView:
    def test_a_provider_sees_only_its_own_contributions_and_actions(
        self, world, client_for, open_review, recommend, today
    ):
        review = open_review()
        for organisation in (world.provider, world.other_provider):
            actions.do_add_contributions(
                review, organisation=organisation, kinds=["chronology"], due_date=today, acting_user=None
            )
        recommend(review, [world.provider, world.other_provider])
        page = client_for(world.user(Role.PROVIDER)).get(f"/reviews/{review.pk}/").content.decode()
        assert "Provider One" in page and "Provider Two" not in page
        assert "History" not in page


class TestCrossReviewPages:
    def test_learning_page_and_xlsx_export(self, world, designated, open_review):
        open_review(themes=[Theme.objects.get(name="Neglect")])
        page = designated.get("/reviews/learning/").content.decode()
        assert "Neglect" in page
        response = designated.get("/reviews/notifications/xlsx/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"
        assert "Child Q" in designated.get("/reviews/notifications/").content.decode()

    def test_pages_do_not_query_per_row(self, world, designated, open_review, recommend, today):
        neglect = Theme.objects.get(name="Neglect")

        def add_review(name):
            review = open_review(subject_reference=f"Child {name}", themes=[neglect])
            recommend(review, [world.provider, world.other_provider])
            for organisation in (world.provider, world.other_provider):
                actions.do_add_contributions(
                    review, organisation=organisation, kinds=["chronology"], due_date=today, acting_user=None
                )
            return review

        first = add_review("A")
        urls = ["/reviews/", f"/reviews/{first.pk}/", "/reviews/learning/", "/reviews/notifications/"]
        few = [count_queries(lambda u=url: designated.get(u))[0] for url in urls]
        for name in "BCDEF":
            add_review(name)
            recommend(first, [world.provider, world.other_provider], text=f"Recommendation {name}")
        many = [count_queries(lambda u=url: designated.get(u))[0] for url in urls]
        assert many == few


class TestHomePanels:
    def test_icb_staff_see_overdue_milestones_and_providers_their_requested_contributions(
        self, world, client_for, open_review, today
    ):
        review = open_review(awareness_date=today - dt.timedelta(days=30), notification_date=None, incident_date=None)
        actions.do_add_contributions(
            review, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
        )
        page = client_for(world.user(Role.DESIGNATED)).get("/").content.decode()
        assert "Review milestones overdue or due soon" in page and f"{review.reference} Rapid review" in page
        page = client_for(world.user(Role.PROVIDER)).get("/").content.decode()
        assert "Contributions to statutory reviews" in page and f"Chronology for {review.reference}" in page
        page = client_for(world.other_provider_user).get("/").content.decode()
        assert "No review is waiting for a contribution from you." in page


class TestListFilters:
    def test_the_list_filters_by_kind_theme_and_reference(self, world, designated, open_review, partnerships):
        neglect = Theme.objects.get(name="Neglect")
        rapid = open_review(themes=[neglect])
        sar = open_review("sar", subject_reference="Adult R", lead_partnership=partnerships["sab"])

        def listed(**params):
            return [review for review, _ in designated.get("/reviews/", params).context["rows"]]

        assert listed(kind="sar") == [sar]
        assert listed(theme=neglect.pk) == [rapid]
        assert listed(q=rapid.reference) == [rapid]
        assert listed(q="adult") == [sar]
        api = world.api(Role.DESIGNATED)
        assert [r["id"] for r in api.get("/api/v1/reviews/", {"kind": "rapid_review"}).json()["results"]] == [rapid.pk]
