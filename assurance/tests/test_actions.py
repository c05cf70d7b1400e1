import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assurance import actions
from assurance.choices import AssessmentStatus, CommentKind, ReviewDecision
from assurance.models import Assessment, Framework, Requirement, Response, Section
from assurance.reference import framework_files, load_frameworks
from assurance.tests.factories import assessment_of, complete, framework, open_cycle, submitted
from core.audit import history_for
from core.choices import ActionSource, Role
from core.models import TrackedAction
from core.testing import make_provider, pdf_bytes
from organisations.choices import OrganisationKind


def current(key):
    """The requirements of the framework version the seeds' wording is shipped in (issue 16)."""
    return Requirement.objects.filter(framework__key=key, framework__version="2026.1")


class TestFrameworksAsData:
    def test_the_shipped_frameworks_are_loaded_by_the_migration(self, db):
        keys = set(Framework.objects.values_list("key", flat=True))
        assert {
            "section11-children",
            "safeguarding-adults",
            "nhs-standard-contract-sc32",
            "saaf-provider-arrangements",
            "icb-statutory-duties",
            "lampard-2015",
            "modern-slavery",
            "prevent",
        } <= keys
        assert current("section11-children").count() == 12
        assert current("safeguarding-adults").count() == 11
        assert current("lampard-2015").count() == 14
        assert not Requirement.objects.filter(source="").exists()

    def test_loading_the_same_version_twice_changes_nothing(self, db):
        before = (Framework.objects.count(), Section.objects.count(), Requirement.objects.count())
        assert load_frameworks() == []
        assert (Framework.objects.count(), Section.objects.count(), Requirement.objects.count()) == before

    def test_a_new_version_never_rewrites_assessments_made_against_the_old_one(self, world, tmp_path):
        cycle = open_cycle(world)
        old = assessment_of(cycle, world.provider).responses.get(requirement__code="S11-1")
        old_title = old.requirement.title
        data = json.loads(next(p for p in framework_files() if "section11" in p.name).read_text())
        data["version"] = "2027.1"
        data["effective_date"] = "2027-04-01"
        data["sections"][0]["requirements"][0]["title"] = "New wording of the accountability standard."
        path = tmp_path / "s11_v2.json"
        path.write_text(json.dumps(data))
        (created,) = load_frameworks(files=[path])
        assert created.version == "2027.1"
        old.refresh_from_db()
        assert old.requirement.title == old_title
        assert old.requirement.framework.version == "2026.1"  # the version in force when the cycle opened
        assert created.requirements.get(code="S11-1").title == "New wording of the accountability standard."
        assert load_frameworks(files=[path]) == []  # and loading v2 twice changes nothing


class TestOpeningACycle:
    def test_each_organisation_gets_only_the_requirements_for_its_kind(self, world):
        trust = make_provider(world.icb, kind=OrganisationKind.TRUST_ACUTE)
        care_home = make_provider(world.icb, kind=OrganisationKind.CARE_HOME)
        cycle = open_cycle(world, key="safeguarding-adults", organisations=[trust, care_home])
        assert assessment_of(cycle, trust).responses.count() == 11
        care_home_codes = set(assessment_of(cycle, care_home).responses.values_list("requirement__code", flat=True))
        assert len(care_home_codes) == 10 and "SA-11" not in care_home_codes  # Prevent duty: NHS trusts only

    def test_it_refuses_a_past_due_date_and_another_icbs_organisation(self, world):
        with pytest.raises(ValidationError) as error:
            actions.do_open_cycle(
                icb=world.icb,
                framework=framework(),
                period_label="2026/27",
                due_date=timezone.localdate() - dt.timedelta(days=1),
                organisations=[world.foreign_provider],
                acting_user=world.user(Role.DESIGNATED),
            )
        assert set(error.value.message_dict) == {"due_date", "organisations"}
        assert not Assessment.objects.exists()

    def test_it_refuses_an_organisation_no_requirement_applies_to(self, world):
        with pytest.raises(ValidationError) as error:
            open_cycle(world, key="icb-statutory-duties", organisations=[world.provider])
        assert "No requirement" in error.value.message_dict["organisations"][0]


