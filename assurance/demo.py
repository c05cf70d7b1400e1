"""Synthetic demo data for standards assurance (every name and answer is invented).

- Section 11, 2025/26 (closed, a year ago): three trusts signed off, for the roll-up comparison.
- Section 11, 2026/27 (open, due in six weeks) for every demo provider: ZA1 signed off, ZA2 submitted,
  ZA3 returned with a challenge, ZA7 in progress, the others not started.
- Inspections and regulators: CQC registrations of the three trusts and the care home; a CQC inspection of
  ZA1 (requires improvement) with a requirement notice and two actions; a requirement notice to ZA9, the care home,
  with no action (the gap the home page shows); an Ofsted/CQC joint targeted area inspection of the county
  council; an investigation the designated professional has not been told of.
- Prevent, 2026/27 (due a week ago): ZA1 and ZA3 submitted, ZA9 (the care home with no Prevent lead)
  late and not started.
- The ICB's own duties: the children-in-care health service specification past its review date (a gap), and
  two funding panels, one documented as MCA-compliant and one not (a gap).
"""

import datetime as dt

from django.utils import timezone

from assurance import actions
from assurance.choices import ReviewDecision
from assurance.models import ChildrenInCareSpecification, Cycle, Framework
from assurance.reference import load_frameworks
from core.actions import save_fields
from core.models import User
from organisations.choices import PROVIDER_KINDS
from organisations.models import Organisation

NARRATIVE = "Synthetic demo answer: the policy is in place, reviewed this year and known to staff."


def load():
    _load_assessments()
    _load_inspections()


def _load_assessments():
    icb = Organisation.objects.filter(ods_code="QZZ").first()
    if icb is None:
        return
    if not ChildrenInCareSpecification.objects.filter(icb=icb).exists():
        _icb_duties(icb, User.objects.filter(username="designated").first(), timezone.localdate())
    if Cycle.objects.filter(icb=icb).exists():
        return
    load_frameworks()
    designated = User.objects.filter(username="designated").first()
    providers = {
        o.ods_code: o
        for o in Organisation.objects.filter(icb=icb, kind__in=PROVIDER_KINDS).exclude(ods_code=None).order_by("name")
    }

    def user_of(code):
        return User.objects.filter(username=f"provider.{code.lower()}").first()

    today = timezone.localdate()
    s11 = Framework.objects.filter(key="section11-children").order_by("-effective_date").first()
    prevent = Framework.objects.filter(key="prevent").order_by("-effective_date").first()

    previous = actions.do_open_cycle(
        icb=icb,
        framework=s11,
        period_label="2025/26",
        due_date=today + dt.timedelta(days=1),
        organisations=[providers[c] for c in ("ZA1", "ZA2", "ZA3")],
        acting_user=designated,
    )
    for code, shortfalls in (("ZA1", {"S11-11": "not_met"}), ("ZA2", {}), ("ZA3", {"S11-12": "partially_met"})):
        assessment = previous.assessments.get(organisation=providers[code])
        _complete(assessment, user_of(code), shortfalls)
        _accept_all(assessment, designated)
        actions.do_sign_off(assessment, acting_user=designated)
    save_fields(previous, {"due_date": today - dt.timedelta(days=330)}, acting_user=designated)

    current = actions.do_open_cycle(
        icb=icb,
        framework=s11,
        period_label="2026/27",
        due_date=today + dt.timedelta(days=42),
        organisations=list(providers.values()),
        acting_user=designated,
    )
    za1 = current.assessments.get(organisation=providers["ZA1"])
    _complete(za1, user_of("ZA1"), {"S11-11": "partially_met"})
    _accept_all(za1, designated)
    actions.do_sign_off(za1, acting_user=designated)

    za2 = current.assessments.get(organisation=providers["ZA2"])
    _complete(za2, user_of("ZA2"), {"S11-10": "partially_met", "S11-12": "not_met"})

    za3 = current.assessments.get(organisation=providers["ZA3"])
    _complete(za3, user_of("ZA3"), {"S11-3": "partially_met"})
    responses = list(za3.responses.select_related("requirement"))
    decisions = dict.fromkeys(responses, (ReviewDecision.ACCEPTED, ""))
    challenged = next(r for r in responses if r.requirement.code == "S11-7")
    decisions[challenged] = (
        ReviewDecision.CHALLENGED,
        "Please attach the escalation policy and show it matches the partnership's procedure.",
    )
    actions.do_review(za3, decisions, acting_user=designated)

    za7 = current.assessments.get(organisation=providers["ZA7"])
    first_section = za7.responses.select_related("requirement").filter(requirement__section__order=1)
    actions.do_save_responses(
        za7, {r: {"rating": "fully_met", "narrative": NARRATIVE} for r in first_section}, acting_user=user_of("ZA7")
    )

    prevent_cycle = actions.do_open_cycle(
        icb=icb,
        framework=prevent,
        period_label="2026/27",
        due_date=today + dt.timedelta(days=1),
        organisations=[providers[c] for c in ("ZA1", "ZA3", "ZA9")],
        acting_user=designated,
    )
    for code in ("ZA1", "ZA3"):
        _complete(prevent_cycle.assessments.get(organisation=providers[code]), user_of(code), {}, submit=True)
    save_fields(prevent_cycle, {"due_date": today - dt.timedelta(days=7)}, acting_user=designated)


