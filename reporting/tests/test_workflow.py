"""The approval workflow through the actions: builds as stored jobs, frozen versions with their SHA-256, new versions,
and bad input refused with the field named and nothing stored."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.choices import Role
from core.models import Job
from governance import actions as governance_actions
from governance.choices import CommitteeKind
from reporting import actions, rules
from reporting.models import Report, ReportFile
from reporting.tests.conftest import AS_AT, approved, built, new_report


def frozen_hashes(report):
    return {
        f.kind: (f.sha256, hashlib.sha256(f.file.open("rb").read()).hexdigest())
        for f in ReportFile.objects.filter(report=report, frozen=True)
    }


class TestBuilding:
    def test_the_build_is_a_stored_job_and_stores_the_draft_files(self, world, designated):
        report = new_report(world)
        job = actions.do_request_build(report, acting_user=designated)
        assert Job.objects.get(pk=job.pk).status == "queued"
        report.refresh_from_db()
        assert report.snapshot is None and report.build_job == job  # nothing is built inside the request
        built(report, designated)
        assert report.snapshot["report"]["type"] == "annual-safeguarding" and report.as_at is not None
        kinds = set(ReportFile.objects.filter(report=report, frozen=False).values_list("kind", flat=True))
        assert kinds == {"pdf", "xlsx"}

    def test_what_is_stored_is_deterministic(self, world, designated):
        report = new_report(world)
        actions.do_save_narrative(report, key="children", text="Children’s text.", acting_user=designated)
        actions.build(report, as_at=AS_AT)
        report.refresh_from_db()
        first = actions.snapshot_bytes(report.snapshot)
        actions.build(report, as_at=AS_AT)
        report.refresh_from_db()
        assert actions.snapshot_bytes(report.snapshot) == first
        pdfs = ReportFile.objects.filter(report=report, kind="pdf").values_list("sha256", flat=True)
        assert len(set(pdfs)) == 1 and len(pdfs) == 2
        assert json.loads(first)["sections"][1]["blocks"][0]["text"] == "Children’s text."


class TestFrozenVersions:
    def test_approval_stores_pdf_html_xlsx_and_snapshot_with_their_hashes(self, world):
        report = approved(world)
        hashes = frozen_hashes(report)
        assert set(hashes) == {"pdf", "html", "xlsx", "json"}
        assert all(stored == computed for stored, computed in hashes.values())
        snapshot_file = ReportFile.objects.get(report=report, frozen=True, kind="json")
        assert json.loads(snapshot_file.file.open("rb").read()) == report.snapshot

    def test_the_hash_is_unchanged_after_data_changes_and_a_rebuild_attempt(self, world, designated):
        report = approved(world)
        before = frozen_hashes(report)
        governance_actions.do_create_committee(
            acting_user=designated, name="Board", kind=CommitteeKind.BOARD
        )  # later data
        with pytest.raises(ValidationError):
            actions.do_save_narrative(report, key="executive-summary", text="Changed.", acting_user=designated)
        with pytest.raises(ValidationError):
            actions.do_request_build(report, acting_user=designated)
        Job.objects.create(kind=actions.BUILD_JOB, payload={"report": report.pk})  # a build queued by hand
        from core import jobs

        jobs.run_pending()
        assert Job.objects.filter(kind=actions.BUILD_JOB).last().status == "failed"
        assert frozen_hashes(report) == before
        report.refresh_from_db()
        assert report.status == rules.APPROVED

    def test_a_new_version_supersedes_and_both_stay_readable(self, world, designated, executive):
        first = approved(world)
        second = actions.do_new_version(first, acting_user=designated)
        assert (second.number, second.supersedes, second.status) == (2, first, rules.DRAFT)
        assert second.narratives.get(key="executive-summary").text == "Assurance is good."
        with pytest.raises(ValidationError):
            actions.do_new_version(first, acting_user=designated)
        approved(world, second)
        board = world.api(Role.BOARD)
        assert board.get(f"/api/v1/reports/{first.pk}/pdf/").status_code == 200
        assert board.get(f"/api/v1/reports/{second.pk}/pdf/").status_code == 200
        assert frozen_hashes(first)["json"] != frozen_hashes(second)["json"] or first.pk != second.pk


class TestTransitions:
    def test_the_whole_workflow(self, world, designated, executive):
        report = new_report(world)
        with pytest.raises(ValidationError, match="Build the report"):
            actions.do_submit(report, acting_user=designated)
        built(report, designated)
        actions.do_submit(report, acting_user=designated)
        with pytest.raises(ValidationError) as refused:
            actions.do_return(report, comments="  ", acting_user=executive)
        assert "comments" in refused.value.message_dict
        actions.do_return(report, comments="Add the adults section.", acting_user=executive)
        assert report.status == rules.RETURNED
        actions.do_save_narrative(report, key="adults", text="Adults.", acting_user=designated)
        actions.do_submit(report, acting_user=designated)
        with pytest.raises(ValidationError, match="build the report again"):
            actions.do_approve(report, acting_user=executive)
        report.status = rules.RETURNED
        report.save()
        built(report, designated)
        actions.do_submit(report, acting_user=designated)
        actions.do_approve(report, acting_user=executive)
        actions.do_present(
            report, meeting_date=report.approved_at.date(), minute_reference="B/26/4", acting_user=executive
        )
        actions.do_publish(report, acting_user=designated)
        assert Report.objects.get(pk=report.pk).status == rules.PUBLISHED

    def test_each_step_is_refused_to_every_role_that_may_not_take_it(self, world, designated):
        report = new_report(world)
        built(report, designated)
        for role in sorted(Role.values):
            if role not in rules.TEAM:
                with pytest.raises(PermissionDenied):
                    actions.do_submit(report, acting_user=world.user(role))
        actions.do_submit(report, acting_user=designated)
        for role in sorted(set(Role.values) - rules.EXECUTIVE):
            with pytest.raises(PermissionDenied):
                actions.do_approve(report, acting_user=world.user(role))

    def test_presentation_without_meeting_date_or_minute_reference_stores_nothing(self, world, executive):
        report = approved(world)
        with pytest.raises(ValidationError) as refused:
            actions.do_present(report, meeting_date=None, minute_reference="", acting_user=executive)
        assert set(refused.value.message_dict) == {"meeting_date", "minute_reference"}
        report.refresh_from_db()
        assert (report.status, report.minute_reference, report.meeting_date) == (rules.APPROVED, "", None)

    def test_presentation_to_a_meeting_of_the_register(self, world, designated, executive):
        report = approved(world)
        committee = governance_actions.do_create_committee(
            acting_user=designated, name="Board", kind=CommitteeKind.BOARD
        )
        meeting = governance_actions.do_record_meeting(
            committee, acting_user=designated, date=report.approved_at.date(), minute_reference="B/2026/12"
        )
        actions.do_present(report, meeting=meeting, acting_user=executive)
        assert (report.meeting_date, report.minute_reference) == (meeting.date, "B/2026/12")

    def test_a_period_that_has_not_ended_is_refused_naming_the_field(self, world, designated):
        with pytest.raises(ValidationError) as refused:
            new_report(world, financial_year=2026)
        assert "financial_year" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            new_report(world, code="quarterly-assurance", financial_year=2026, quarter=3)
        assert "quarter" in refused.value.message_dict
        assert not Report.objects.exists()

    def test_a_second_report_for_the_same_period_is_refused(self, world):
        new_report(world)
        with pytest.raises(ValidationError) as refused:
            new_report(world)
        assert "report_type" in refused.value.message_dict
