"""Rolling a cycle forward (last year's answers, evidence and open actions as the starting point, never submitted
for the provider) and closing a cycle (a reason when an assessment is not signed off)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assurance import actions
from assurance.choices import AssessmentStatus
from assurance.models import Cycle, Evidence
from assurance.tests.factories import assessment_of, complete, open_cycle, submitted
from core.choices import Role
from core.models import TrackedAction
from core.testing import pdf_bytes


@pytest.fixture
def last_year(world):
    cycle = open_cycle(world, period="2025/26")
    assessment = assessment_of(cycle, world.provider)
    provider = world.user(Role.PROVIDER)
    complete(assessment, provider, shortfall_codes=("S11-3",))
    response = assessment.responses.get(requirement__code="S11-1")
    actions.do_add_evidence_link(response, url="https://intranet.example/policy", acting_user=provider)
    actions.do_submit_assessment(assessment, acting_user=provider)
    return cycle


def roll_forward(world, previous, *, period="2026/27 (rolled)", organisations=None, framework=None):
    """A new cycle of `previous`'s framework (or `framework`) started from `previous`."""
    return actions.do_open_cycle(
        icb=world.icb,
        framework=framework or previous.framework,
        period_label=period,
        due_date=previous.due_date,
        organisations=organisations or [world.provider],
        roll_forward_from=previous,
        acting_user=world.user(Role.DESIGNATED),
    )


def test_rolling_forward_starts_from_last_years_answers_without_submitting_them(world, last_year):
    cycle = roll_forward(world, last_year, period="2027/28", organisations=[world.provider, world.other_provider])
    assessment = assessment_of(cycle, world.provider)
    assert assessment.status == AssessmentStatus.NOT_STARTED and assessment.submitted_at is None
    carried = assessment.responses.get(requirement__code="S11-3")
    assert carried.rating == "partially_met" and carried.narrative == "Narrative for S11-3"
    assert carried.carried_from.assessment.cycle == last_year
    link = Evidence.objects.get(response__assessment=assessment)
    assert link.url == "https://intranet.example/policy"
    other = assessment_of(cycle, world.other_provider)
    assert not other.responses.exclude(rating="").exists()  # it had no answers last year: it starts blank


def test_open_actions_move_to_the_new_answer_with_a_note(world, last_year):
    old_response = assessment_of(last_year, world.provider).responses.get(requirement__code="S11-3")
    action = TrackedAction.objects.for_source(old_response).get()
    cycle = roll_forward(world, last_year)
    new_response = assessment_of(cycle, world.provider).responses.get(requirement__code="S11-3")
    action.refresh_from_db()
    assert action.source_id == new_response.pk
    assert action.updates.last().note.startswith("Carried over from the 2025/26 cycle")


def test_a_closed_action_stays_with_last_years_answer(world, last_year):
    old_response = assessment_of(last_year, world.provider).responses.get(requirement__code="S11-3")
    action = TrackedAction.objects.for_source(old_response).get()
    provider = world.user(Role.PROVIDER)
    from core.actions import do_complete_action

    do_complete_action(action, evidence="Policy ratified.", acting_user=provider)
    roll_forward(world, last_year)
    action.refresh_from_db()
    assert action.source_id == old_response.pk


def test_rolling_forward_from_another_framework_is_refused(world, last_year):
    with pytest.raises(ValidationError) as error:
        prevent = open_cycle(world, key="prevent", period="2026/27")
        roll_forward(world, last_year, period="2027/28", framework=prevent.framework)
    assert "roll_forward_from" in error.value.message_dict
    assert not Cycle.objects.filter(period_label="2027/28").exists()


def test_closing_needs_a_reason_while_an_assessment_is_not_signed_off(world, last_year):
    designated = world.user(Role.DESIGNATED)
    with pytest.raises(ValidationError) as error:
        actions.do_close_cycle(last_year, reason="", acting_user=designated)
    assert "reason" in error.value.message_dict
    last_year.refresh_from_db()
    assert last_year.closed_at is None
    actions.do_close_cycle(last_year, reason="The year ended; two providers will be chased.", acting_user=designated)
    last_year.refresh_from_db()
    assert last_year.closed_at and last_year.closed_by == designated
    with pytest.raises(ValidationError):
        actions.do_close_cycle(last_year, reason="again", acting_user=designated)


def test_a_fully_signed_off_cycle_closes_without_a_reason(world):
    cycle = open_cycle(world, organisations=[world.provider])
    assessment = assessment_of(cycle, world.provider)
    submitted(world, assessment)
    designated = world.user(Role.DESIGNATED)
    actions.do_review(assessment, dict.fromkeys(assessment.responses.all(), ("accepted", "")), acting_user=designated)
    actions.do_sign_off(assessment, acting_user=designated)
    actions.do_close_cycle(cycle, acting_user=designated)
    assert Cycle.objects.get(pk=cycle.pk).closed_at is not None


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.BOARD, Role.CONTRACTS, Role.AUDITOR])
def test_only_cycle_managers_close(world, last_year, role):
    with pytest.raises(PermissionDenied):
        actions.do_close_cycle(last_year, reason="x", acting_user=world.user(role))


