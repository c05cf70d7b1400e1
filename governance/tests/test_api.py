import datetime as dt

from core.choices import Role
from governance.models import AnnualReport, Policy, PolicyDocument, Risk, RiskEscalation, RiskScore
from governance.tests.conftest import pdf

RISK = {
    "title": "Vacancy",
    "owner": "Chief nurse",
    "initial_likelihood": 4,
    "initial_consequence": 4,
    "current_likelihood": 4,
    "current_consequence": 4,
    "target_likelihood": 2,
    "target_consequence": 2,
}


def test_create_a_risk_rescore_and_escalate_it(world, records, today):
    api = world.api(Role.DESIGNATED)
    created = api.post("/api/v1/risks/", {**RISK, "review_date": today.isoformat()}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["current_score"], body["band"], body["needs_escalation"]) == (16, "extreme", True)
    rescored = api.post(f"/api/v1/risks/{body['id']}/rescore/", {"likelihood": 5, "consequence": 4}, format="json")
    assert rescored.json()["current_score"] == 20 and len(rescored.json()["history"]) == 2
    escalated = api.post(f"/api/v1/risks/{body['id']}/escalate/", {"committee": records["committee"]}, format="json")
    assert escalated.status_code == 200 and escalated.json()["needs_escalation"] is False
    assert RiskEscalation.objects.filter(risk_id=body["id"]).get().score == 20


def test_a_score_outside_1_to_5_is_a_400_naming_the_field(world, today):
    api = world.api(Role.DESIGNATED)
    response = api.post(
        "/api/v1/risks/", {**RISK, "target_consequence": 6, "review_date": today.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"target_consequence": ["Enter a whole number from 1 to 5."]}
    assert not Risk.objects.exists() and not RiskScore.objects.exists()


def test_an_interval_of_zero_is_a_400_and_the_next_review_is_computed(world):
    api = world.api(Role.ADMINISTRATOR)
    policy = {"title": "Safer recruitment", "owner": "HR", "document_version": "1", "approved_on": "2026-01-31"}
    refused = api.post("/api/v1/policies/", {**policy, "review_interval_months": 0}, format="json")
    assert refused.status_code == 400 and "review_interval_months" in refused.json()
    created = api.post("/api/v1/policies/", {**policy, "review_interval_months": 37}, format="json")
    assert created.status_code == 201
    assert created.json()["next_review_on"] == "2029-02-28" and created.json()["organisation"] == world.icb.pk
    assert Policy.objects.count() == 1


def test_records_are_archived_not_deleted(world, records):
    api = world.api(Role.DESIGNATED)
    assert api.delete(f"/api/v1/risks/{records['risk']}/").status_code == 405
    archived = api.post(f"/api/v1/risks/{records['risk']}/archive/")
    assert archived.status_code == 200 and archived.json()["archived_at"]
    assert api.get("/api/v1/risks/?archived=false").json()["count"] == 0


def test_policy_document_upload_through_the_api(world, records):
    api = world.api(Role.DESIGNATED)
    response = api.post("/api/v1/policy-documents/", {"policy": records["policy"], "file": pdf(), "version": "1.1"})
    assert response.status_code == 201, response.json()
    assert response.json()["download"].startswith("/governance/policy-documents/")
    assert PolicyDocument.objects.filter(policy_id=records["policy"]).count() == 2
    bad = api.post("/api/v1/policy-documents/", {"policy": records["policy"], "file": pdf("x.txt")})
    assert bad.status_code == 400 and "file" in bad.json()


def test_annual_reports_expect_receive_review_through_the_api(world, records, today):
    api = world.api(Role.DESIGNATED)
    again = api.post("/api/v1/annual-reports/expect/", {"year": today.year - 1}, format="json")
    assert again.status_code == 201 and again.json() == []
    report = records["sibling_report"]
    refused = api.post(
        f"/api/v1/annual-reports/{report}/review/", {"reviewed_on": today, "feedback": "x"}, format="json"
    )
    assert refused.status_code == 400 and "reviewed_on" in refused.json()
    assert (
        api.post(f"/api/v1/annual-reports/{report}/receive/", {"received_on": today}, format="json").status_code == 200
    )
    done = api.post(
        f"/api/v1/annual-reports/{report}/review/", {"reviewed_on": today, "feedback": "Good"}, format="json"
    )
    assert done.json()["state"] == "reviewed"
    assert (
        world.api(Role.EXECUTIVE).post(f"/api/v1/annual-reports/{report}/receive/", {"received_on": today}).status_code
        == 403
    )
    assert world.api(Role.PROVIDER).post("/api/v1/annual-reports/expect/", {"year": 2025}).status_code == 403
    assert AnnualReport.objects.get(pk=report).feedback == "Good"


def test_the_executive_lead_records_a_decision_but_not_a_meeting(world, records, today):
    api = world.api(Role.EXECUTIVE)
    decision = api.post(
        "/api/v1/committee-decisions/", {"meeting": records["meeting"], "text": "Agreed"}, format="json"
    )
    assert decision.status_code == 201
    meeting = api.post("/api/v1/committee-meetings/", {"committee": records["committee"], "date": today}, format="json")
    assert meeting.status_code == 403


def test_unknown_fields_and_moving_a_meeting_are_refused(world, records, today):
    api = world.api(Role.DESIGNATED)
    unknown = api.post("/api/v1/committees/", {"name": "X", "kind": "board", "colour": "red"}, format="json")
    assert unknown.status_code == 400 and unknown.json() == {"colour": ["Unknown field."]}
    moved = api.patch(
        f"/api/v1/committee-meetings/{records['meeting']}/", {"committee": records["committee"]}, format="json"
    )
    assert moved.status_code == 400 and "committee" in moved.json()
    later = (today - dt.timedelta(days=1)).isoformat()
    assert (
        api.patch(f"/api/v1/committee-meetings/{records['meeting']}/", {"date": later}, format="json").json()["date"]
        == later
    )
