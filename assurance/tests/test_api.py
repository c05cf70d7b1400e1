import datetime as dt

from django.utils import timezone

from assurance.choices import AssessmentStatus
from assurance.models import Cycle
from assurance.tests.factories import assessment_of, framework, open_cycle, submitted
from core.choices import Role
from core.testing import count_queries, make_provider, pdf_bytes


def test_frameworks_list_and_detail_with_requirements(world):
    api = world.api(Role.PROVIDER)
    listing = api.get("/api/v1/assurance/frameworks/").json()
    keys = {f["key"] for f in listing["results"]} if isinstance(listing, dict) else {f["key"] for f in listing}
    assert "section11-children" in keys
    detail = api.get(f"/api/v1/assurance/frameworks/{framework().pk}/").json()
    codes = [r["code"] for s in detail["sections"] for r in s["requirements"]]
    assert codes[:2] == ["S11-1", "S11-2"] and len(codes) == 12


def test_opening_a_cycle_through_the_api(world):
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    payload = {
        "framework": framework().pk,
        "period_label": "2026/27",
        "due_date": due,
        "organisations": [world.provider.pk],
    }
    response = world.api(Role.DESIGNATED).post("/api/v1/assurance/cycles/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Cycle.objects.get().assessments.count() == 1


def test_opening_a_cycle_refuses_unknown_fields_and_foreign_organisations(world):
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    api = world.api(Role.DESIGNATED)
    payload = {"framework": framework().pk, "period_label": "x", "due_date": due, "organisations": [world.provider.pk]}
    assert api.post("/api/v1/assurance/cycles/", {**payload, "colour": "red"}, format="json").json() == {
        "colour": ["Unknown field."]
    }
    response = api.post(
        "/api/v1/assurance/cycles/", {**payload, "organisations": [world.foreign_provider.pk]}, format="json"
    )
    assert response.status_code == 400 and "organisations" in response.json()
    assert world.api(Role.PROVIDER).post("/api/v1/assurance/cycles/", payload, format="json").status_code == 403


def test_a_provider_saves_answers_and_submission_rules_come_back_as_400(world):
    assessment = assessment_of(open_cycle(world), world.provider)
    api = world.api(Role.PROVIDER)
    response = assessment.responses.get(requirement__code="S11-1")
    saved = api.patch(f"/api/v1/assurance/responses/{response.pk}/", {"rating": "not_met"}, format="json")
    assert saved.status_code == 200 and saved.json()["rating"] == "not_met"
    refused = api.post(f"/api/v1/assurance/assessments/{assessment.pk}/submit/")
    assert refused.status_code == 400
    assert "SMART action" in refused.json()["S11-1"][0] and refused.json()["S11-2"] == ["Choose a rating."]
    bad = api.patch(f"/api/v1/assurance/responses/{response.pk}/", {"rating": "sort of"}, format="json")
    assert bad.status_code == 400


def test_review_challenge_and_sign_off_through_the_api(world):
    assessment = submitted(world, assessment_of(open_cycle(world), world.provider))
    api = world.api(Role.DESIGNATED)
    responses = list(assessment.responses.all())
    for response in responses[1:]:
        assert (
            api.post(f"/api/v1/assurance/responses/{response.pk}/review/", {"decision": "accepted"}).status_code == 200
        )
    assert api.post(f"/api/v1/assurance/assessments/{assessment.pk}/sign-off/").status_code == 400
    challenged = api.post(
        f"/api/v1/assurance/responses/{responses[0].pk}/review/", {"decision": "challenged", "comment": "More please"}
    )
    assert challenged.json()["review_decision"] == "challenged"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    provider = world.api(Role.PROVIDER)
    assert provider.post(f"/api/v1/assurance/assessments/{assessment.pk}/submit/").status_code == 200
    api.post(f"/api/v1/assurance/responses/{responses[0].pk}/review/", {"decision": "accepted"})
    signed = api.post(f"/api/v1/assurance/assessments/{assessment.pk}/sign-off/")
    assert signed.status_code == 200 and signed.json()["status"] == "signed_off" and signed.json()["rag"] == "green"


def test_assessment_list_is_scoped_and_does_not_query_per_row(world):
    open_cycle(world)
    provider = world.api(Role.PROVIDER)
    data = provider.get("/api/v1/assurance/assessments/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert {r["organisation"] for r in rows} == {world.provider.pk}
    api = world.api(Role.DESIGNATED)
    few, _ = count_queries(lambda: api.get("/api/v1/assurance/assessments/"))
    open_cycle(world, organisations=[make_provider(world.icb) for _ in range(4)], period="2027/28")
    many, _ = count_queries(lambda: api.get("/api/v1/assurance/assessments/"))
    assert many == few


def test_delete_is_refused(world):
    cycle = open_cycle(world)
    assert world.api(Role.DESIGNATED).delete(f"/api/v1/assurance/cycles/{cycle.pk}/").status_code == 405


def test_evidence_is_uploaded_listed_downloaded_and_archived_through_the_api(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assurance.tests.factories import assessment_of, open_cycle

    cycle = open_cycle(world, organisations=[world.provider])
    response = assessment_of(cycle, world.provider).responses.first()
    api = world.api("provider")
    wrong = api.post(
        "/api/v1/assurance/evidence/",
        {"response": response.pk, "upload": SimpleUploadedFile("policy.pdf", b"MZ not a pdf")},
        format="multipart",
    )
    assert wrong.status_code == 400 and "upload" in wrong.json()
    neither = api.post("/api/v1/assurance/evidence/", {"response": response.pk}, format="multipart")
    assert neither.status_code == 400
    created = api.post(
        "/api/v1/assurance/evidence/",
        {
            "response": response.pk,
            "upload": SimpleUploadedFile("policy.pdf", pdf_bytes()),
            "description": "Policy",
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    evidence_id = created.json()["id"]
    link = api.post(
        "/api/v1/assurance/evidence/", {"response": response.pk, "url": "https://intranet.example/p"}, format="json"
    )
    assert link.status_code == 201, link.content
    listed = api.get(f"/api/v1/assurance/evidence/?response={response.pk}").json()["results"]
    assert {item["kind"] for item in listed} == {"file", "link"}
    download = api.get(f"/api/v1/assurance/evidence/{evidence_id}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        world.api(world.other_provider_user).get(f"/api/v1/assurance/evidence/{evidence_id}/download/").status_code
        == 404
    )
    assert api.post(f"/api/v1/assurance/evidence/{evidence_id}/archive/").status_code == 200
    assert api.get(f"/api/v1/assurance/evidence/{evidence_id}/").status_code == 404


def test_a_framework_read_through_the_api_has_its_guidance_worded_with_the_icbs_settings(world):
    from assurance.models import Framework

    lampard = Framework.objects.filter(key="lampard-2015").order_by("-effective_date").first()
    detail = world.api("designated").get(f"/api/v1/assurance/frameworks/{lampard.pk}/").json()
    guidance = [r["guidance"] for section in detail["sections"] for r in section["requirements"]]
    assert guidance and not any("{" in text for text in guidance)