def test_the_pages_close_and_roll_forward(world, last_year, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    refused = client.post(f"/assurance/cycles/{last_year.pk}/close/", {"reason": ""})
    assert refused.status_code == 200 and "not signed off" in refused.content.decode()
    closed = client.post(f"/assurance/cycles/{last_year.pk}/close/", {"reason": "Year ended."})
    assert closed.status_code == 302
    listing = client.get("/assurance/cycles/").content.decode()
    assert "Closed cycles" in listing and "No cycle is open." in listing
    form = client.get(f"/assurance/cycles/open/?from={last_year.pk}")
    assert form.context["form"].initial["roll_forward_from"] == last_year
    assert client.get("/assurance/cycles/open/?from=99999999999999999999999").status_code == 200


def test_the_api_closes_a_cycle_and_rolls_one_forward(world, last_year):
    api = world.api(Role.DESIGNATED)
    refused = api.post(f"/api/v1/assurance/cycles/{last_year.pk}/close/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert (
        api.post(
            f"/api/v1/assurance/cycles/{last_year.pk}/close/", {"reason": "Year ended."}, format="json"
        ).status_code
        == 200
    )
    created = api.post(
        "/api/v1/assurance/cycles/",
        {
            "framework": last_year.framework_id,
            "period_label": "2026/27",
            "due_date": last_year.due_date.isoformat(),
            "organisations": [world.provider.pk],
            "roll_forward_from": last_year.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["rolled_from"] == last_year.pk


def test_the_roll_up_can_be_narrowed_to_one_framework(world, last_year, client_for):
    prevent = open_cycle(world, key="prevent", organisations=[world.provider])
    complete(assessment_of(prevent, world.provider), world.user(Role.PROVIDER))
    client = client_for(world.user(Role.DESIGNATED))
    every = client.get("/assurance/roll-up/").context["rollup"]
    narrowed = client.get("/assurance/roll-up/?framework=prevent").context["rollup"]
    assert {key for key, _ in narrowed.frameworks} <= {"prevent"}
    assert len(every.frameworks) >= len(narrowed.frameworks)
    assert client.get("/assurance/roll-up/?framework=unknown").status_code == 200


def test_an_evidence_file_is_listed_again_not_copied(world, tmp_path):
    cycle = open_cycle(world, organisations=[world.provider], period="2025/26")
    response = assessment_of(cycle, world.provider).responses.first()
    upload = SimpleUploadedFile("policy.pdf", pdf_bytes())
    evidence = actions.do_add_evidence_file(response, upload=upload, acting_user=world.user(Role.PROVIDER))
    rolled = roll_forward(world, cycle, period="2026/27")
    carried = Evidence.objects.get(response__assessment__cycle=rolled)
    assert carried.file.name == evidence.file.name and carried.pk != evidence.pk


def test_a_closed_cycle_is_no_longer_completed_chased_or_listed_to_do(world, client_for):
    from assurance import home, reminders

    cycle = open_cycle(world, organisations=[world.provider], due_in_days=1)
    assessment = assessment_of(cycle, world.provider)
    actions.do_close_cycle(cycle, reason="Superseded.", acting_user=world.user(Role.DESIGNATED))
    with pytest.raises(ValidationError) as error:
        complete(assessment, world.user(Role.PROVIDER))
    assert "closed" in error.value.message_dict["status"][0]
    panel = home.panels(world.user(Role.PROVIDER))[0]
    assert panel.items == []
    assert list(reminders.collect(cycle.due_date + dt.timedelta(days=10))) == []


def test_roll_forward_is_in_the_audit_trail_and_keeps_who_added_evidence(world, last_year):
    from core.audit import history_for

    rolled = roll_forward(world, last_year, period="2026/27")
    carried = assessment_of(rolled, world.provider).responses.get(requirement__code="S11-3")
    assert any("rating" in (entry.changes_dict or {}) for entry in history_for(carried))
    copied = Evidence.objects.get(response__assessment__cycle=rolled)
    assert copied.added_by == world.user(Role.PROVIDER)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_closing_through_the_api_by_role(world, role):
    cycle = open_cycle(world, organisations=[world.provider])
    response = world.api(role).post(f"/api/v1/assurance/cycles/{cycle.pk}/close/", {"reason": "x"}, format="json")
    expected = 200 if role in {Role.DESIGNATED, Role.ADMINISTRATOR} else 403
    assert response.status_code == expected, response.content


def test_another_icbs_cycle_cannot_be_closed(world):
    from core.testing import make_user

    other = actions.do_open_cycle(
        icb=world.other_icb,
        framework=open_cycle(world, organisations=[world.provider]).framework,
        period_label="2026/27",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        organisations=[world.foreign_provider],
        acting_user=make_user(Role.DESIGNATED, world.other_icb),
    )
    assert (
        world.api(Role.DESIGNATED).post(f"/api/v1/assurance/cycles/{other.pk}/close/", {"reason": "x"}).status_code
        == 404
    )
