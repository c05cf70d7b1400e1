"""Synthetic demo reviews for the fictional NHS Northmoor and Dunstow ICB: a rapid review that became a
CSPR, a SAR (last year, published, with learning), a DHR under way, and a rapid review that did not
proceed. The DHR shows an ambulance trust not taking part and not yet escalated to the NHS England region
(the gap on the home page), and the mental health trust escalated and since taking part; a section 42 enquiry
by the county council runs beside the SAR. Every subject, case and detail is invented. Dates are relative to
today, so milestones show as met, due, due soon and overdue whenever the demo is loaded."""

import datetime as dt

from django.utils import timezone

from core import actions as core_actions
from core.models import TrackedAction, User
from organisations.models import Organisation
from reviews import actions
from reviews.choices import ContributionStatus, DecisionOutcome, ReviewStatus
from reviews.models import Review, Theme

ICB_CODE = "QZZ"


def load():
    _load_reviews()
    _load_participation()


def _load_reviews():
    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    if icb is None or Review.objects.filter(icb=icb).exists():
        return
    today = timezone.localdate()

    def ago(days):
        return today - dt.timedelta(days=days)

    def ahead(days):
        return today + dt.timedelta(days=days)

    designated = User.objects.filter(username="designated").first()
    org = {o.ods_code: o for o in Organisation.objects.filter(icb=icb).exclude(ods_code=None)}
    partner = {o.kind: o for o in Organisation.objects.filter(icb=icb, kind__in=["scp", "sab", "csp", "police"])}
    themes = {t.name: t for t in Theme.objects.all()}

    def contribute(review, code, kinds, due, submitted=False):
        organisation = org.get(code) or partner.get(code)
        made = actions.do_add_contributions(
            review, organisation=organisation, kinds=kinds, due_date=due, acting_user=designated
        )
        if submitted:
            for contribution in made:
                actions.do_update_contribution(
                    contribution, status=ContributionStatus.SUBMITTED, submitted_on=due, acting_user=designated
                )

    def complete(recommendation, code, evidence, verify=False):
        provider_user = User.objects.filter(username=f"provider.{code.lower()}").first()
        action = TrackedAction.objects.for_source(recommendation).get(organisation=org[code])
        core_actions.do_record_progress(action, note="Work started.", acting_user=provider_user)
        core_actions.do_complete_action(action, evidence=evidence, acting_user=provider_user)
        if verify and designated is not None:
            core_actions.do_verify_action(action, acting_user=designated)

    # 1. A rapid review that became a local CSPR.
    rapid = actions.do_open_review(
        acting_user=designated,
        icb=icb,
        kind="rapid_review",
        subject_reference="Child M",
        summary="Infant seriously injured at home; concerns about missed health appointments (synthetic).",
        abuse_or_neglect=True,
        harm="serious_harm",
        subject_age=1,
        incident_date=ago(75),
        awareness_date=ago(72),
        notification_date=ago(68),
        lead_partnership=partner["scp"],
        tor_link="https://example.invalid/northmoor-scp/rapid-review-terms",
        themes=[themes["Neglect"], themes["Was not brought"], themes["Information sharing"]],
    )
    contribute(rapid, "ZA1", ["chronology"], ago(60), submitted=True)
    contribute(rapid, "ZA2", ["chronology"], ago(60), submitted=True)
    contribute(rapid, "Z10001", ["chronology"], ago(60), submitted=True)
    cspr = actions.do_record_decision(
        rapid,
        decision_date=ago(52),
        outcome=DecisionOutcome.LOCAL_CSPR,
        initiation_date=ago(45),
        acting_user=designated,
    )
    actions.do_update_review(
        cspr, themes=[*rapid.themes.all(), themes["Professional curiosity"]], acting_user=designated
    )
    contribute(cspr, "ZA1", ["agency_report", "panel_attendance"], ahead(10))
    contribute(cspr, "ZA2", ["agency_report"], ago(3))
    contribute(cspr, "Z10001", ["agency_report"], ahead(3))
    first = actions.do_add_recommendation(
        cspr,
        text="Health providers follow up every child who was not brought to an appointment within 5 working days.",
        organisations=[org["ZA1"], org["ZA2"], org["Z10001"]],
        owner="Named nurse for safeguarding children",
        due_date=ahead(45),
        success_measure="Quarterly audit of 20 records shows follow-up in at least 90%.",
        acting_user=designated,
    )
    complete(first, "ZA1", "Was-not-brought policy revised and audited (synthetic audit).", verify=True)
    complete(first, "ZA2", "Policy revised; audit booked.")
    actions.do_add_recommendation(
        cspr,
        text="Share health visiting concerns with the GP practice at every transfer of care.",
        organisations=[org["ZA2"]],
        owner="Head of health visiting",
        due_date=ahead(90),
        success_measure="Transfer template includes a safeguarding section; spot check of 10 transfers.",
        acting_user=designated,
    )

    # 2. A SAR from last year, published, with learning disseminated.
    sar = actions.do_open_review(
        acting_user=designated,
        icb=icb,
        kind="sar",
        subject_reference="Adult K",
        summary="Older adult died with severe self-neglect while receiving care at home (synthetic).",
        abuse_or_neglect=True,
        harm="died",
        subject_age=81,
        incident_date=ago(440),
        notification_date=ago(420),
        decision_date=ago(400),
        decision_outcome=DecisionOutcome.PROCEED,
        initiation_date=ago(390),
        publication_date=ago(200),
        status=ReviewStatus.COMPLETED,
        lead_partnership=partner["sab"],
        themes=[themes["Self-neglect"], themes["Mental capacity"], themes["Professional curiosity"]],
    )
    contribute(sar, "ZA3", ["agency_report"], ago(330), submitted=True)
    contribute(sar, "ZA9", ["chronology", "panel_attendance"], ago(340), submitted=True)
    contribute(sar, "ZB1", ["chronology"], ago(340), submitted=True)
    sar_recommendation = actions.do_add_recommendation(
        sar,
        text="Apply the self-neglect pathway, with a recorded mental capacity assessment, when care is refused.",
        organisations=[org["ZA9"], org["ZB1"]],
        owner="Registered manager",
        due_date=ahead(30),
        success_measure="Pathway in use: three case examples reviewed at the adults forum.",
        acting_user=designated,
    )
    actions.do_add_learning(
        sar,
        key_findings="Refusals of care were accepted without exploring capacity; agencies did not share concerns.",
        briefing_issued=True,
        briefing_title="Seven-minute briefing: Adult K",
        disseminated_to="Adults safeguarding forum; GP protected learning time; care home managers' network",
        date=ago(180),
        acting_user=designated,
    )
    if "ZA9" in org:
        complete(sar_recommendation, "ZA9", "Pathway adopted; case examples presented at the forum.")

    # 3. A DHR under way: the victim had children, so the hint about a CSPR taking precedence shows.
    dhr = actions.do_open_review(
        acting_user=designated,
        icb=icb,
        kind="dhr",
        subject_reference="Adult P",
        summary="Homicide of a parent by a former partner (synthetic).",
        abuse_or_neglect=True,
        harm="died",
        subject_age=34,
        subject_has_children=True,
        incident_date=ago(50),
        notification_date=ago(40),
        lead_partnership=partner["csp"],
        themes=[themes["Domestic abuse"], themes["Mental health"], themes["Think family"]],
    )
    contribute(dhr, "ZA3", ["agency_report"], ahead(20))
    contribute(dhr, "Z10002", ["chronology"], ahead(4))
    contribute(dhr, "police", ["chronology", "panel_attendance"], ahead(20))

    # 4. Last year's rapid review that did not lead to a CSPR.
    earlier = actions.do_open_review(
        acting_user=designated,
        icb=icb,
        kind="rapid_review",
        subject_reference="Child J",
        summary="Young person exploited through county lines; injured (synthetic).",
        abuse_or_neglect=True,
        harm="serious_harm",
        subject_age=15,
        incident_date=ago(380),
        awareness_date=ago(378),
        notification_date=ago(375),
        lead_partnership=partner["scp"],
        themes=[themes["Exploitation"], themes["Information sharing"]],
    )
    contribute(earlier, "ZA1", ["chronology"], ago(365), submitted=True)
    actions.do_record_decision(
        earlier, decision_date=ago(356), outcome=DecisionOutcome.NO_REVIEW, acting_user=designated
    )
    actions.do_add_learning(
        earlier,
        key_findings="Emergency department staff did not recognise signs of criminal exploitation.",
        disseminated_to="Emergency department safeguarding huddles",
        date=ago(340),
        acting_user=designated,
    )


