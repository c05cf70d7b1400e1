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
    ("/regions/returns/{sent}/withdraw/", table(TEAM, {Role.EXECUTIVE, Role.REGIONAL, Role.NATIONAL})),
    ("/regions/returns/{sent}/resend/", table(TEAM, {Role.EXECUTIVE, Role.REGIONAL, Role.NATIONAL})),
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
        for page in ("", "withdraw/", "resend/"):
            assert client_for(user).get(f"/regions/returns/{sent.pk}/{page}").status_code == 404
        for step in ("withdraw", "resend"):
            url = f"/api/v1/regional-assurance-returns/{sent.pk}/{step}/"
            assert world.api(user).post(url, {"reason": "x"}, format="json").status_code == 404
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
        for step in ("review", "withdraw", "resend"):
            assert f"/api/v1/regional-assurance-returns/{{id}}/{step}/" in schema


def corrected_report(world, sent):
    """A new approved version of the quarter's report, as the ICB makes when the report itself was wrong."""
    from reporting import actions as reporting_actions

    second = reporting_actions.do_new_version(sent.report, acting_user=world.user(Role.DESIGNATED))
    return approved(world, second)


class TestCorrectionRules:
    def test_withdrawn_only_before_review_and_with_a_reason(self):
        ok = {"status": rules.AWAITING_REVIEW, "replaced": False, "reason": "Figures incomplete."}
        assert rules.withdrawal_problems(**ok) == {}
        assert "reason" in rules.withdrawal_problems(**{**ok, "reason": "  "})
        assert "reviewed" in rules.withdrawal_problems(**{**ok, "status": rules.REVIEWED})["__all__"]
        assert "already" in rules.withdrawal_problems(**{**ok, "status": rules.WITHDRAWN})["__all__"]
        assert "replaced" in rules.withdrawal_problems(**{**ok, "replaced": True})["__all__"]

    def test_a_correction_replaces_a_withdrawn_or_reviewed_return_of_the_same_quarter(self):
        ok = {
            "status": rules.WITHDRAWN,
            "replaced": False,
            "report_type": "quarterly-assurance",
            "report_frozen": True,
            "same_quarter": True,
            "has_region": True,
        }
        assert rules.resend_problems(**ok) == {}
        assert rules.resend_problems(**{**ok, "status": rules.REVIEWED}) == {}
        assert "withdraw it first" in rules.resend_problems(**{**ok, "status": rules.AWAITING_REVIEW})["__all__"]
        assert "already" in rules.resend_problems(**{**ok, "replaced": True})["__all__"]
        assert "same quarter" in rules.resend_problems(**{**ok, "same_quarter": False})["report"]
        assert "approved" in rules.resend_problems(**{**ok, "report_frozen": False})["report"]

    def test_a_withdrawn_or_replaced_return_is_not_reviewed(self):
        ok = {"status": rules.AWAITING_REVIEW, "replaced": False, "feedback": "Assured."}
        assert rules.review_problems(**ok) == {}
        assert rules.review_problems(**{**ok, "status": rules.REVIEWED}) == {}  # the review may be rewritten
        assert "withdrawn" in rules.review_problems(**{**ok, "status": rules.WITHDRAWN})["__all__"]
        assert "corrected" in rules.review_problems(**{**ok, "replaced": True})["__all__"]
        assert "feedback" in rules.review_problems(**{**ok, "feedback": ""})


