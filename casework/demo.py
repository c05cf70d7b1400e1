"""Synthetic casework for the demo ICB: pseudonymous references, invented names, dates relative to
today so that some clocks are due, some overdue and some done. Idempotent."""

import datetime as dt

from django.utils import timezone

from casework import actions
from casework.models import Allegation
from core.models import User, working_calendar
from organisations.models import Organisation


def load():
    icb = Organisation.objects.filter(ods_code="QZZ").first()
    if icb is None or Allegation.objects.filter(organisation__icb=icb).exists():
        return
    org = {o.ods_code: o for o in Organisation.objects.filter(icb=icb, ods_code__isnull=False)}
    council = org.get("ZC1")
    designated = User.objects.filter(username="designated").first()
    hr = User.objects.filter(username="hr").first() or designated
    calendar = working_calendar(icb.pk)
    today = timezone.localdate()
    last_working = calendar.add_working_days(today, -1)
    days = dt.timedelta

    # Allegations: one due today (made on the last working day), one overdue, one closed, one routed.
    actions.do_record_allegation(
        organisation=org["ZA1"],
        person_name="Corvin Ashdale",
        person_role="Healthcare assistant, children's ward",
        subject_reference="Child A",
        category="harmed",
        summary="A parent reported rough handling of a child during a procedure.",
        made_on=last_working,
        icb_learnt_on=last_working,
        suspension_decision="alternative",
        acting_user=hr,
    )
    actions.do_record_allegation(
        organisation=org["ZA7"],
        setting="children",
        person_name="Perrin Maddox",
        person_role="Volunteer youth worker",
        subject_reference="Young person B",
        category="outside_work",
        summary="Police shared information about conduct outside work.",
        made_on=calendar.add_working_days(today, -5),
        police_involved=True,
        suspension_decision="suspended",
        lado_informed_on=calendar.add_working_days(today, -4),
        acting_user=hr,
    )
    actions.do_record_allegation(
        organisation=org["ZA9"],
        setting="adults",
        person_name="Tamsin Wolde",
        person_role="Care assistant",
        subject_reference="Adult C",
        category="risk",
        summary="Financial irregularities with a resident's money.",
        made_on=today - days(60),
        designated_informed_on=today - days(59),
        hr_representative="HR business partner",
        employment_outcome="resigned",
        dbs_referral_on=today - days(20),
        regulator_referral="NMC",
        regulator_referral_on=today - days(20),
        outcome="substantiated",
        closed_on=today - days(15),
        acting_user=hr,
    )
    actions.do_record_allegation(
        organisation=icb,
        person_name="Ellery Brandt",
        person_role="Designated professional (invented)",
        concerns_designated_professional=True,
        category="risk",
        summary="Concern raised about professional boundaries; routed to the executive lead.",
        made_on=calendar.add_working_days(today, -2),
        acting_user=hr,
    )

    # Escalations: one at stage 3 without the designated professional informed, one resolved.
    if council:
        stalled = actions.do_open_escalation(
            organisation=org["ZA2"],
            case_reference="Child D",
            raised_by="Health visitor",
            other_agency="Children's social care, front door",
            local_authority=council,
            theme="threshold",
            acting_user=designated,
        )
        for stage, back in ((1, 30), (2, 20), (3, 5)):
            actions.do_record_stage(
                stalled,
                stage=stage,
                reached_on=today - days(back),
                agreed=f"Stage {stage}: discussed with the manager; decision maintained.",
                acting_user=designated,
            )
        resolved = actions.do_open_escalation(
            organisation=org["ZA1"],
            case_reference="Child E",
            raised_by="Named nurse",
            other_agency="Children's social care, assessment team",
            local_authority=council,
            theme="closure",
            acting_user=designated,
        )
        actions.do_record_stage(
            resolved, stage=1, reached_on=today - days(40), agreed="Case kept open for 4 weeks.", acting_user=designated
        )
        actions.do_update_escalation(
            resolved,
            outcome="Case kept open with a review in four weeks.",
            outcome_in_writing_on=today - days(35),
            closed_on=today - days(35),
            acting_user=designated,
        )

        urgent = actions.do_open_escalation(
            organisation=org["ZA1"],
            case_reference="Child L",
            raised_by="Named nurse",
            other_agency="Children's social care, assessment team",
            local_authority=council,
            theme="plan",
            acting_user=designated,
        )
        actions.do_record_stage(
            urgent,
            stage=4,
            reached_on=today - days(1),
            raised_by="named_professional",
            raised_with="head_of_service",
            agreed="Strategy discussion to be held today.",
            skip_reason="Child at risk of immediate harm: discharge planned without a protection plan.",
            acting_user=designated,
        )
        actions.do_open_escalation(
            organisation=org["ZA2"],
            case_reference="Cases M1-M4",
            raised_by="Named nurse",
            other_agency="Children's social care, front door",
            local_authority=council,
            theme="threshold",
            multiple_cases=True,
            stage_one_on=today,
            stage_one_agreed="Named nurse raised four referrals declined at the front door.",
            acting_user=designated,
        )

        actions.do_record_referral(
            organisation=icb,
            local_authority=council,
            subject_reference="Child F",
            referred_by="Designated nurse",
            category="neglect",
            referred_at=timezone.now() - days(4),
            family_told=True,
            acting_user=designated,
        )
        actions.do_record_referral(
            organisation=icb,
            route="online",
            local_authority=council,
            subject_reference="Child N",
            referred_by="Named GP",
            category="emotional",
            referred_at=timezone.now() - days(1),
            family_told=False,
            why_family_not_told="Telling the family could put the child at risk before a strategy discussion.",
            acting_user=designated,
        )

    actions.do_log_advice(
        organisation=org["Z10001"],
        caller="GP safeguarding lead",
        called_at=timezone.now() - days(2),
        subject_reference="Family G",
        category="domestic",
        advice_given="Discussed MARAC referral thresholds and information sharing.",
        action_plan="GP to complete a DASH risk assessment and refer to MARAC if high risk.",
        follow_up_on=today,
        acting_user=designated,
    )
    incident = actions.do_record_incident(
        organisation=org["ZA3"],
        incident_reference="PSIRF-0042",
        subject_reference="Patient H",
        summary="Unwitnessed injury on a ward; safeguarding concern raised.",
        occurred_on=today - days(10),
        reported_on=today - days(9),
        escalated_as_safeguarding=True,
        leads_informed_on=today - days(9),
        duty_of_candour="required",
        cqc_notified_on=today - days(8),
        acting_user=designated,
    )
    actions.do_add_incident_action(
        incident,
        title="Review ward observation policy and brief all staff",
        owner="Ward manager",
        due_date=today + days(30),
        success_measure="Policy reissued and 95% of ward staff briefed",
        acting_user=designated,
    )
    concern = actions.do_raise_health_concern(
        organisation=org["ZA1"],
        kind="fii",
        subject_reference="Child J",
        concern="Repeated presentations with symptoms not seen by staff.",
        raised_on=today - days(12),
        return_deadline=today - days(2),
        acting_user=designated,
    )
    for code in ("ZA2", "Z10002"):
        actions.do_request_information(concern, agency=org[code], requested_on=today - days(12), acting_user=designated)
    actions.do_log_disclosure(
        organisation=icb,
        subject_reference="Adult K",
        disclosed_on=today - days(3),
        disclosed_to="Police public protection unit",
        enquirer_verified=True,
        grounds="Section 47 enquiry into risk to a child in the household.",
        information_shared="Dates of recent attendances.",
        lawful_basis="public_task",
        article_9_condition="safeguarding",
        consent="not_sought",
        consent_exception="risk",
        incremental_disclosure=True,
        wishes="Not known: the person was not asked, as asking would increase the risk.",
        reasoning="Risk of serious harm to others outweighed the duty of confidentiality.",
        decided_by="Designated nurse",
        caldicott_consulted=True,
        person_told=False,
        why_not_told="Telling the person would increase the risk to a child.",
        acting_user=designated,
    )
