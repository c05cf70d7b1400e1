"""Actions: references, validation with clear messages, nothing partial saved, routing, warnings."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from casework import actions
from casework.models import Allegation, Escalation, EscalationStage, InformationRequest, Referral
from casework.tests import factories
from core.choices import Role
from core.models import TrackedAction
from core.tests.synthetic import first_synthetic_nhs_number as synthetic_nhs_number

pytestmark = pytest.mark.django_db
FRIDAY = factories.RECENT


class TestReferences:
    def test_records_get_sequential_pseudonymous_references(self, world):
        first, second = factories.allegation(world), factories.allegation(world)
        year = first.created_at.year
        assert (first.reference, second.reference) == (f"ALG-{year}-001", f"ALG-{year}-002")
        assert str(first) == first.reference

    def test_numbering_continues_past_999(self, world):
        first = factories.advice(world)
        prefix = first.reference.rsplit("-", 1)[0]
        type(first).objects.filter(pk=first.pk).update(reference=f"{prefix}-999")
        assert factories.advice(world).reference == f"{prefix}-1000"
        assert factories.advice(world).reference == f"{prefix}-1001"

    def test_each_register_has_its_own_sequence(self, world):
        assert factories.escalation(world).reference.startswith("ESC-")
        assert factories.incident(world).reference.startswith("SI-")


class TestAllegationBadInput:
    def test_it_rejects_a_lado_date_before_the_allegation_and_saves_nothing(self, world):
        with pytest.raises(ValidationError) as error:
            factories.allegation(world, lado_informed_on=FRIDAY - dt.timedelta(days=1))
        assert "cannot be before the allegation was made" in error.value.message_dict["lado_informed_on"][0]
        assert not Allegation.objects.exists()

    def test_it_rejects_an_outcome_without_a_closure_date(self, world):
        with pytest.raises(ValidationError) as error:
            factories.allegation(world, outcome="unfounded")
        assert error.value.message_dict["closed_on"] == [
            "Enter the closure date: an allegation with an outcome is closed."
        ]
        assert not Allegation.objects.exists()

    def test_an_update_that_fails_leaves_the_record_as_it_was(self, world):
        allegation = factories.allegation(world)
        with pytest.raises(ValidationError):
            actions.do_update_allegation(allegation, outcome="malicious", acting_user=None)
        allegation.refresh_from_db()
        assert allegation.outcome == ""

    def test_closing_after_a_resignation_needs_the_dbs_referral(self, world):
        allegation = factories.allegation(world, employment_outcome="resigned")
        with pytest.raises(ValidationError) as error:
            actions.do_update_allegation(allegation, outcome="substantiated", closed_on=FRIDAY, acting_user=None)
        assert "DBS barring referral is required" in error.value.message_dict["dbs_referral_on"][0]
        actions.do_update_allegation(
            allegation, outcome="substantiated", closed_on=FRIDAY, dbs_referral_on=FRIDAY, acting_user=None
        )
        allegation.refresh_from_db()
        assert allegation.outcome == "substantiated"


class TestAllegationRouting:
    def test_an_allegation_about_a_designated_professional_is_seen_only_by_the_executive_lead_and_hr(self, world):
        routed = factories.allegation(world, concerns_designated_professional=True)
        ordinary = factories.allegation(world)
        for role, expected in (
            (Role.EXECUTIVE, {routed, ordinary}),
            (Role.HR, {routed, ordinary}),
            (Role.DESIGNATED, {ordinary}),
            (Role.ADMINISTRATOR, set()),
            (Role.PROVIDER, set()),
        ):
            assert set(Allegation.objects.restrict(world.user(role))) == expected, role


class TestPseudonymWarnings:
    def test_an_nhs_number_as_subject_reference_is_refused_until_acknowledged(self, world):
        number = synthetic_nhs_number()
        with pytest.raises(ValidationError) as error:
            factories.referral(world, subject_reference=f"{number[:3]} {number[3:6]} {number[6:]}")
        assert "valid NHS number" in error.value.message_dict["subject_reference"][0]
        assert not Referral.objects.exists()
        factories.referral(world, subject_reference=number, acknowledge_warnings=True)
        assert Referral.objects.count() == 1

    def test_a_name_as_a_case_reference_warns(self, world):
        with pytest.raises(ValidationError) as error:
            factories.escalation(world, case_reference="Jane Smith")
        assert "looks like a person's name" in error.value.message_dict["case_reference"][0]
        assert not Escalation.objects.exists()

    def test_warnings_and_rule_errors_come_back_together(self, world):
        with pytest.raises(ValidationError) as error:
            actions.do_record_allegation(
                organisation=world.provider,
                person_name="Invented Person",
                person_role="Porter",
                category="harmed",
                summary="s",
                made_on=FRIDAY,
                subject_reference="Jane Smith",
                outcome="false",
                acting_user=None,
            )
        assert {"subject_reference", "closed_on"} <= set(error.value.message_dict)

    def test_editing_other_fields_does_not_re_warn_an_acknowledged_reference(self, world):
        referral = factories.referral(world, subject_reference="Tomasz Wrenfold", acknowledge_warnings=True)
        actions.do_update_referral(referral, outcome="Assessment opened", acting_user=None)
        referral.refresh_from_db()
        assert referral.outcome == "Assessment opened"


class TestEscalationStages:
    def test_stage_four_without_stage_three_needs_the_skip_reason_then_is_recorded(self, world):
        """[DUDLEY App. 6; CPCCG App. 5 Salient points]: an urgent case may start at any stage."""
        escalation = factories.escalation(world, stages=[FRIDAY, FRIDAY])
        with pytest.raises(ValidationError) as error:
            actions.do_record_stage(escalation, stage=4, reached_on=FRIDAY, agreed="x", acting_user=None)
        assert set(error.value.message_dict) == {"skip_reason"}
        assert EscalationStage.objects.filter(escalation=escalation).count() == 2
        stage = actions.do_record_stage(
            escalation,
            stage=4,
            reached_on=FRIDAY,
            agreed="Head of service agreed a strategy discussion",
            raised_by="named_professional",
            raised_with="head_of_service",
            skip_reason="Child at risk of immediate harm",
            acting_user=None,
        )
        assert stage.skip_reason == "Child at risk of immediate harm"
        assert stage.get_raised_with_display() == "Head of service"

    def test_who_raised_it_with_whom_defaults_to_the_procedures_stage(self, world):
        """[DUDLEY App. 6 3.3: the manager raises it with the equivalent manager at stage 3]."""
        escalation = factories.escalation(world)
        stage = actions.do_record_stage(
            escalation, stage=3, reached_on=FRIDAY, agreed="x", skip_reason="Urgent", acting_user=None
        )
        assert (stage.raised_by, stage.raised_with) == ("line_manager", "team_manager")

    def test_what_was_agreed_is_checked_for_names(self, world):
        escalation = factories.escalation(world)
        with pytest.raises(ValidationError) as error:
            actions.do_record_stage(
                escalation, stage=1, reached_on=FRIDAY, agreed="Spoke to JOHN SMITH", acting_user=None
            )
        assert "looks like a person's name" in error.value.message_dict["agreed"][0]
        actions.do_record_stage(
            escalation,
            stage=1,
            reached_on=FRIDAY,
            agreed="Spoke to JOHN SMITH",
            acknowledge_warnings=True,
            acting_user=None,
        )

    def test_a_new_escalation_follows_its_icbs_procedure(self, world):
        from casework.models import EscalationProcedure

        assert factories.escalation(world).procedure.code == "dudley"  # the setting's default
        EscalationProcedure.objects.get(code="cpccg").icbs.add(world.icb)
        assert factories.escalation(world).procedure.code == "cpccg"

    def test_opening_with_stage_one_records_it(self, world):
        escalation = factories.escalation(world, stage_one_on=FRIDAY, stage_one_agreed="Discussed with team manager")
        assert list(escalation.stages.values_list("stage", flat=True)) == [1]

    def test_an_escalation_cannot_close_without_an_outcome(self, world):
        with pytest.raises(ValidationError) as error:
            factories.escalation(world, closed_on=FRIDAY)
        assert "Record the agreed outcome" in error.value.message_dict["outcome"][0]

    def test_the_local_authority_must_be_a_local_authority(self, world):
        with pytest.raises(ValidationError) as error:
            factories.escalation(world, local_authority=world.other_provider)
        assert error.value.message_dict["local_authority"] == ["Choose a local authority."]


class TestOtherRegisters:
    def test_a_disclosure_without_telling_the_person_needs_the_reason(self, world):
        with pytest.raises(ValidationError) as error:
            factories.disclosure(world, person_told=False)
        assert "why_not_told" in error.value.message_dict

    def test_an_incident_not_escalated_needs_the_reasoning(self, world):
        with pytest.raises(ValidationError) as error:
            factories.incident(world, escalated_as_safeguarding=False)
        assert "escalation_reasoning" in error.value.message_dict

    def test_information_requests_default_to_the_concerns_deadline(self, world):
        concern = factories.concern(world)
        request = actions.do_request_information(
            concern, agency=world.other_provider, requested_on=FRIDAY, acting_user=None
        )
        assert request.return_by == concern.return_deadline
        actions.do_record_information_returned(request, returned_on=FRIDAY + dt.timedelta(days=3), acting_user=None)
        assert InformationRequest.objects.get().returned_on == FRIDAY + dt.timedelta(days=3)

    def test_incident_actions_go_into_the_shared_tracker(self, world):
        incident = factories.incident(world)
        created = actions.do_add_incident_action(
            incident,
            title="Re-train ward staff in recognising neglect",
            owner="Named nurse",
            due_date=dt.date.today() + dt.timedelta(days=30),
            success_measure="90% of ward staff trained",
            acting_user=world.user(Role.DESIGNATED),
        )
        assert list(TrackedAction.objects.for_source(incident)) == [created]
        assert created.source_kind == "incident"


class TestAuditTrailWithholdsContent:
    def test_change_entries_record_which_fields_changed_but_not_their_values(self, world):
        allegation = factories.allegation(world, acting_user=world.user(Role.HR))
        entry = LogEntry.objects.get_for_object(allegation).get()
        assert entry.changes_dict["person_name"][1] == "[restricted]"
        assert "Invented Staffmember" not in entry.changes_text + str(entry.changes)
        assert entry.object_repr == allegation.reference