class TestCompletingAndSubmitting:
    def test_saving_a_draft_starts_the_assessment(self, world):
        assessment = assessment_of(open_cycle(world), world.provider)
        response = assessment.responses.first()
        actions.do_save_response(response, rating="fully_met", narrative="ok", acting_user=world.user(Role.PROVIDER))
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.IN_PROGRESS

    def test_submission_with_a_shortfall_and_no_action_is_refused_and_nothing_is_saved(self, world):
        assessment = assessment_of(open_cycle(world), world.provider)
        user = world.user(Role.PROVIDER)
        complete(assessment, user)
        response = assessment.responses.get(requirement__code="S11-4")
        actions.do_save_response(response, rating="not_met", acting_user=user)
        na = assessment.responses.get(requirement__code="S11-5")
        actions.do_save_response(na, rating="not_applicable", na_reason="", acting_user=user)
        with pytest.raises(ValidationError) as error:
            actions.do_submit_assessment(assessment, acting_user=user)
        assert set(error.value.message_dict) == {"S11-4", "S11-5"}
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.IN_PROGRESS and assessment.submitted_at is None

    def test_submission_succeeds_once_every_shortfall_has_a_smart_action(self, world):
        assessment = assessment_of(open_cycle(world), world.provider)
        submitted(world, assessment, shortfall_codes={"S11-11"})
        assert assessment.status == AssessmentStatus.SUBMITTED
        response = assessment.responses.get(requirement__code="S11-11")
        (action,) = TrackedAction.objects.for_source(response)
        assert action.source_kind == ActionSource.ASSESSMENT and action.organisation == world.provider

    def test_an_action_without_owner_or_with_a_past_due_date_is_refused(self, world):
        response = assessment_of(open_cycle(world), world.provider).responses.first()
        with pytest.raises(ValidationError) as error:
            actions.do_add_shortfall_action(
                response,
                title="Do it",
                owner="",
                due_date=timezone.localdate() - dt.timedelta(days=1),
                success_measure="m",
                acting_user=world.user(Role.PROVIDER),
            )
        assert {"owner", "due_date"} <= set(error.value.message_dict)
        assert not TrackedAction.objects.exists()

    def test_only_the_assessed_organisation_completes_it(self, world):
        assessment = assessment_of(open_cycle(world), world.provider)
        response = assessment.responses.first()
        for user in (world.other_provider_user, world.user(Role.DESIGNATED)):
            with pytest.raises(PermissionDenied):
                actions.do_save_response(response, rating="fully_met", acting_user=user)

    def test_a_submitted_assessment_cannot_be_edited(self, world):
        assessment = submitted(world, assessment_of(open_cycle(world), world.provider))
        with pytest.raises(ValidationError):
            actions.do_save_response(
                assessment.responses.first(), rating="not_met", acting_user=world.user(Role.PROVIDER)
            )


class TestEvidence:
    def response(self, world):
        return assessment_of(open_cycle(world), world.provider).responses.first()

    def test_a_file_within_limits_is_stored(self, world, settings):
        evidence = actions.do_add_evidence_file(
            self.response(world),
            upload=SimpleUploadedFile("policy.pdf", pdf_bytes(), content_type="application/pdf"),
            acting_user=world.user(Role.PROVIDER),
        )
        assert evidence.size == len(pdf_bytes()) and evidence.file.read() == pdf_bytes()
        assert str(settings.MEDIA_ROOT) in evidence.file.path

    def test_a_300_character_name_keeps_its_extension_stored_and_shown(self, world, client_for):
        name = "Safeguarding supervision policy and procedure " * 6 + "v2.pdf"
        assert len(name) > 280
        evidence = actions.do_add_evidence_file(
            self.response(world),
            upload=SimpleUploadedFile(name[:294] + ".pdf", pdf_bytes()),
            acting_user=world.user(Role.PROVIDER),
        )
        assert evidence.original_name.endswith(".pdf") and len(evidence.original_name) == 200
        assert evidence.file.name.endswith(".pdf") and len(evidence.file.name.rsplit("/", 1)[-1]) <= 60
        download = client_for(world.user(Role.PROVIDER)).get(f"/assurance/evidence/{evidence.pk}/")
        assert '.pdf"' in download["Content-Disposition"] and download["Content-Type"] == "application/pdf"

    def test_a_pdf_that_is_really_an_image_or_does_not_parse_is_refused(self, world):
        response = self.response(world)
        for content in (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"%PDF-1.4 synthetic"):
            with pytest.raises(ValidationError) as error:
                actions.do_add_evidence_file(
                    response, upload=SimpleUploadedFile("policy.pdf", content), acting_user=world.user(Role.PROVIDER)
                )
            assert "not a" in error.value.message_dict["upload"][0]
        assert not response.evidence.exists()

    def test_too_large_or_forbidden_files_are_refused(self, world, settings):
        settings.VIGIL = {**settings.VIGIL, "ASSURANCE_EVIDENCE_MAX_BYTES": 10}
        response = self.response(world)
        for upload in (
            SimpleUploadedFile("big.pdf", b"x" * 11),
            SimpleUploadedFile("script.exe", b"x"),
        ):
            with pytest.raises(ValidationError) as error:
                actions.do_add_evidence_file(response, upload=upload, acting_user=world.user(Role.PROVIDER))
            assert "upload" in error.value.message_dict
        assert not response.evidence.exists()

    def test_a_renamed_executable_is_refused(self, world):
        response = self.response(world)
        with pytest.raises(ValidationError) as error:
            actions.do_add_evidence_file(
                response,
                upload=SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 an executable"),
                acting_user=world.user(Role.PROVIDER),
            )
        assert error.value.message_dict["upload"] == ["The file's content is not a PDF file."]
        assert not response.evidence.exists()

    def test_a_link_is_evidence_too(self, world):
        evidence = actions.do_add_evidence_link(
            self.response(world), url="https://intranet.example.invalid/policy", acting_user=world.user(Role.PROVIDER)
        )
        assert evidence.kind == "link"