def _complete(assessment, user, shortfalls, submit=True):
    responses = list(assessment.responses.select_related("requirement"))
    answers = {
        r: {"rating": shortfalls.get(r.requirement.code, "fully_met"), "narrative": NARRATIVE} for r in responses
    }
    actions.do_save_responses(assessment, answers, acting_user=user)
    for response in responses:
        if response.requirement.code in shortfalls:
            actions.do_add_shortfall_action(
                response,
                title=f"Close the gap found against {response.requirement.code}",
                owner="Named nurse for safeguarding children",
                due_date=timezone.localdate() + dt.timedelta(days=90),
                success_measure="Audit shows the standard fully met; evidence sent to the designated nurse.",
                acting_user=user,
            )
    actions.do_add_evidence_link(
        responses[0], url="https://intranet.example.invalid/safeguarding/policy", acting_user=user
    )
    if submit:
        actions.do_submit_assessment(assessment, acting_user=user)


def _accept_all(assessment, designated):
    responses = assessment.responses.select_related("requirement")
    actions.do_review(assessment, dict.fromkeys(responses, (ReviewDecision.ACCEPTED, "")), acting_user=designated)


def _icb_duties(icb, user, today):
    actions.do_add_cic_specification(
        acting_user=user,
        icb=icb,
        title="Children in care health service specification 2024-2026",
        provider_name="Dunstow Community Health NHS Trust",
        approved_on=today - dt.timedelta(days=760),
        review_date=today - dt.timedelta(days=35),  # past its review date: a gap
        child_voice="Synthetic demo: the children in care council meets the designated nurse each term; young "
        "people rate each health assessment by a short survey; two care leavers sit on the service review panel.",
    )
    actions.do_add_funding_panel(
        acting_user=user,
        icb=icb,
        panel="Continuing healthcare funding panel",
        mca_compliant=True,
        evidence="Synthetic demo: audit of 25 panel decisions found capacity assessments and best-interests "
        "decisions recorded for every patient who lacked capacity.",
        assured_on=today - dt.timedelta(days=120),
    )
    actions.do_add_funding_panel(
        acting_user=user,
        icb=icb,
        panel="Individual funding requests panel",
        mca_compliant=False,
        evidence="Synthetic demo: the panel's template has no field for capacity or best interests.",
        assured_on=today - dt.timedelta(days=20),
    )


