import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import actions as core_actions
from core.choices import ActionSource, ActionStatus, Role
from core.models import TrackedAction
from core.testing import pdf_bytes
from reviews import actions, reports
from reviews.choices import ContributionStatus, DecisionOutcome, ReviewStatus
from reviews.models import Contribution, Involvement, Recommendation, Review


class TestOpeningAReview:
    def test_it_opens_a_review_for_the_users_icb(self, world, open_review):
        review = open_review(themes=[])
        assert review.icb == world.icb and review.kind.code == "rapid_review"
        assert review.reference == f"R{review.pk:04d}"

    def test_it_refuses_a_decision_before_the_notification_and_saves_nothing(self, open_review, today):
        with pytest.raises(ValidationError) as error:
            open_review(notification_date=today - dt.timedelta(days=5), decision_date=today - dt.timedelta(days=6))
        assert "cannot be before the notification date" in error.value.message_dict["decision_date"][0]
        assert not Review.objects.exists()

    def test_it_refuses_dates_in_the_future(self, open_review, today):
        with pytest.raises(ValidationError) as error:
            open_review(publication_date=today + dt.timedelta(days=1))
        assert error.value.message_dict["publication_date"] == [
            "The completion or publication date cannot be in the future."
        ]

    def test_a_name_like_subject_reference_needs_acknowledging(self, open_review):
        with pytest.raises(ValidationError) as error:
            open_review(subject_reference="Jane Smith")
        assert "looks like a person's name" in error.value.message_dict["subject_reference"][0]
        assert "tick to confirm" in error.value.message_dict["acknowledge_identifiers"][0]
        assert not Review.objects.exists()
        assert open_review(subject_reference="Jane Smith", acknowledge_identifiers=True).pk

    def test_a_valid_nhs_number_in_the_summary_needs_acknowledging(self, open_review):
        with pytest.raises(ValidationError) as error:
            open_review(summary="Seen under 999 000 0018 at the unit")
        assert "valid NHS number" in error.value.message_dict["summary"][0]
        assert open_review(summary="Reference 999 000 0019 is not one").pk  # wrong check digit: no warning

    def test_the_lead_partnership_must_be_a_partnership_of_the_icb(self, world, open_review):
        with pytest.raises(ValidationError) as error:
            open_review(lead_partnership=world.provider)
        assert "safeguarding children partnership" in error.value.message_dict["lead_partnership"][0]

    def test_a_terms_of_reference_file_of_the_wrong_type_is_refused(self, open_review):
        upload = SimpleUploadedFile("tor.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
        with pytest.raises(ValidationError) as error:
            open_review(tor_file=upload)
        assert "not a PDF file" in error.value.message_dict["tor_file"][0]
        assert not Review.objects.exists()

    def test_a_300_character_terms_of_reference_name_keeps_its_extension(self, open_review):
        name = "Terms of reference for the review " * 9 + ".pdf"
        assert len(name) > 300
        review = open_review(tor_file=SimpleUploadedFile(name, pdf_bytes(), "application/pdf"))
        assert review.tor_file.name.endswith(".pdf") and len(review.tor_file.name) <= 100

    def test_a_terms_of_reference_file_that_only_starts_like_a_pdf_is_refused(self, open_review):
        with pytest.raises(ValidationError) as error:
            open_review(tor_file=SimpleUploadedFile("tor.pdf", b"%PDF-1.4 synthetic", "application/pdf"))
        assert error.value.message_dict["tor_file"] == ["The file's content is not a readable PDF file."]
        assert not Review.objects.exists()

    def test_a_terms_of_reference_pdf_is_stored(self, open_review):
        review = open_review(tor_file=SimpleUploadedFile("tor.pdf", pdf_bytes(), "application/pdf"))
        assert review.tor_file.name.endswith(".pdf")

    def test_updating_links_parallel_reviews_both_ways(self, world, open_review, partnerships):
        dhr = open_review("dhr", subject_reference="Adult R", lead_partnership=partnerships["csp"])
        sar = open_review("sar", subject_reference="Adult R", lead_partnership=partnerships["sab"])
        actions.do_update_review(dhr, linked_reviews=[sar], acting_user=world.user(Role.DESIGNATED))
        assert list(sar.linked_reviews.all()) == [dhr]


class TestDecision:
    def test_a_rapid_review_deciding_on_a_cspr_opens_a_linked_cspr(self, world, open_review, today):
        rapid = open_review(summary="Synthetic case", subject_age=2, abuse_or_neglect=True, harm="serious_harm")
        actions.do_add_contributions(
            rapid, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
        )
        cspr = actions.do_record_decision(
            rapid,
            decision_date=today - dt.timedelta(days=2),
            outcome=DecisionOutcome.LOCAL_CSPR,
            initiation_date=today - dt.timedelta(days=1),
            acting_user=world.user(Role.DESIGNATED),
        )
        rapid.refresh_from_db()
        assert rapid.decision_outcome == DecisionOutcome.LOCAL_CSPR and rapid.status == ReviewStatus.COMPLETED
        assert cspr.kind.code == "cspr_local" and cspr.subject_reference == "Child Q"
        assert list(cspr.linked_reviews.all()) == [rapid]
        assert cspr.initiation_date == today - dt.timedelta(days=1)
        assert list(cspr.involvements.values_list("organisation", flat=True)) == [world.provider.pk]

    def test_only_a_rapid_review_decides_on_a_cspr(self, world, open_review, partnerships, today):
        sar = open_review("sar", lead_partnership=partnerships["sab"])
        with pytest.raises(ValidationError):
            actions.do_record_decision(sar, decision_date=today, outcome=DecisionOutcome.LOCAL_CSPR, acting_user=None)

    def test_a_decision_before_notification_is_refused(self, open_review, today):
        rapid = open_review()
        with pytest.raises(ValidationError) as error:
            actions.do_record_decision(
                rapid, decision_date=today - dt.timedelta(days=30), outcome=DecisionOutcome.NO_REVIEW, acting_user=None
            )
        assert "decision_date" in error.value.message_dict
        rapid.refresh_from_db()
        assert rapid.decision_date is None


class TestContributions:
    def test_each_kind_asked_for_becomes_a_contribution(self, world, open_review, today):
        review = open_review()
        made = actions.do_add_contributions(
            review,
            organisation=world.provider,
            kinds=["chronology", "agency_report"],
            due_date=today + dt.timedelta(days=10),
            acting_user=None,
        )
        assert [c.kind for c in made] == ["chronology", "agency_report"]
        assert Involvement.objects.filter(review=review, organisation=world.provider).count() == 1

    def test_it_refuses_nothing_asked_and_repeats(self, world, open_review, today):
        review = open_review()
        with pytest.raises(ValidationError) as error:
            actions.do_add_contributions(review, organisation=world.provider, kinds=[], due_date=None, acting_user=None)
        assert set(error.value.message_dict) == {"kinds", "due_date"}
        actions.do_add_contributions(
            review, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
        )
        with pytest.raises(ValidationError) as error:
            actions.do_add_contributions(
                review, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
            )
        assert "already been asked for: chronology" in error.value.message_dict["kinds"][0]

    def test_an_organisation_of_another_icb_cannot_be_involved(self, world, open_review, today):
        with pytest.raises(ValidationError):
            actions.do_add_contributions(
                open_review(),
                organisation=world.foreign_provider,
                kinds=["chronology"],
                due_date=today,
                acting_user=None,
            )
        assert not Involvement.objects.exists()

    def test_marking_submitted_records_the_date(self, world, open_review, today):
        (contribution,) = actions.do_add_contributions(
            open_review(), organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
        )
        actions.do_update_contribution(
            contribution, status=ContributionStatus.SUBMITTED, acting_user=world.user(Role.PROVIDER)
        )
        assert Contribution.objects.get().submitted_on == today


class TestRecommendations:
    def test_a_recommendation_becomes_one_action_per_organisation(self, world, open_review, recommend):
        review = open_review()
        recommendation = recommend(review, [world.provider, world.other_provider])
        actions_made = TrackedAction.objects.for_source(recommendation)
        assert sorted(a.organisation_id for a in actions_made) == sorted([world.provider.pk, world.other_provider.pk])
        assert {a.source_kind for a in actions_made} == {ActionSource.REVIEW}
        assert recommendation.number == 1
        assert set(review.involvements.values_list("organisation", flat=True)) == {
            world.provider.pk,
            world.other_provider.pk,
        }

    def test_a_recommendation_with_no_organisation_is_refused_and_nothing_saved(self, open_review, recommend):
        review = open_review()
        with pytest.raises(ValidationError) as error:
            recommend(review, [])
        assert error.value.message_dict["organisations"] == ["Assign the recommendation to at least one organisation."]
        assert not Recommendation.objects.exists() and not TrackedAction.objects.exists()

    def test_a_recommendation_whose_action_is_not_smart_is_refused_whole(self, world, open_review, recommend, today):
        with pytest.raises(ValidationError) as error:
            recommend(open_review(), [world.provider], owner="", due_date=today - dt.timedelta(days=1))
        assert set(error.value.message_dict) == {"owner", "due_date"}
        assert not Recommendation.objects.exists() and not TrackedAction.objects.exists()

    def test_closed_only_when_every_action_is_verified(self, world, open_review, recommend):
        review = open_review()
        recommendation = recommend(review, [world.provider, world.other_provider])
        designated = world.user(Role.DESIGNATED)

        def state():
            return reports.recommendation_states(Recommendation.objects.filter(pk=recommendation.pk), designated)[0]

        first, second = TrackedAction.objects.for_source(recommendation).order_by("organisation__name")
        core_actions.do_complete_action(first, evidence="Training log", acting_user=world.user(Role.PROVIDER))
        assert not state().closed
        core_actions.do_verify_action(first, acting_user=designated)
        assert not state().closed and (state().verified, state().total) == (1, 2)
        core_actions.do_complete_action(second, evidence="Audit", acting_user=world.other_provider_user)
        assert not state().closed  # completed is not verified
        core_actions.do_verify_action(second, acting_user=designated)
        assert state().closed

    def test_a_review_closes_only_when_every_recommendation_is_closed(self, world, open_review, recommend):
        review = open_review()
        (action,) = TrackedAction.objects.for_source(recommend(review, [world.provider]))
        designated = world.user(Role.DESIGNATED)
        with pytest.raises(ValidationError) as error:
            actions.do_update_review(review, status=ReviewStatus.CLOSED, acting_user=designated)
        assert error.value.message_dict["status"] == [
            "Recommendation 1 still has actions not verified: the review cannot be closed yet."
        ]
        core_actions.do_complete_action(action, evidence="Done", acting_user=world.user(Role.PROVIDER))
        core_actions.do_verify_action(action, acting_user=designated)
        actions.do_update_review(review, status=ReviewStatus.CLOSED, acting_user=designated)
        assert Review.objects.get(pk=review.pk).status == ReviewStatus.CLOSED

    def test_a_provider_cannot_verify_its_own_action(self, world, open_review, recommend):
        (action,) = TrackedAction.objects.for_source(recommend(open_review(), [world.provider]))
        core_actions.do_complete_action(action, evidence="Done", acting_user=world.user(Role.PROVIDER))
        with pytest.raises(PermissionDenied):
            core_actions.do_verify_action(action, acting_user=world.user(Role.PROVIDER))
        assert TrackedAction.objects.get(pk=action.pk).status == ActionStatus.COMPLETED


class TestLearning:
    def test_a_learning_entry_with_a_briefing_needs_its_title(self, world, open_review, today):
        review = open_review()
        with pytest.raises(ValidationError) as error:
            actions.do_add_learning(
                review, key_findings="k", disseminated_to="d", date=today, briefing_issued=True, acting_user=None
            )
        assert "briefing_title" in error.value.message_dict
        entry = actions.do_add_learning(
            review, key_findings="Was-not-brought follow-up", disseminated_to="GP forum", date=today, acting_user=None
        )
        assert list(review.learning.all()) == [entry]


class TestScoping:
    def test_a_provider_sees_only_reviews_it_is_involved_in(self, world, open_review, today):
        involved, other = open_review(), open_review(subject_reference="Child T")
        actions.do_add_contributions(
            involved, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
        )
        actions.do_add_contributions(
            involved, organisation=world.other_provider, kinds=["agency_report"], due_date=today, acting_user=None
        )
        provider = world.user(Role.PROVIDER)
        assert list(Review.objects.restrict(provider)) == [involved]
        assert other not in Review.objects.restrict(provider)
        own = Contribution.objects.restrict(provider)
        assert [c.involvement.organisation for c in own] == [world.provider]
        assert not Review.objects.restrict(provider, "change").exists()
        assert Contribution.objects.restrict(provider, "change").count() == 1

    def test_icb_staff_see_their_icbs_reviews_only(self, world, open_review):
        review = open_review()
        assert list(Review.objects.restrict(world.user(Role.BOARD))) == [review]
        other_icb_user = world.user(Role.DESIGNATED).__class__.objects.create_user(
            username="designated.other", password="x-test-pass-1", role=Role.DESIGNATED, organisation=world.other_icb
        )
        assert not Review.objects.restrict(other_icb_user).exists()


class TestIdentifiersInFreeText:
    """Issue 9 item 7: every free-text field of reviews is checked, with the same acknowledgement."""

    def test_a_contributions_notes_are_checked(self, world, open_review, today):
        review = open_review()
        kwargs = {"organisation": world.provider, "kinds": ["chronology"], "due_date": today, "acting_user": None}
        with pytest.raises(ValidationError) as error:
            actions.do_add_contributions(review, notes="Ask JOHN SMITH for records", **kwargs)
        assert "looks like a person's name" in error.value.message_dict["notes"][0]
        assert not Contribution.objects.exists()
        (contribution,) = actions.do_add_contributions(
            review, notes="Ask JOHN SMITH for records", acknowledge_identifiers=True, **kwargs
        )
        with pytest.raises(ValidationError):
            actions.do_update_contribution(contribution, notes="NHS 943 476 5919", acting_user=None)

    def test_a_recommendation_and_the_learnings_key_findings_are_checked(self, world, open_review, today):
        review = open_review()
        with pytest.raises(ValidationError) as error:
            actions.do_add_recommendation(
                review,
                text="Ｍｒｓ Ｌａｒｋｗｏｏｄ should be seen",
                organisations=[world.provider],
                owner="Named nurse",
                due_date=today + dt.timedelta(days=30),
                success_measure="Audit",
                acting_user=None,
            )
        assert "text" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            actions.do_add_learning(
                review,
                key_findings="Child ٩٤٣٤٧٦٥٩١٩ was missed",
                disseminated_to="Forum",
                date=today,
                acting_user=None,
            )
        assert "valid NHS number" in error.value.message_dict["key_findings"][0]
        entry = actions.do_add_learning(
            review,
            key_findings="Threshold decisions were not escalated",
            disseminated_to="Forum",
            date=today,
            acting_user=None,
        )
        assert entry.pk


def test_a_child_death_review_is_led_by_the_icb_or_the_local_authority(world, open_review, partnerships):
    """[SAAF 4.5.3; DDICB Child Death Review]: the child death review partners, not the children's partnership."""
    review = open_review(kind="child_death", lead_partnership=None)
    with pytest.raises(ValidationError) as error:
        actions.do_update_review(review, lead_partnership=partnerships["scp"], acting_user=None)
    assert "child death review partners" in error.value.message_dict["lead_partnership"][0]
    actions.do_update_review(review, lead_partnership=world.icb, acting_user=None)
    review.refresh_from_db()
    assert review.lead_partnership == world.icb
