"""The ICB's quarterly assurance return to its region [SAAF 5.3]: rules, actions, pages, the API and who reaches
what (the ICB's team sends and reads its own with the feedback; the regional lead reads and reviews its region's;
the national team reads every region's; another region's is a 404; providers, the Board and every other role
nothing)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import history_for
from core.choices import Role
from core.testing import make_user
from regions import actions, rules
from regions.models import AssuranceReturn
from reporting.tests.conftest import approved, new_report

ROLES = sorted(Role.values)
TEAM = {Role.DESIGNATED, Role.ADMINISTRATOR}
ICB_READERS = TEAM | {Role.EXECUTIVE}


def quarterly(world, icb_user=None):
    report = new_report(world, code="quarterly-assurance", financial_year=2026, quarter=1, user=icb_user)
    return approved(world, report)


@pytest.fixture
def sent(world):
    return actions.do_send_return(
        report=quarterly(world), statement="A steady quarter.", acting_user=world.user(Role.DESIGNATED)
    )


class TestRules:
    def test_only_an_approved_quarterly_report_of_an_icb_in_a_region_goes_once(self):
        ok = {"report_type": "quarterly-assurance", "report_frozen": True, "has_region": True, "already_sent": False}
        assert rules.submission_problems(**ok) == {}
        assert "report" in rules.submission_problems(**{**ok, "report_type": "exception"})
        assert "approved" in rules.submission_problems(**{**ok, "report_frozen": False})["report"]
        assert "region" in rules.submission_problems(**{**ok, "has_region": False})["report"]
        assert "already" in rules.submission_problems(**{**ok, "already_sent": True})["report"]

    def test_feedback_is_required(self):
        assert rules.feedback_problems("  ") and not rules.feedback_problems("Assured.")


class TestActions:
    def test_sending_keeps_the_aggregates_and_is_audited(self, world, sent):
        assert (sent.icb, sent.region, sent.status) == (world.icb, world.region, rules.AWAITING_REVIEW)
        assert sent.figures["id"] == world.icb.pk and sent.figures["quarter"] == "2026/27 Q1"
        assert {"metrics", "reviews", "completeness"} <= set(sent.figures)
        assert history_for(sent).exists()

    def test_a_draft_report_or_a_second_return_is_refused(self, world, sent):
        draft = new_report(world, code="quarterly-assurance", financial_year=2025, quarter=4)
        with pytest.raises(ValidationError) as refused:
            actions.do_send_return(report=draft, acting_user=world.user(Role.DESIGNATED))
        assert "approved" in str(refused.value)
        with pytest.raises(ValidationError):
            actions.do_send_return(report=sent.report, acting_user=world.user(Role.DESIGNATED))
        assert AssuranceReturn.objects.count() == 1

    def test_only_the_icb_team_sends_its_own(self, world):
        report = quarterly(world)
        for role in (Role.EXECUTIVE, Role.BOARD, Role.REGIONAL):
            with pytest.raises(PermissionDenied):
                actions.do_send_return(report=report, acting_user=world.user(role))
        outsider = make_user(Role.DESIGNATED, world.other_icb)
        with pytest.raises(PermissionDenied):
            actions.do_send_return(report=report, acting_user=outsider)

    def test_the_regional_lead_reviews_with_feedback(self, world, sent):
        with pytest.raises(ValidationError):
            actions.do_review_return(sent, feedback=" ", acting_user=world.user(Role.REGIONAL))
        actions.do_review_return(sent, feedback="Assured.", acting_user=world.user(Role.REGIONAL))
        sent.refresh_from_db()
        assert (sent.status, sent.feedback, sent.reviewed_by) == (rules.REVIEWED, "Assured.", world.user(Role.REGIONAL))

    def test_no_one_else_reviews(self, world, sent):
        other_lead = make_user(Role.REGIONAL, world.other_region)
        for user in (world.user(Role.NATIONAL), world.user(Role.DESIGNATED), other_lead):
            with pytest.raises(PermissionDenied):
                actions.do_review_return(sent, feedback="x", acting_user=user)


def answers(world, client_for, target):
    result = {}
    for role in ROLES:
        client = world.api(role) if target.startswith("/api/") else client_for(world.user(role))
        result[role] = client.get(target).status_code
    return result


def table(ok, forbidden=(), otherwise=404):
    return {role: 200 if role in ok else 403 if role in forbidden else otherwise for role in ROLES}


NHSE = {Role.REGIONAL, Role.NATIONAL}
PAGES = [
    ("/regions/returns/", table(ICB_READERS | NHSE, otherwise=403)),
    ("/regions/returns/send/", table(TEAM, otherwise=403)),
    ("/regions/returns/{sent}/", table(ICB_READERS | NHSE)),
    ("/regions/returns/{sent}/review/", table({Role.REGIONAL}, ICB_READERS | {Role.NATIONAL})),
    ("/api/v1/regional-assurance-returns/", table(ICB_READERS | NHSE, otherwise=403)),
    ("/api/v1/regional-assurance-returns/{sent}/", table(ICB_READERS | NHSE, otherwise=403)),
]


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[url for url, _ in PAGES])
def test_permission_matrix(world, sent, client_for, url, expected):
    target = url.format(sent=sent.pk)
    assert answers(world, client_for, target) == expected, target


def test_another_region_and_another_icb_do_not_find_it(world, sent, client_for):
    other_lead = make_user(Role.REGIONAL, world.other_region)
    other_icb = make_user(Role.DESIGNATED, world.other_icb)
    for user in (other_lead, other_icb):
        assert client_for(user).get(f"/regions/returns/{sent.pk}/").status_code == 404
        assert world.api(user).get(f"/api/v1/regional-assurance-returns/{sent.pk}/").status_code == 404
        assert world.api(user).get("/api/v1/regional-assurance-returns/").json()["results"] == []


def test_the_region_reviews_on_the_page_and_the_icb_reads_the_feedback(world, sent, client_for):
    client = client_for(world.user(Role.REGIONAL))
    listed = client.get("/regions/returns/").content.decode()
    assert "Awaiting review" in listed and world.icb.name in listed
    opened = client.get(f"/regions/returns/{sent.pk}/review/")
    empty = client.post(f"/regions/returns/{sent.pk}/review/", {"version": sent.version, "feedback": ""})
    assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
    saved = client.post(
        f"/regions/returns/{sent.pk}/review/",
        {"version": opened.context["form"]["version"].value(), "feedback": "Assured."},
    )
    assert saved.status_code == 302
    page = client_for(world.user(Role.EXECUTIVE)).get(f"/regions/returns/{sent.pk}/").content.decode()
    assert "Assured." in page and "Reviewed" in page


def test_a_stale_review_is_refused(world, sent, client_for):
    client = client_for(world.user(Role.REGIONAL))
    old_version = sent.version
    actions.do_review_return(sent, feedback="First.", acting_user=world.user(Role.REGIONAL))
    refused = client.post(f"/regions/returns/{sent.pk}/review/", {"version": old_version, "feedback": "Second."})
    assert refused.status_code == 200 and "while you were editing it" in refused.content.decode()
    sent.refresh_from_db()
    assert sent.feedback == "First."


def test_the_icb_sends_on_the_page(world, client_for):
    report = quarterly(world)
    client = client_for(world.user(Role.DESIGNATED))
    response = client.post("/regions/returns/send/", {"report": report.pk, "statement": "Steady."})
    assert response.status_code == 302
    assert AssuranceReturn.objects.get().statement == "Steady."
    bad = client.post("/regions/returns/send/", {"report": ""})
    assert bad.status_code == 200 and "Choose the approved quarterly assurance report" in bad.content.decode()


class TestApi:
    def test_send_and_review(self, world):
        report = quarterly(world)
        created = world.api(Role.DESIGNATED).post(
            "/api/v1/regional-assurance-returns/", {"report": report.pk, "statement": "Steady."}, format="json"
        )
        assert created.status_code == 201, created.json()
        pk = created.json()["id"]
        assert created.json()["status"] == rules.AWAITING_REVIEW
        url = f"/api/v1/regional-assurance-returns/{pk}/review/"
        assert world.api(Role.NATIONAL).post(url, {"feedback": "x"}, format="json").status_code == 403
        assert world.api(Role.REGIONAL).post(url, {"feedback": ""}, format="json").status_code == 400
        stale = world.api(Role.REGIONAL).post(url, {"feedback": "Assured."}, format="json", HTTP_IF_MATCH='"99"')
        assert stale.status_code == 412
        reviewed = world.api(Role.REGIONAL).post(url, {"feedback": "Assured."}, format="json")
        assert reviewed.status_code == 200 and reviewed.json()["feedback"] == "Assured."
        mine = world.api(Role.EXECUTIVE).get(f"/api/v1/regional-assurance-returns/{pk}/").json()
        assert mine["status"] == rules.REVIEWED and mine["feedback"] == "Assured."

    def test_a_report_not_approved_is_a_field_error(self, world):
        draft = new_report(world, code="quarterly-assurance", financial_year=2026, quarter=1)
        refused = world.api(Role.DESIGNATED).post(
            "/api/v1/regional-assurance-returns/", {"report": draft.pk}, format="json"
        )
        assert refused.status_code == 400 and "report" in refused.json()

    def test_the_schema_documents_the_endpoints(self, world):
        schema = world.api(Role.DESIGNATED).get("/api/schema/").content.decode()
        assert "/api/v1/regional-assurance-returns/{id}/review/" in schema
