import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import Role
from core.models import TrackedAction
from governance import actions
from governance.models import Committee, Policy, PolicyDocument, Risk, RiskEscalation
from governance.tests.conftest import pdf

RISK_FORM = {
    "title": "Looked-after children health assessments late",
    "owner": "Designated nurse LAC",
    "initial_likelihood": "4",
    "initial_consequence": "4",
    "current_likelihood": "4",
    "current_consequence": "4",
    "target_likelihood": "2",
    "target_consequence": "3",
}


def test_adding_a_risk_at_16_flags_it_for_escalation_and_puts_it_on_the_heatmap(world, client_for, today):
    client = client_for(world.user(Role.DESIGNATED))
    response = client.post(
        "/governance/risks/add/", {**RISK_FORM, "opened_on": today.isoformat(), "review_date": today.isoformat()}
    )
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/governance/risks/{risk.pk}/"
    page = client.get(f"/governance/risks/{risk.pk}/").content.decode()
    assert "Escalate this risk" in page and 'class="vigil-trend"' in page and '<title id="trend-title">' in page
    register = client.get("/governance/risks/").content.decode()
    assert "To escalate" in register
    assert 'aria-label="Likelihood 4, consequence 4, score 16 (Extreme): 1 risk"' in register


def test_a_score_outside_1_to_5_is_a_form_error_naming_the_field(world, client_for, today):
    client = client_for(world.user(Role.DESIGNATED))
    response = client.post(
        "/governance/risks/add/",
        {**RISK_FORM, "current_likelihood": "", "opened_on": today.isoformat(), "review_date": today.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["current_likelihood"] == ["Enter a whole number from 1 to 5."]
    assert not Risk.objects.exists()


def test_escalating_from_the_page_clears_the_flag(world, records, client_for, designated, today):
    client = client_for(world.user(Role.ADMINISTRATOR))
    risk = actions.do_add_risk(
        acting_user=designated,
        title="Risk",
        owner="DN",
        review_date=today,
        opened_on=today - dt.timedelta(days=30),
        **{name: int(RISK_FORM[name]) for name in actions.SCORE_FIELDS},
    )
    committee = Committee.objects.get(pk=records["committee"])
    actions.do_escalate_risk(
        risk, acting_user=designated, committee=committee, escalated_on=today - dt.timedelta(days=20)
    )
    assert "Escalate this risk" not in client.get(f"/governance/risks/{risk.pk}/").content.decode()
    actions.do_rescore_risk(
        risk, acting_user=None, likelihood=3, consequence=3, scored_on=today - dt.timedelta(days=10)
    )
    actions.do_rescore_risk(risk, acting_user=None, likelihood=5, consequence=4, scored_on=today - dt.timedelta(days=5))
    assert "Escalate this risk" in client.get(f"/governance/risks/{risk.pk}/").content.decode()
    response = client.post(
        f"/governance/risks/{risk.pk}/escalate/", {"committee": records["committee"], "escalated_on": today.isoformat()}
    )
    assert response.status_code == 302
    assert RiskEscalation.objects.filter(risk=risk).count() == 2
    assert "Escalate this risk" not in client.get(f"/governance/risks/{risk.pk}/").content.decode()


def test_an_interval_of_zero_is_a_form_error(world, client_for):
    response = client_for(world.user(Role.DESIGNATED)).post(
        "/governance/policies/add/",
        {
            "organisation": world.icb.pk,
            "title": "Prevent policy",
            "owner": "DN",
            "document_version": "1",
            "status": "approved",
            "approved_on": "2026-01-31",
            "review_interval_months": "0",
        },
    )
    assert response.context["form"].errors["review_interval_months"] == ["Enter a review interval of at least 1 month."]
    assert not Policy.objects.exists()


def test_an_overdue_policy_shows_review_overdue_and_stays_in_force(world, client_for, designated, today):
    policy = actions.do_add_policy(
        acting_user=designated,
        title="Safer recruitment policy",
        owner="HR lead",
        document_version="2",
        approved_on=today - dt.timedelta(days=3 * 366),
        review_interval_months=36,
    )
    client = client_for(world.user(Role.BOARD))
    page = client.get(f"/governance/policies/{policy.pk}/").content.decode()
    assert "Review overdue" in page and "stays in force" in page and "Approved (in force)" in page
    assert "Review overdue" in client.get("/governance/policies/").content.decode()


def test_policy_documents_upload_every_version_and_download_through_the_scoped_view(world, client_for, records):
    client = client_for(world.user(Role.DESIGNATED))
    url = f"/governance/policies/{records['policy']}/documents/add/"
    assert client.post(url, {"file": pdf("v2.pdf"), "version": "2.0"}).status_code == 302
    bad = client.post(url, {"file": SimpleUploadedFile("v3.exe", b"MZ")})
    assert "cannot be uploaded" in bad.context["form"].errors["file"][0]
    assert PolicyDocument.objects.filter(policy_id=records["policy"]).count() == 2
    newest = PolicyDocument.objects.filter(policy_id=records["policy"]).first()
    download = client_for(world.user(Role.CONTRACTS)).get(f"/governance/policy-documents/{newest.pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_a_decision_is_recorded_by_the_executive_lead_and_its_action_goes_to_the_tracker(
    world, records, client_for, today
):
    executive = client_for(world.user(Role.EXECUTIVE))
    response = executive.post(f"/governance/meetings/{records['meeting']}/decisions/add/", {"text": "Fund the post"})
    assert response.status_code == 302
    from governance.models import Decision

    decision = Decision.objects.get(text="Fund the post")
    designated = client_for(world.user(Role.DESIGNATED))
    response = designated.post(
        f"/governance/decisions/{decision.pk}/actions/add/",
        {
            "organisation": world.icb.pk,
            "title": "Recruit",
            "owner": "Chief nurse",
            "due_date": (today + dt.timedelta(days=60)).isoformat(),
            "success_measure": "Post filled",
        },
    )
    assert response.status_code == 302
    action = TrackedAction.objects.for_source(decision).get()
    page = designated.get(f"/governance/meetings/{records['meeting']}/").content.decode()
    assert "Recruit" in page and f"/actions/{action.pk}/" in page


def test_annual_reports_receive_and_review_pages(world, records, client_for, today):
    client = client_for(world.user(Role.DESIGNATED))
    report = records["sibling_report"]
    assert (
        client.post(
            f"/governance/annual-reports/{report}/review/", {"reviewed_on": today.isoformat(), "feedback": "x"}
        ).status_code
        == 200
    )
    assert (
        client.post(f"/governance/annual-reports/{report}/receive/", {"received_on": today.isoformat()}).status_code
        == 302
    )
    response = client.post(
        f"/governance/annual-reports/{report}/review/", {"reviewed_on": today.isoformat(), "feedback": "Clear report"}
    )
    assert response.status_code == 302
    assert "Reviewed" in client.get(f"/governance/annual-reports/{report}/").content.decode()


def test_the_home_page_shows_governance_needing_attention(world, records, client_for, designated, today):
    actions.do_add_policy(
        acting_user=designated,
        title="Lapsed policy",
        owner="DN",
        document_version="1",
        approved_on=today - dt.timedelta(days=800),
    )
    home = client_for(world.user(Role.DESIGNATED)).get("/").content.decode()
    assert "Governance needing attention" in home and "Lapsed policy" in home and "Escalate SR" not in home
    provider_home = client_for(world.user(Role.PROVIDER)).get("/").content.decode()
    assert "Your annual safeguarding reports" in provider_home and "Lapsed policy" not in provider_home


def test_register_exports_are_xlsx(world, records, client_for):
    client = client_for(world.user(Role.AUDITOR))
    for url in ("/governance/policies/xlsx/", "/governance/risks/xlsx/"):
        response = client.get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_providers_page_shows_its_annual_reports_late_and_missing(world, records, client_for):
    page = client_for(world.user(Role.PROVIDER)).get(f"/organisations/{world.provider.pk}/").content.decode()
    assert "Annual safeguarding reports" in page and "Missing (past due)" in page
    board = client_for(world.user(Role.BOARD)).get(f"/organisations/{world.provider.pk}/").content.decode()
    assert "Annual safeguarding reports" not in board
