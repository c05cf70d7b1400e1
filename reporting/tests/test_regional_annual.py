"""A region's annual safeguarding assurance report [SAAF App. 1]: the regional lead starts it, writes its narrative,
builds and submits it; the national team approves it or returns it with comments; no ICB role takes any step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import jobs
from core.choices import Role
from core.testing import make_user
from reporting import actions, rules
from reporting.filters import ReportFilter
from reporting.models import Report
from reporting.tests.conftest import built, report_type


def start(world, user=None):
    return actions.do_create_report(
        acting_user=user or world.user(Role.REGIONAL), report_type=report_type("regional-annual"), financial_year=2025
    )


class TestRules:
    def test_the_region_submits_and_the_national_team_decides(self):
        region = rules.REGION_LEVEL
        assert rules.available_transitions(rules.DRAFT, Role.REGIONAL, region) == [rules.SUBMIT]
        assert rules.available_transitions(rules.SUBMITTED, Role.REGIONAL, region) == []
        assert rules.available_transitions(rules.SUBMITTED, Role.NATIONAL, region) == [rules.APPROVE, rules.RETURN]
        assert rules.available_transitions(rules.APPROVED, Role.NATIONAL, region) == [rules.PRESENT]
        assert rules.available_transitions(rules.SUBMITTED, Role.EXECUTIVE, region) == []
        assert rules.transition_problem(rules.SUBMIT, rules.DRAFT, Role.DESIGNATED, region) == rules.ROLE_REFUSED
        assert rules.transition_label(rules.SUBMIT, region) == "Submit to the national team"

    def test_a_submitted_report_names_who_holds_it_by_level(self):
        names = {rules.SUBMITTED: "Submitted to the executive lead"}
        assert rules.status_name(rules.SUBMITTED, rules.ICB_LEVEL, names) == "Submitted to the executive lead"
        assert rules.status_name(rules.SUBMITTED, rules.REGION_LEVEL, names) == "Submitted to the national team"

    def test_an_icbs_report_keeps_its_roles(self):
        assert rules.available_transitions(rules.SUBMITTED, Role.EXECUTIVE) == [rules.APPROVE, rules.RETURN]
        assert rules.available_transitions(rules.SUBMITTED, Role.NATIONAL) == []


class TestWorkflow:
    def test_written_by_the_region_approved_by_the_national_team(self, world):
        regional, national = world.user(Role.REGIONAL), world.user(Role.NATIONAL)
        report = start(world)
        assert report.organisation == world.region
        actions.do_save_narrative(report, key="executive-summary", text="Assured overall.", acting_user=regional)
        built(report, regional)
        assert report.snapshot["sections"][1]["key"] == "regions"
        assert world.icb.name in str(report.snapshot["sections"][1]["blocks"])  # the roll-up of regions.reports
        actions.do_submit(report, acting_user=regional)
        with pytest.raises(PermissionDenied):
            actions.do_approve(report, acting_user=regional)  # the region does not approve its own report
        actions.do_return(report, comments="Add the themes.", acting_user=national)
        built(report, regional)
        actions.do_submit(report, acting_user=regional)
        actions.do_approve(report, acting_user=national)
        report.refresh_from_db()
        assert report.status == rules.APPROVED and report.approved_by == national
        assert report.files.filter(frozen=True).count() == 4

    def test_no_icb_role_starts_or_writes_it(self, world):
        with pytest.raises(ValidationError) as refused:
            start(world, world.user(Role.DESIGNATED))
        assert "report_type" in refused.value.message_dict
        with pytest.raises(PermissionDenied):
            start(world, world.user(Role.BOARD))
        report = start(world)
        with pytest.raises(PermissionDenied):
            actions.do_save_narrative(
                report, key="executive-summary", text="x", acting_user=world.user(Role.DESIGNATED)
            )
        with pytest.raises(PermissionDenied):
            actions.do_request_build(report, acting_user=world.user(Role.NATIONAL))

    def test_one_report_a_year_for_the_region(self, world):
        start(world)
        with pytest.raises(ValidationError):
            start(world)
        other = start(world, make_user(Role.REGIONAL, world.other_region))
        assert other.organisation == world.other_region

    def test_the_regional_lead_cannot_start_an_icb_report(self, world):
        with pytest.raises(ValidationError):
            actions.do_create_report(
                acting_user=world.user(Role.REGIONAL),
                report_type=report_type("annual-safeguarding"),
                financial_year=2025,
            )


class TestPages:
    def test_the_regional_lead_starts_writes_and_submits_on_the_pages(self, world, client_for):
        client = client_for(world.user(Role.REGIONAL))
        form = client.get("/reporting/new/").context["form"]
        assert [t.code for t in form.fields["report_type"].queryset] == ["regional-annual"]
        created = client.post(
            "/reporting/new/", {"report_type": report_type("regional-annual").pk, "financial_year": 2025}
        )
        assert created.status_code == 302
        report = Report.objects.get(organisation=world.region)
        page = client.get(f"/reporting/{report.pk}/").content.decode()
        assert "Write" in page and "Build the report" in page and "the national team" in page
        saved = client.post(f"/reporting/{report.pk}/narrative/executive-summary/", {"text": "Assured."})
        assert saved.status_code == 302
        report.refresh_from_db()
        built(report, world.user(Role.REGIONAL))
        assert "Submit to the national team" in client.get(f"/reporting/{report.pk}/").content.decode()
        assert client.post(f"/reporting/{report.pk}/submit/", {}).status_code == 302
        national = client_for(world.user(Role.NATIONAL)).get(f"/reporting/{report.pk}/").content.decode()
        assert "Approve" in national and "Return with comments" in national

    def test_the_regions_index_links_the_annual_reports_and_the_returns(self, world, client_for):
        start(world)
        page = client_for(world.user(Role.REGIONAL)).get("/regions/").content.decode()
        assert "Start the region&#x27;s annual report" in page or "Start the region's annual report" in page
        assert "/regions/returns/" in page and "Regional annual safeguarding assurance report" in page

    def test_a_submitted_region_report_reads_submitted_to_the_national_team(self, world, client_for):
        regional = world.user(Role.REGIONAL)
        report = built(start(world), regional)
        client = client_for(regional)
        submitted = client.post(f"/reporting/{report.pk}/submit/", {}, follow=True).content.decode()
        assert "submitted to the national team" in submitted
        report.refresh_from_db()
        assert report.status_name == "Submitted to the national team"
        actions.do_approve(report, acting_user=world.user(Role.NATIONAL))
        second = built(actions.do_new_version(report, acting_user=regional), regional)
        actions.do_submit(second, acting_user=regional)
        versions = client.get(f"/reporting/{report.pk}/").content.decode()  # lists version 2, submitted
        assert "Version 2</a>: Submitted to the national team" in versions
        for page in (submitted, versions):
            assert "Submitted to the executive lead" not in page and "submitted to the executive lead" not in page
        ReportFilter.base_filters["status"].field  # noqa: B018 - built first, as the API schema does
        listed = client.get("/reporting/").context["filter"].form.fields["status"].choices
        assert (rules.SUBMITTED, "Submitted to the national team") in listed

    def test_an_icbs_submitted_report_still_reads_submitted_to_the_executive_lead(self, world, client_for):
        from reporting.tests.conftest import new_report

        designated = world.user(Role.DESIGNATED)
        report = built(new_report(world), designated)
        page = client_for(designated).post(f"/reporting/{report.pk}/submit/", {}, follow=True).content.decode()
        assert "submitted to the executive lead" in page
        report.refresh_from_db()
        assert report.status_name == "Submitted to the executive lead"
        listed = client_for(designated).get("/reporting/").context["filter"].form.fields["status"].choices
        assert (rules.SUBMITTED, "Submitted to the executive lead") in listed


class TestApi:
    def test_the_region_writes_and_submits_and_the_national_team_decides_through_the_api(self, world):
        regional, national = world.api(Role.REGIONAL), world.api(Role.NATIONAL)
        created = regional.post("/api/v1/reports/", {"report_type": "regional-annual", "financial_year": 2025})
        assert created.status_code == 201, created.json()
        url = f"/api/v1/reports/{created.json()['id']}/"
        assert national.get(url).status_code == 404  # a region's working draft is the region's
        wrote = regional.post(f"{url}narrative/", {"key": "executive-summary", "text": "Assured."}, format="json")
        assert wrote.status_code == 200, wrote.json()
        assert regional.post(f"{url}build/").json()["build_status"] == "queued"
        jobs.run_pending()
        submitted = regional.post(f"{url}submit/")
        assert submitted.status_code == 200 and submitted.json()["status"] == rules.SUBMITTED
        assert regional.post(f"{url}approve/").status_code == 403  # the region does not approve its own report
        empty = national.post(f"{url}return/", {"comments": " "}, format="json")
        assert empty.status_code == 400 and "comments" in empty.json()
        approved = national.post(f"{url}approve/")
        assert approved.status_code == 200 and approved.json()["status"] == rules.APPROVED
        assert national.get(f"{url}pdf/").status_code == 200
        for outsider in (world.api(Role.DESIGNATED), world.api(make_user(Role.REGIONAL, world.other_region))):
            assert outsider.get(url).status_code == 404

    def test_the_national_team_does_not_start_one_and_an_icb_type_is_a_field_error(self, world):
        refused = world.api(Role.NATIONAL).post(
            "/api/v1/reports/", {"report_type": "regional-annual", "financial_year": 2025}
        )
        assert refused.status_code == 403
        wrong = world.api(Role.REGIONAL).post(
            "/api/v1/reports/", {"report_type": "annual-safeguarding", "financial_year": 2025}
        )
        assert wrong.status_code == 400 and "report_type" in wrong.json()
        future = world.api(Role.REGIONAL).post(
            "/api/v1/reports/", {"report_type": "regional-annual", "financial_year": 2099}
        )
        assert future.status_code == 400 and "financial_year" in future.json()