class TestCorrections:
    def test_withdraw_then_resend_keeps_the_history(self, world, sent):
        designated = world.user(Role.DESIGNATED)
        actions.do_withdraw_return(sent, reason="Figures incomplete.", acting_user=designated)
        sent.refresh_from_db()
        assert (sent.status, sent.withdrawn_reason, sent.withdrawn_by) == (
            rules.WITHDRAWN,
            "Figures incomplete.",
            designated,
        )
        with pytest.raises(ValidationError):
            actions.do_review_return(sent, feedback="x", acting_user=world.user(Role.REGIONAL))
        with pytest.raises(ValidationError):
            actions.do_send_return(report=sent.report, acting_user=designated)  # a correction goes from its page
        again = actions.do_resend_return(
            sent, report=corrected_report(world, sent), statement="Corrected.", acting_user=designated
        )
        sent.refresh_from_db()
        assert (again.number, again.supersedes, again.status) == (2, sent, rules.AWAITING_REVIEW)
        assert again.report.number == 2 and again.statement == "Corrected."
        assert sent.is_replaced and sent.status == rules.WITHDRAWN  # kept as it was, marked replaced
        assert list(AssuranceReturn.objects.current()) == [again]
        assert AssuranceReturn.objects.count() == 2
        assert history_for(sent).count() >= 3 and history_for(again).exists()  # sent, withdrawn, replaced: audited

    def test_a_reviewed_return_is_not_withdrawn_but_a_correction_starts_a_new_review(self, world, sent):
        designated, regional = world.user(Role.DESIGNATED), world.user(Role.REGIONAL)
        actions.do_review_return(sent, feedback="Add the training figures.", acting_user=regional)
        with pytest.raises(ValidationError) as refused:
            actions.do_withdraw_return(sent, reason="x", acting_user=designated)
        assert "corrected return" in str(refused.value)
        again = actions.do_resend_return(sent, report=sent.report, statement="With training.", acting_user=designated)
        assert again.status == rules.AWAITING_REVIEW and again.feedback == ""
        sent.refresh_from_db()
        assert sent.feedback == "Add the training figures." and sent.status == rules.REVIEWED  # the old review stays
        with pytest.raises(ValidationError):
            actions.do_review_return(sent, feedback="Changed.", acting_user=regional)  # review the corrected one
        with pytest.raises(ValidationError):
            actions.do_resend_return(sent, report=sent.report, acting_user=designated)  # already replaced
        actions.do_review_return(again, feedback="Assured.", acting_user=regional)

    def test_a_return_awaiting_review_is_withdrawn_before_it_is_corrected(self, world, sent):
        with pytest.raises(ValidationError) as refused:
            actions.do_resend_return(sent, report=sent.report, acting_user=world.user(Role.DESIGNATED))
        assert "withdraw it first" in str(refused.value)

    def test_a_correction_is_the_same_quarters_report(self, world, sent):
        designated = world.user(Role.DESIGNATED)
        actions.do_withdraw_return(sent, reason="Wrong.", acting_user=designated)
        other_quarter = approved(world, new_report(world, code="quarterly-assurance", financial_year=2025, quarter=4))
        with pytest.raises(ValidationError) as refused:
            actions.do_resend_return(sent, report=other_quarter, acting_user=designated)
        assert "report" in refused.value.message_dict

    def test_only_the_icbs_sending_roles_withdraw_or_correct(self, world, sent):
        other_team = make_user(Role.DESIGNATED, world.other_icb)
        for user in (world.user(Role.EXECUTIVE), world.user(Role.REGIONAL), world.user(Role.NATIONAL), other_team):
            with pytest.raises(PermissionDenied):
                actions.do_withdraw_return(sent, reason="x", acting_user=user)
        actions.do_withdraw_return(sent, reason="x", acting_user=world.user(Role.ADMINISTRATOR))
        for user in (world.user(Role.EXECUTIVE), world.user(Role.REGIONAL), other_team):
            with pytest.raises(PermissionDenied):
                actions.do_resend_return(sent, report=sent.report, acting_user=user)

    def test_a_withdrawal_and_a_review_from_the_same_version_do_not_both_succeed(self, world, sent):
        from core.versioning import StaleEdit

        stale_copy = AssuranceReturn.objects.get(pk=sent.pk)
        actions.do_review_return(sent, feedback="Assured.", acting_user=world.user(Role.REGIONAL))
        with pytest.raises(StaleEdit):
            actions.do_withdraw_return(stale_copy, reason="Too late.", acting_user=world.user(Role.DESIGNATED))
        sent.refresh_from_db()
        assert sent.status == rules.REVIEWED and sent.withdrawn_reason == ""