def _load_participation():
    from reviews.models import NonParticipation, SafeguardingEnquiry

    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    designated = User.objects.filter(username="designated").first()
    if icb is None or designated is None or SafeguardingEnquiry.objects.filter(icb=icb).exists():
        return
    if NonParticipation.objects.filter(review__icb=icb).exists():
        return
    today = timezone.localdate()
    org = {o.ods_code: o for o in Organisation.objects.filter(icb=icb).exclude(ods_code=None)}
    dhr = Review.objects.filter(icb=icb, kind__code="dhr").order_by("pk").first()
    sar = Review.objects.filter(icb=icb, kind__code="sar").order_by("pk").first()
    region = Organisation.objects.filter(kind="region", pk=icb.parent_id).first()
    if dhr is None or sar is None or region is None or "ZA4" not in org or "ZA3" not in org or "ZC1" not in org:
        return
    noted = today - dt.timedelta(days=14)
    actions.do_record_non_participation(
        dhr,
        organisation=org["ZA4"],
        noted_on=noted,
        reason="No chronology after two requests and no one at the first panel meeting.",
        acting_user=designated,
    )
    actions.do_record_non_participation(
        dhr,
        organisation=org["ZA3"],
        noted_on=noted,
        reason="Declined to share records, citing confidentiality.",
        region=region,
        escalated_on=noted,
        escalation_note="The regional chief nurse wrote to the trust's executive lead; records shared since.",
        resolved_on=today,
        acting_user=designated,
    )
    actions.do_record_enquiry(
        icb=icb,
        local_authority=org["ZC1"],
        reference="S42-DEMO-0012",
        subject_reference="Adult R",
        opened_on=today - dt.timedelta(days=200),
        outcome="Synthetic outcome: a protection plan agreed with the care provider.",
        reviews=[sar],
        acting_user=designated,
    )
