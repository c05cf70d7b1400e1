import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assurance import actions
from assurance.choices import AssessmentStatus
from assurance.models import Assessment, Cycle, Evidence
from assurance.tests.factories import assessment_of, complete, framework, open_cycle, submitted
from core.choices import Role
from core.models import TrackedAction
from core.testing import count_queries, make_provider


@pytest.fixture
def cycle(world):
    return open_cycle(world)


@pytest.fixture
def assessment(world, cycle):
    return assessment_of(cycle, world.provider)


class TestOpeningACycleFromThePage:
    def test_the_designated_professional_opens_a_cycle(self, world, client_for):
        due = timezone.localdate() + dt.timedelta(days=40)
        response = client_for(world.user(Role.DESIGNATED)).post(
            "/assurance/cycles/open/",
            {
                "framework": framework().pk,
                "period_label": "2026/27",
                "due_date": due.isoformat(),
                "organisations": [world.provider.pk, world.other_provider.pk],
            },
        )
        cycle = Cycle.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/assurance/cycles/{cycle.pk}/"
        assert cycle.assessments.count() == 2

    def test_a_past_due_date_is_an_error_on_the_form(self, world, client_for):
        response = client_for(world.user(Role.DESIGNATED)).post(
            "/assurance/cycles/open/",
            {
                "framework": framework().pk,
                "period_label": "x",
                "due_date": "2020-01-01",
                "organisations": [world.provider.pk],
            },
        )
        assert response.status_code == 200 and "The due date cannot be in the past" in response.content.decode()
        assert not Cycle.objects.exists()


