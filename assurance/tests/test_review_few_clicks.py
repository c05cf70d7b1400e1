"""Review in few clicks: accept every remaining requirement in one audited step, a SMART action beside a decision, a
returned assessment that sends the provider to each challenged requirement, and messages that name the requirements."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from assurance import actions
from assurance.choices import AssessmentStatus, ReviewDecision
from assurance.tests.factories import assessment_of, open_cycle, submitted
from core.choices import Role
from core.models import TrackedAction

SOON = timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def assessment(world):
    assessment = assessment_of(open_cycle(world), world.provider)
    submitted(world, assessment)
    return assessment


def _responses(assessment):
    return list(assessment.responses.select_related("requirement").order_by("requirement__code"))


def _smart(**changes):
    return {"title": "Re-audit", "owner": "Named nurse", "due_date": SOON, "success_measure": "Audit passed", **changes}


class TestTheAction:
    def test_accept_rest_accepts_every_undecided_requirement_beside_one_challenge_in_one_audited_step(
        self, world, assessment
    ):
        challenged, *rest = _responses(assessment)
        designated = world.user(Role.DESIGNATED)
        actions.do_review(
            assessment,
            {challenged: (ReviewDecision.CHALLENGED, "Show the policy.")},
            accept_rest=True,
            acting_user=designated,
        )
        assessment.refresh_from_db()
        decisions = dict(assessment.responses.values_list("pk", "review_decision"))
        assert decisions.pop(challenged.pk) == ReviewDecision.CHALLENGED
        assert set(decisions.values()) == {ReviewDecision.ACCEPTED} and len(decisions) == len(rest)
        assert assessment.status == AssessmentStatus.RETURNED
        assert LogEntry.objects.filter(actor=designated, object_pk=str(rest[0].pk)).exists()

    def test_accept_rest_alone_lets_the_assessment_be_signed_off(self, world, assessment):
        actions.do_review(assessment, {}, accept_rest=True, acting_user=world.user(Role.DESIGNATED))
        assert actions.sign_off_problem(assessment) is None

    def test_a_smart_action_is_raised_beside_a_decision_and_an_incomplete_one_saves_nothing(self, world, assessment):
        first, second, *_ = _responses(assessment)
        designated = world.user(Role.DESIGNATED)
        with pytest.raises(ValidationError) as refused:
            actions.do_review(
                assessment,
                {first: (ReviewDecision.ACCEPTED, "")},
                smart_actions={first: _smart(owner="")},
                accept_rest=True,
                acting_user=designated,
            )
        assert "Name who owns the action." in refused.value.message_dict[first.requirement.code][0]
        assert not TrackedAction.objects.exists()
        assert not assessment.responses.exclude(review_decision="").exists()  # one transaction: nothing saved
        actions.do_review(
            assessment,
            {second: (ReviewDecision.CHALLENGED, "Needs a re-audit.")},
            smart_actions={second: _smart()},
            acting_user=designated,
        )
        action = TrackedAction.objects.for_source(second).get()
        assert (action.owner, action.due_date, action.organisation) == ("Named nurse", SOON, world.provider)
        assert second.requirement.code in action.source_label


class TestThePages:
    def url(self, assessment):
        return f"/assurance/assessments/{assessment.pk}/review/"

    def test_one_challenge_with_its_action_then_one_click_accepts_the_rest(self, world, client_for, assessment):
        challenged, *rest = _responses(assessment)
        client = client_for(world.user(Role.DESIGNATED))
        page = client.get(self.url(assessment)).content.decode()
        assert "Accept all remaining requirements" in page
        assert f'<a href="#review-{challenged.pk}">{challenged.requirement.code}</a>' in page
        assert f'name="r{challenged.pk}_due_date-day"' in page  # the SMART action beside the decision
        response = client.post(
            self.url(assessment),
            {
                f"r{challenged.pk}_decision": "challenged",
                f"r{challenged.pk}_comment": "Show the policy.",
                f"r{challenged.pk}_title": "Publish the policy",
                f"r{challenged.pk}_owner": "Named nurse",
                f"r{challenged.pk}_due_date-day": str(SOON.day),
                f"r{challenged.pk}_due_date-month": str(SOON.month),
                f"r{challenged.pk}_due_date-year": str(SOON.year),
                f"r{challenged.pk}_success_measure": "Policy on the intranet",
                "accept_rest": "1",
            },
            follow=True,
        )
        text = response.content.decode()
        assert f"Challenged: {challenged.requirement.code}. The assessment is returned" in text
        assert f"SMART action raised on {challenged.requirement.code}" in text
        assert assessment.responses.filter(review_decision=ReviewDecision.ACCEPTED).count() == len(rest)
        assert TrackedAction.objects.for_source(challenged).count() == 1

    def test_an_incomplete_action_is_refused_naming_its_fields(self, world, client_for, assessment):
        first = _responses(assessment)[0]
        page = client_for(world.user(Role.DESIGNATED)).post(
            self.url(assessment),
            {f"r{first.pk}_decision": "accepted", f"r{first.pk}_title": "Re-audit", "accept_rest": "1"},
        )
        text = page.content.decode()
        assert page.status_code == 200
        assert "Name who owns the action." in text and "Enter the date the action is due." in text
        assert f'href="#id_r{first.pk}_owner"' in text
        assert not assessment.responses.exclude(review_decision="").exists()

    def test_the_returned_assessment_sends_the_provider_to_each_challenged_requirement(
        self, world, client_for, assessment
    ):
        first, second, *_ = _responses(assessment)
        decisions = dict.fromkeys((first, second), (ReviewDecision.CHALLENGED, "More please"))
        actions.do_review(assessment, decisions, accept_rest=True, acting_user=world.user(Role.DESIGNATED))
        page = client_for(world.user(Role.PROVIDER)).get(f"/assurance/assessments/{assessment.pk}/").content.decode()
        assert "2 requirements challenged by the ICB" in page
        for response in (first, second):
            assert f'<a href="#req-{response.pk}">{response.requirement.code}: ' in page
            assert f'id="req-{response.pk}"' in page

    def test_the_requirements_still_needing_something_are_named(self, world, client_for):
        assessment = assessment_of(open_cycle(world), world.provider)
        first = _responses(assessment)[0]
        page = client_for(world.user(Role.PROVIDER)).get(f"/assurance/assessments/{assessment.pk}/").content.decode()
        assert "still need a rating, a reason or a SMART action:" in page
        assert f'<a href="#req-{first.pk}">{first.requirement.code}</a>:' in page