def _load_inspections():
    from assurance.models import Inspection

    icb = Organisation.objects.filter(ods_code="QZZ").first()
    designated = User.objects.filter(username="designated").first()
    if icb is None or designated is None or Inspection.objects.filter(organisation__icb=icb).exists():
        return
    by_code = {o.ods_code: o for o in Organisation.objects.filter(icb=icb).exclude(ods_code=None)}
    council = by_code.get("ZC1")
    if not all(code in by_code for code in ("ZA1", "ZA2", "ZA3", "ZA9")) or council is None:
        return
    today = timezone.localdate()

    def ago(days):
        return today - dt.timedelta(days=days)

    for code, number, rating, rated in (
        ("ZA1", "1-900000001", "requires_improvement", 120),
        ("ZA2", "1-900000002", "good", 400),
        ("ZA3", "1-900000003", "good", 700),
        ("ZA9", "1-900000009", "inadequate", 45),
    ):
        actions.do_record_registration(
            provider=by_code[code],
            registration_id=number,
            registered_on=ago(3650),
            current_rating=rating,
            rated_on=ago(rated),
            conditions="Must not admit new residents without the CQC's agreement." if code == "ZA9" else "",
            icb_told_on=ago(rated - 7) if code != "ZA9" else None,
            acting_user=designated,
        )
    acute = actions.do_record_inspection(
        organisation=by_code["ZA1"],
        body="cqc",
        kind="cqc_inspection",
        title="Unannounced inspection of urgent and emergency care",
        started_on=ago(150),
        ended_on=ago(148),
        published_on=ago(120),
        rating="requires_improvement",
        findings="Synthetic findings: safeguarding training for emergency department staff below target; "
        "children's safeguarding referrals not always followed up within 24 hours.",
        icb_told_on=ago(147),
        acting_user=designated,
    )
    actions.do_record_notice(
        provider=by_code["ZA1"],
        inspection=acute,
        kind="requirement",
        issued_on=ago(120),
        summary="Regulation 13: ensure staff follow up every safeguarding referral.",
        icb_told_on=ago(118),
        acting_user=designated,
    )
    for title, owner, days, measure in (
        ("Level 3 safeguarding training for every ED registrant", "Named nurse", 60, "90% of ED staff at level 3"),
        ("Audit follow-up of children's referrals within 24 hours", "Named doctor", 90, "Monthly audit at 95%"),
    ):
        actions.do_raise_inspection_action(
            acute,
            organisation=by_code["ZA1"],
            title=title,
            owner=owner,
            due_date=today + dt.timedelta(days=days),
            success_measure=measure,
            acting_user=designated,
        )
    care_home = actions.do_record_inspection(
        organisation=by_code["ZA9"],
        body="cqc",
        kind="cqc_inspection",
        title="Focused inspection following concerns",
        started_on=ago(50),
        published_on=ago(45),
        rating="inadequate",
        findings="Synthetic findings: allegations against staff not reported to the local authority.",
        investigation=True,
        acting_user=designated,
    )
    actions.do_record_notice(
        provider=by_code["ZA9"],
        inspection=care_home,
        kind="requirement",
        issued_on=ago(45),
        summary="Regulation 13: report every allegation of abuse to the local authority without delay.",
        acting_user=designated,
    )
    actions.do_record_inspection(
        organisation=council,
        body="joint",
        kind="jtai",
        title="Joint targeted area inspection: the multi-agency response to children at risk of exploitation",
        started_on=ago(200),
        ended_on=ago(190),
        published_on=ago(150),
        findings="Synthetic findings: health partners' attendance at strategy discussions is inconsistent.",
        icb_told_on=ago(200),
        acting_user=designated,
    )
    actions.do_record_inspection(
        organisation=icb,
        body="peer",
        kind="peer_review",
        title="Regional peer review of the ICB's safeguarding arrangements",
        started_on=ago(300),
        published_on=ago(260),
        findings="Synthetic findings: strong designated team; supervision records incomplete.",
        acting_user=designated,
    )