class TestReviewAndSignOff:
    def test_a_challenge_returns_the_assessment_and_the_thread_is_kept(self, world):
        assessment = submitted(world, assessment_of(open_cycle(world), world.provider))
        designated, provider = world.user(Role.DESIGNATED), world.user(Role.PROVIDER)
        responses = list(assessment.responses.select_related("requirement"))
        decisions = dict.fromkeys(responses, (ReviewDecision.ACCEPTED, ""))
        decisions[responses[0]] = (ReviewDecision.CHALLENGED, "Send the board minutes.")
        actions.do_review(assessment, decisions, acting_user=designated)
        assert assessment.status == AssessmentStatus.RETURNED
        actions.do_answer_challenge(responses[0], text="Minutes attached.", acting_user=provider)
        actions.do_submit_assessment(assessment, acting_user=provider)
        responses[0].refresh_from_db()
        assert responses[0].review_decision == ""  # back to the reviewer
        assert Response.objects.filter(assessment=assessment, review_decision="accepted").count() == 11
        with pytest.raises(ValidationError):
            actions.do_sign_off(assessment, acting_user=designated)
        actions.do_review(assessment, {responses[0]: (ReviewDecision.ACCEPTED, "Thank you")}, acting_user=designated)
        actions.do_sign_off(assessment, acting_user=designated)
        assert assessment.status == AssessmentStatus.SIGNED_OFF and assessment.signed_off_by == designated
        kinds = list(responses[0].comments.values_list("kind", flat=True))
        assert kinds == [CommentKind.CHALLENGED, CommentKind.REPLY, CommentKind.ACCEPTED]
        statuses = [e.changes_dict.get("status", [None, None])[1] for e in history_for(assessment)]
        assert {"submitted", "returned", "signed_off"} <= set(statuses)

    def test_a_challenge_needs_a_comment(self, world):
        assessment = submitted(world, assessment_of(open_cycle(world), world.provider))
        response = assessment.responses.select_related("requirement").first()
        with pytest.raises(ValidationError):
            actions.do_review(assessment, {response: ("challenged", " ")}, acting_user=world.user(Role.DESIGNATED))
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SUBMITTED and not response.comments.exists()

    def test_only_a_designated_professional_reviews(self, world):
        assessment = submitted(world, assessment_of(open_cycle(world), world.provider))
        response = assessment.responses.select_related("requirement").first()
        for role in (Role.ADMINISTRATOR, Role.PROVIDER, Role.EXECUTIVE):
            with pytest.raises(PermissionDenied):
                actions.do_review(assessment, {response: ("accepted", "")}, acting_user=world.user(role))

    def test_an_unsubmitted_assessment_cannot_be_reviewed_or_signed_off(self, world):
        assessment = assessment_of(open_cycle(world), world.provider)
        with pytest.raises(ValidationError):
            actions.do_sign_off(assessment, acting_user=world.user(Role.DESIGNATED))


def test_the_icb_completes_its_own_self_assessment(world):
    cycle = open_cycle(world, key="icb-statutory-duties", organisations=[world.icb])
    assessment = assessment_of(cycle, world.icb)
    complete(assessment, world.user(Role.ADMINISTRATOR))
    actions.do_submit_assessment(assessment, acting_user=world.user(Role.DESIGNATED))
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_the_command_loads_nothing_twice_and_warns_when_a_loaded_version_was_edited(db, tmp_path):
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("load_frameworks", stdout=out, stderr=err)
    assert "0 framework version(s) loaded." in out.getvalue() and err.getvalue() == ""
    data = json.loads(next(p for p in framework_files() if "prevent" in p.name).read_text())
    data["sections"][0]["requirements"][0]["title"] = "Edited without a new version"
    path = tmp_path / "prevent_edited.json"
    path.write_text(json.dumps(data))
    call_command("load_frameworks", str(path), stdout=out, stderr=err)
    assert "differs in PV-1" in err.getvalue()
    assert Requirement.objects.get(framework__key="prevent", code="PV-1").title != "Edited without a new version"
