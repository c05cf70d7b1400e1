"""Every page and endpoint of the assurance module against every role, and a provider user
against another provider's assessments, responses and evidence files by id (404)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assurance import actions
from assurance.tests.factories import assessment_of, open_cycle, submitted
from core.choices import ALL_ROLES, ICB_ROLES, Role
from core.testing import pdf_bytes

ALL = set(ALL_ROLES)  # every ICB and provider role; NHS England's roles are refused everywhere (403)
ICB = set(ICB_ROLES)
MANAGERS = {Role.DESIGNATED, Role.ADMINISTRATOR}
PROVIDER = {Role.PROVIDER}
DESIGNATED = {Role.DESIGNATED}

PAGES = [
    ("/assurance/", ALL),
    ("/assurance/frameworks/", ALL),
    ("/assurance/frameworks/{framework}/", ALL),
    ("/assurance/cycles/", ICB),
    ("/assurance/cycles/open/", MANAGERS),
    ("/assurance/cycles/{cycle}/", ICB),
    ("/assurance/cycles/{cycle}/close/", MANAGERS),
    ("/assurance/roll-up/", ICB),
    ("/assurance/assessments/{assessment}/", ALL),
    ("/assurance/assessments/{assessment}/sections/{section}/", PROVIDER),
    ("/assurance/assessments/{assessment}/submit/", PROVIDER),
    ("/assurance/assessments/{assessment}/review/", DESIGNATED),
    ("/assurance/assessments/{assessment}/export.xlsx", ALL),
    ("/assurance/assessments/{assessment}/import/", PROVIDER),
    ("/assurance/responses/{response}/actions/add/", PROVIDER),
    ("/assurance/responses/{response}/evidence/add/", PROVIDER),
    ("/assurance/responses/{response}/reply/", PROVIDER),
    ("/assurance/evidence/{evidence}/", ALL),
]

# (url, readers, writers by PATCH {}; None when the endpoint takes no PATCH)
ENDPOINTS = [
    ("/api/v1/assurance/frameworks/", ALL, None),
    ("/api/v1/assurance/frameworks/{framework}/", ALL, None),
    ("/api/v1/assurance/cycles/", ICB, None),
    ("/api/v1/assurance/cycles/{cycle}/", ICB, None),
    ("/api/v1/assurance/assessments/", ALL, None),
    ("/api/v1/assurance/assessments/{assessment}/", ALL, None),
    ("/api/v1/assurance/responses/", ALL, None),
    ("/api/v1/assurance/responses/{response}/", ALL, PROVIDER),
]

FOREIGN = [
    "/assurance/assessments/{other_assessment}/",
    "/assurance/assessments/{other_assessment}/sections/{section}/",
    "/assurance/assessments/{other_assessment}/submit/",
    "/assurance/assessments/{other_assessment}/export.xlsx",
    "/assurance/assessments/{other_assessment}/import/",
    "/assurance/responses/{other_response}/actions/add/",
    "/assurance/responses/{other_response}/evidence/add/",
    "/assurance/responses/{other_response}/reply/",
    "/assurance/evidence/{other_evidence}/",
    "/api/v1/assurance/assessments/{other_assessment}/",
    "/api/v1/assurance/responses/{other_response}/",
]


def _evidence(response, user):
    upload = SimpleUploadedFile("policy.pdf", pdf_bytes(), content_type="application/pdf")
    return actions.do_add_evidence_file(response, upload=upload, acting_user=user)


@pytest.fixture
def world(shared_world, db):
    """Built once for the module (conftest.module_transaction): these tests only read it."""
    return shared_world


@pytest.fixture(scope="module")
def ids(shared_world):
    world = shared_world
    cycle = open_cycle(world)
    assessment = assessment_of(cycle, world.provider)
    other = assessment_of(cycle, world.other_provider)
    response = assessment.responses.first()
    other_response = other.responses.first()
    return {
        "framework": cycle.framework_id,
        "cycle": cycle.pk,
        "assessment": assessment.pk,
        "section": response.requirement.section_id,
        "response": response.pk,
        "evidence": _evidence(response, world.user(Role.PROVIDER)).pk,
        "other_assessment": other.pk,
        "other_response": other_response.pk,
        "other_evidence": _evidence(other_response, world.other_provider_user).pk,
    }


@pytest.mark.parametrize("role", sorted(Role.values))
@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_matrix(world, ids, client_for, role, url, allowed):
    response = client_for(world.user(role)).get(url.format(**ids))
    assert response.status_code == (200 if role in allowed else 403), url


@pytest.mark.parametrize("role", sorted(Role.values))
@pytest.mark.parametrize(("url", "readers", "writers"), ENDPOINTS)
def test_endpoint_matrix(world, ids, role, url, readers, writers):
    api = world.api(role)
    assert api.get(url.format(**ids)).status_code == (200 if role in readers else 403), url
    if writers is not None:
        patch = api.patch(url.format(**ids), {}, format="json")
        assert patch.status_code == (200 if role in writers else 403), patch.content


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_a_designated_professional_signs_off(world, ids, client_for, role):
    from assurance.models import Assessment

    assessment = Assessment.objects.get(pk=ids["assessment"])
    submitted(world, assessment)
    response = client_for(world.user(role)).post(f"/assurance/assessments/{assessment.pk}/sign-off/")
    if role in DESIGNATED:
        assert response.status_code == 302  # refused with a message: nothing is accepted yet
    else:
        assert response.status_code == 403
    api = world.api(role).post(f"/api/v1/assurance/assessments/{assessment.pk}/sign-off/")
    assert api.status_code == (400 if role in DESIGNATED else 403)


@pytest.mark.parametrize("url", FOREIGN)
def test_provider_user_cannot_reach_another_providers_assessment_or_evidence(world, ids, client_for, url):
    target = url.format(**ids)
    if target.startswith("/api/"):
        response = world.api(Role.PROVIDER).get(target)
    else:
        response = client_for(world.user(Role.PROVIDER)).get(target)
    assert response.status_code == 404


def test_icb_staff_of_another_icb_cannot_reach_the_assessment(world, ids, client_for):
    from core.testing import make_user

    stranger = make_user(Role.DESIGNATED, world.other_icb)
    assert client_for(stranger).get(f"/assurance/assessments/{ids['assessment']}/").status_code == 404
    assert client_for(stranger).get(f"/assurance/evidence/{ids['evidence']}/").status_code == 404


def test_the_icbs_own_self_assessment_is_completed_by_its_designated_and_admin_staff(world, client_for):
    cycle = open_cycle(world, key="icb-statutory-duties", organisations=[world.icb])
    assessment = assessment_of(cycle, world.icb)
    section = assessment.responses.first().requirement.section_id
    url = f"/assurance/assessments/{assessment.pk}/sections/{section}/"
    for role in sorted(Role.values):
        expected = 200 if role in MANAGERS else (404 if role == Role.PROVIDER else 403)
        assert client_for(world.user(role)).get(url).status_code == expected, role


def test_evidence_files_are_not_served_from_media(world, ids, client_for):
    response = client_for(world.user(Role.PROVIDER)).get("/media/assurance/evidence/")
    assert response.status_code == 404


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_the_provider_submits_and_only_a_designated_professional_reviews(world, ids, client_for, role):
    api = world.api(role)
    submit = api.post(f"/api/v1/assurance/assessments/{ids['assessment']}/submit/")
    assert submit.status_code == (400 if role in PROVIDER else 403)  # 400: nothing is rated yet
    page = client_for(world.user(role)).post(f"/assurance/assessments/{ids['assessment']}/submit/")
    assert page.status_code == (200 if role in PROVIDER else 403)  # 200: the page lists what is missing
    review = api.post(f"/api/v1/assurance/responses/{ids['response']}/review/", {"decision": "accepted"})
    assert review.status_code == (400 if role in DESIGNATED else 403)  # 400: not submitted yet


@pytest.mark.parametrize("url", ["/assurance/", "/assurance/roll-up/", "/api/v1/assurance/assessments/"])
def test_anonymous_users_are_sent_to_sign_in_or_refused(client, db, url):
    response = client.get(url)
    assert response.status_code in {302, 401, 403}
    if response.status_code == 302:
        assert response["Location"].startswith("/sign-in/")