class TestCorrectionPages:
    def test_the_icb_withdraws_and_corrects_on_the_pages_and_the_region_sees_both(self, world, sent, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        page = client.get(f"/regions/returns/{sent.pk}/").content.decode()
        assert "Withdraw the return" in page and "Send a corrected return" not in page
        empty = client.post(f"/regions/returns/{sent.pk}/withdraw/", {"version": sent.version, "reason": ""})
        assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
        assert "Say why the return is withdrawn" in empty.content.decode()
        withdrawn = client.post(f"/regions/returns/{sent.pk}/withdraw/", {"version": sent.version, "reason": "Gaps."})
        assert withdrawn.status_code == 302
        sent.refresh_from_db()
        page = client.get(f"/regions/returns/{sent.pk}/").content.decode()
        assert "Withdrawn by the ICB" in page and "Gaps." in page and "Send a corrected return" in page
        form = client.get(f"/regions/returns/{sent.pk}/resend/").context["form"]
        assert form.initial["report"] == sent.report and form.initial["statement"] == sent.statement
        bad = client.post(f"/regions/returns/{sent.pk}/resend/", {"version": sent.version, "report": "999999"})
        assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
        resent = client.post(
            f"/regions/returns/{sent.pk}/resend/",
            {"version": sent.version, "report": sent.report.pk, "statement": "Complete now."},
        )
        assert resent.status_code == 302
        corrected = AssuranceReturn.objects.get(supersedes=sent)
        assert resent["Location"] == corrected.get_absolute_url()
        region = client_for(world.user(Role.REGIONAL))
        listed = region.get("/regions/returns/")
        assert [r.pk for r in listed.context["returns"]] == [corrected.pk]  # the current return; history on its page
        opened = region.get(f"/regions/returns/{corrected.pk}/").content.decode()
        assert "Versions of this quarter" in opened and "Version 1" in opened and "Complete now." in opened
        old = region.get(f"/regions/returns/{sent.pk}/").content.decode()
        assert "Replaced" in old and "Gaps." in old and "Review and write feedback" not in old

    def test_a_correction_awaiting_a_withdrawal_is_an_error_on_the_page(self, world, sent, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        refused = client.post(
            f"/regions/returns/{sent.pk}/resend/", {"version": sent.version, "report": sent.report.pk}
        )
        assert refused.status_code == 200 and "withdraw it first" in refused.content.decode()

    def test_a_stale_withdrawal_is_refused_on_the_page(self, world, sent, client_for):
        old_version = sent.version
        actions.do_review_return(sent, feedback="Assured.", acting_user=world.user(Role.REGIONAL))
        refused = client_for(world.user(Role.DESIGNATED)).post(
            f"/regions/returns/{sent.pk}/withdraw/", {"version": old_version, "reason": "Gaps."}
        )
        assert refused.status_code == 200 and "while you were editing it" in refused.content.decode()
        sent.refresh_from_db()
        assert sent.status == rules.REVIEWED

    def test_a_correction_from_before_a_new_review_is_refused_and_says_only_what_changed(self, world, sent, client_for):
        regional = world.user(Role.REGIONAL)
        actions.do_review_return(sent, feedback="Add the training figures.", acting_user=regional)
        opened_at = AssuranceReturn.objects.get(pk=sent.pk).version
        actions.do_review_return(sent, feedback="And the audit.", acting_user=regional)
        refused = client_for(world.user(Role.DESIGNATED)).post(
            f"/regions/returns/{sent.pk}/resend/",
            {"version": opened_at, "report": sent.report.pk, "statement": "With training."},
        )
        page = refused.content.decode()
        assert refused.status_code == 200 and "while you were editing it" in page
        assert "yours is" not in page  # the new return's statement is not compared with the replaced one's
        assert not AssuranceReturn.objects.filter(supersedes=sent).exists()

    def test_the_regional_lead_cannot_withdraw_or_correct(self, world, sent, client_for):
        client = client_for(world.user(Role.REGIONAL))
        assert client.post(f"/regions/returns/{sent.pk}/withdraw/", {"reason": "x"}).status_code == 403
        assert client.post(f"/regions/returns/{sent.pk}/resend/", {"report": sent.report.pk}).status_code == 403
        sent.refresh_from_db()
        assert sent.status == rules.AWAITING_REVIEW


class TestCorrectionApi:
    def test_withdraw_and_resend(self, world, sent):
        api = world.api(Role.DESIGNATED)
        url = f"/api/v1/regional-assurance-returns/{sent.pk}/"
        assert api.post(f"{url}withdraw/", {}, format="json").json() == {"reason": ["This field is required."]}
        blank = api.post(f"{url}withdraw/", {"reason": " "}, format="json")
        assert blank.status_code == 400 and "reason" in blank.json()
        stale = api.post(f"{url}withdraw/", {"reason": "Gaps."}, format="json", HTTP_IF_MATCH='"99"')
        assert stale.status_code == 412
        early = api.post(f"{url}resend/", {"report": sent.report.pk}, format="json")
        assert early.status_code == 400 and "__all__" in early.json()
        withdrawn = api.post(f"{url}withdraw/", {"reason": "Gaps."}, format="json")
        assert withdrawn.status_code == 200 and withdrawn.json()["status"] == rules.WITHDRAWN
        assert withdrawn.json()["withdrawn_reason"] == "Gaps."
        unknown = api.post(f"{url}resend/", {"report": 999999}, format="json")
        assert unknown.status_code == 400 and "report" in unknown.json()
        resent = api.post(f"{url}resend/", {"report": sent.report.pk, "statement": "Complete."}, format="json")
        assert resent.status_code == 201, resent.json()
        body = resent.json()
        assert (body["number"], body["supersedes"], body["status"]) == (2, sent.pk, rules.AWAITING_REVIEW)
        assert resent["ETag"] == f'W/"{body["version"]}"'
        region = world.api(Role.REGIONAL).get("/api/v1/regional-assurance-returns/").json()["results"]
        listed = {r["id"]: r for r in region}
        assert set(listed) == {sent.pk, body["id"]} and listed[sent.pk]["replaced_at"] is not None
        again = api.post(f"{url}resend/", {"report": sent.report.pk}, format="json")
        assert again.status_code == 400

    def test_who_may_withdraw_through_the_api(self, world, sent):
        url = f"/api/v1/regional-assurance-returns/{sent.pk}/withdraw/"
        for role in (Role.REGIONAL, Role.NATIONAL, Role.EXECUTIVE):
            assert world.api(role).post(url, {"reason": "x"}, format="json").status_code == 403, role
        assert world.api(Role.REGIONAL).post(url, {}, format="json").status_code == 403  # before the body
        assert world.api(Role.ADMINISTRATOR).post(url, {"reason": "x"}, format="json").status_code == 200