class TestCompletingOnThePage:
    def test_a_section_is_saved_as_a_draft(self, world, client_for, assessment):
        client = client_for(world.user(Role.PROVIDER))
        section = assessment.cycle.framework.sections.first()
        responses = list(assessment.responses.filter(requirement__section=section))
        data = {f"r{r.pk}_rating": "fully_met" for r in responses}
        data |= {f"r{r.pk}_narrative": "Policy in place" for r in responses}
        response = client.post(f"/assurance/assessments/{assessment.pk}/sections/{section.pk}/", data)
        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.IN_PROGRESS
        assert set(assessment.responses.filter(requirement__section=section).values_list("rating", flat=True)) == {
            "fully_met"
        }

    def test_submitting_with_a_shortfall_without_action_shows_the_problem(self, world, client_for, assessment):
        user = world.user(Role.PROVIDER)
        complete(assessment, user)
        response = assessment.responses.get(requirement__code="S11-3")
        actions.do_save_response(response, rating="partially_met", acting_user=user)
        page = client_for(user).post(f"/assurance/assessments/{assessment.pk}/submit/")
        assert (
            page.status_code == 200
            and "S11-3: A rating of partially met needs at least one SMART action" in page.content.decode()
        )
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.IN_PROGRESS

    def test_an_action_is_added_from_the_page_and_errors_name_the_field(self, world, client_for, assessment):
        client = client_for(world.user(Role.PROVIDER))
        response = assessment.responses.first()
        url = f"/assurance/responses/{response.pk}/actions/add/"
        page = client.post(url, {"title": "Train staff", "owner": "", "due_date": "", "success_measure": ""})
        assert page.status_code == 200
        text = page.content.decode()
        assert "Owner: Name who owns the action." in text and "Enter the date the action is due" in text
        due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
        client.post(url, {"title": "Train staff", "owner": "Named nurse", "due_date": due, "success_measure": "90%"})
        assert TrackedAction.objects.for_source(response).count() == 1

    def test_evidence_upload_refuses_a_forbidden_type_and_serves_a_good_file_only_in_scope(
        self, world, client_for, assessment
    ):
        client = client_for(world.user(Role.PROVIDER))
        response = assessment.responses.first()
        url = f"/assurance/responses/{response.pk}/evidence/add/"
        bad = client.post(url, {"upload": SimpleUploadedFile("virus.exe", b"MZ")})
        assert "cannot be uploaded" in bad.content.decode() and not Evidence.objects.exists()
        client.post(url, {"upload": SimpleUploadedFile("policy.txt", b"our policy", content_type="text/plain")})
        evidence = Evidence.objects.get()
        download = client.get(f"/assurance/evidence/{evidence.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"our policy"
        other = client_for(world.other_provider_user).get(f"/assurance/evidence/{evidence.pk}/")
        assert other.status_code == 404


class TestReviewOnThePage:
    def test_challenge_then_sign_off(self, world, client_for, assessment):
        submitted(world, assessment)
        designated = client_for(world.user(Role.DESIGNATED))
        responses = list(assessment.responses.all())
        data = {f"r{r.pk}_decision": "accepted" for r in responses}
        data[f"r{responses[0].pk}_decision"] = "challenged"
        data[f"r{responses[0].pk}_comment"] = "Please attach the chart."
        designated.post(f"/assurance/assessments/{assessment.pk}/review/", data)
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.RETURNED
        page = designated.get(f"/assurance/assessments/{assessment.pk}/").content.decode()
        assert "Please attach the chart." in page and "returned" in page.lower()

    def test_a_challenge_without_comment_is_refused(self, world, client_for, assessment):
        submitted(world, assessment)
        response = assessment.responses.first()
        page = client_for(world.user(Role.DESIGNATED)).post(
            f"/assurance/assessments/{assessment.pk}/review/", {f"r{response.pk}_decision": "challenged"}
        )
        assert "Say what the provider must add or change" in page.content.decode()
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SUBMITTED


class TestProgressAndRollUp:
    def test_cycle_progress_shows_who_is_late(self, world, client_for, cycle):
        Cycle.objects.filter(pk=cycle.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
        submitted(world, assessment_of(cycle, world.other_provider))
        page = client_for(world.user(Role.ADMINISTRATOR)).get(f"/assurance/cycles/{cycle.pk}/")
        assert page.context["progress"].late == 1
        late = [row.assessment.organisation for row in page.context["progress"].rows if row.late]
        assert late == [world.provider]

    def test_rollup_compares_with_the_previous_cycle(self, world, client_for):
        first = open_cycle(world, period="2025/26")
        submitted(world, assessment_of(first, world.provider), shortfall_codes={"S11-1"})
        second = open_cycle(world, period="2026/27", due_in_days=60)
        submitted(world, assessment_of(second, world.provider))
        page = client_for(world.user(Role.EXECUTIVE)).get("/assurance/roll-up/")
        (comparison,) = page.context["rollup"].comparisons
        row = next(r for r in comparison.rows if r[0] == world.provider)
        assert row[1:] == ("amber", "green", "better")

    def test_lists_do_not_query_per_row(self, world, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        open_cycle(world)
        few, _ = count_queries(lambda: client.get("/assurance/"))
        more = [make_provider(world.icb) for _ in range(5)]
        open_cycle(world, organisations=more, period="2027/28")
        many, _ = count_queries(lambda: client.get("/assurance/"))
        assert many == few
        few_c, _ = count_queries(lambda: client.get("/assurance/cycles/"))
        open_cycle(world, organisations=more, period="2028/29")
        many_c, _ = count_queries(lambda: client.get("/assurance/cycles/"))
        assert many_c == few_c
        roll_few, _ = count_queries(lambda: client.get("/assurance/roll-up/"))
        open_cycle(world, organisations=[make_provider(world.icb) for _ in range(3)], period="2029/30")
        roll_many, _ = count_queries(lambda: client.get("/assurance/roll-up/"))
        assert roll_many == roll_few

    def test_provider_sees_only_its_own_assessments_in_the_list(self, world, client_for, cycle):
        page = client_for(world.user(Role.PROVIDER)).get("/assurance/")
        organisations = {a.organisation for a, _, _ in page.context["rows"]}
        assert organisations == {world.provider}
        assert Assessment.objects.count() == 2


def test_assessment_and_review_pages_do_not_query_per_requirement(world, client_for):
    from assurance.choices import ReviewDecision

    cycle = open_cycle(world)
    bare = assessment_of(cycle, world.other_provider)
    busy = assessment_of(cycle, world.provider)
    submitted(world, bare)
    submitted(world, busy, shortfall_codes={"S11-1", "S11-2", "S11-3", "S11-4"})
    designated = world.user(Role.DESIGNATED)
    first = bare.responses.select_related("requirement").first()
    actions.do_review(bare, {first: (ReviewDecision.CHALLENGED, "One question")}, acting_user=designated)
    responses = list(busy.responses.select_related("requirement"))
    actions.do_review(
        busy,
        dict.fromkeys(responses[:6], (ReviewDecision.CHALLENGED, "More evidence please")),
        acting_user=world.user(Role.DESIGNATED),
    )
    for response in responses[:6]:
        actions.do_add_evidence_link(response, url="https://example.invalid/e", acting_user=world.user(Role.PROVIDER))
    client = client_for(world.user(Role.DESIGNATED))
    for url in ("/assurance/assessments/{}/", "/assurance/assessments/{}/review/"):
        few, _ = count_queries(lambda url=url: client.get(url.format(bare.pk)))
        many, _ = count_queries(lambda url=url: client.get(url.format(busy.pk)))
        assert many == few, url


def test_cycle_list_counts_late_assessments_only_after_the_due_date(world, client_for):
    cycle = open_cycle(world)
    submitted(world, assessment_of(cycle, world.other_provider))
    client = client_for(world.user(Role.DESIGNATED))
    (listed,) = client.get("/assurance/cycles/").context["cycles"]
    assert (listed.total, listed.unsubmitted, listed.submitted, listed.late) == (2, 1, 1, 0)
    Cycle.objects.filter(pk=cycle.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    (listed,) = client.get("/assurance/cycles/").context["cycles"]
    assert listed.late == 1


def test_an_actions_source_links_to_the_requirement_on_its_assessment(world, assessment):
    from assurance.tests.factories import add_action

    response = assessment.responses.first()
    action = add_action(response, world.user(Role.PROVIDER))
    source = action.source_type.get_object_for_this_type(pk=action.source_id)
    assert source.get_absolute_url() == f"/assurance/assessments/{assessment.pk}/#req-{response.pk}"
