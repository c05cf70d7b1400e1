"""Synthetic demo for the roll-ups: NHS England and its seven regions, a second invented ICB in the demo ICB's
region (with its own providers, a partly filled role register and four quarters of returns) so that the region's
roll-up has two ICBs to compare, and a demo login for the regional lead and for the national team. The demo ICB's
quarterly assurance returns: the last ended quarter's reviewed with feedback, the quarter before's withdrawn with a
reason and corrected (version 2, awaiting review). Idempotent. Every ICB, provider and person here is invented; the
regions are NHS England's real ones."""

import datetime as dt

from django.db import transaction

from core.choices import Role
from core.demo import ensure_user
from organisations import actions
from organisations.choices import OrganisationKind as K
from organisations.choices import SafeguardingRole as R
from organisations.demo import DEMO_REGION
from organisations.models import Organisation
from organisations.reference import ensure_nhs_england

SECOND_ICB_CODE = "QZY"
SECOND_ICB_NAME = "NHS Fenwold Valley Integrated Care Board"
# (ODS code, name, kind, children's services) of the second ICB's providers, and a place inside the ICB
PLACE = ("ZE0", "Fenwold Valley: Lowbridge place")
PROVIDERS = [
    ("ZE1", "Fenwold Valley Hospitals NHS Trust", K.TRUST_ACUTE, True),
    ("ZE2", "Lowbridge Community Services NHS Trust", K.TRUST_COMMUNITY, True),
    ("ZE3", "Lowbridge Dental Care", K.DENTAL_PRACTICE, False),
    ("Z20001", "Riverside Health Centre", K.GP_PRACTICE, False),
]
# (role, holder): the providers' leads are in post; the ICB's designated adult post is vacant (a gap to show)
PROVIDER_POSTS = [(R.SAFEGUARDING_LEAD, "Alex Quillby"), (R.PREVENT_LEAD, "Sam Larkspur")]
ICB_POSTS = [(R.DESIGNATED_NURSE_CHILDREN, "Jordan Wolding"), (R.DESIGNATED_ADULT_PROFESSIONAL, "")]
DEMO_USERS = [
    ("regional.midlands", Role.REGIONAL, "Morgan", "Fernhollow"),
    ("national", Role.NATIONAL, "Priya", "Brackenridge"),
]


def load():
    nhs_england, regions = ensure_nhs_england()
    region = regions[DEMO_REGION]
    with transaction.atomic():
        if not Organisation.objects.filter(ods_code=SECOND_ICB_CODE).exists():
            _second_icb(region)
    from returns.demo import load_for

    load_for(Organisation.objects.get(ods_code=SECOND_ICB_CODE))
    demo_icb = Organisation.objects.filter(ods_code="QZZ").first()
    home = demo_icb.parent if demo_icb and demo_icb.parent else region
    ensure_user(DEMO_USERS[0][0], role=DEMO_USERS[0][1], organisation=home, first_name="Morgan", last_name="Fernhollow")
    ensure_user(
        DEMO_USERS[1][0], role=DEMO_USERS[1][1], organisation=nhs_england, first_name="Priya", last_name="Brackenridge"
    )
    if demo_icb is not None and home.kind == K.REGION:
        _return_with_feedback(demo_icb)
        _withdrawn_and_corrected_return(demo_icb)
        _draft_annual_report(home)


def _return_with_feedback(icb):
    """The demo ICB's approved quarterly report sent to the region, reviewed with feedback (once)."""
    from core.models import User
    from regions.actions import do_review_return, do_send_return
    from regions.models import AssuranceReturn
    from reporting import demo as reporting_demo
    from reporting.models import Report

    reporting_demo.load()  # the approved quarterly report (idempotent; the reporting app loads after this one)
    if AssuranceReturn.objects.filter(icb=icb).exists():
        return
    report = Report.objects.filter(organisation=icb, report_type__code="quarterly-assurance", status="approved").first()
    designated = User.objects.filter(username="designated").first()
    regional = User.objects.get(username=DEMO_USERS[0][0])
    if report is None or designated is None:
        return
    sent = do_send_return(
        report=report,
        statement="Every trust made its return; one care home's training stays red with an agreed action.",
        acting_user=designated,
    )
    do_review_return(
        sent,
        feedback="Assured on returns and timeliness. Please send the care home's training trajectory next quarter.",
        acting_user=regional,
    )


WITHDRAWN_REASON = (
    "Two care homes' training figures were missing from the quarter's report; a corrected return follows."
)
CORRECTED_STATEMENT = "Corrected: every care home's training figures are in; the trajectory for the two is attached."


def _withdrawn_and_corrected_return(icb):
    """The quarter before's approved report sent to the region, withdrawn by the ICB before the region reviewed it
    (with its reason) and sent again corrected: version 2, awaiting the region's review (once)."""
    from django.utils import timezone

    from core.models import User
    from core.quarters import last_ended_quarter
    from regions.actions import do_resend_return, do_send_return, do_withdraw_return
    from regions.models import AssuranceReturn

    quarter = last_ended_quarter(timezone.localdate()).previous()
    if AssuranceReturn.objects.filter(icb=icb, period_start=quarter.start).exists():
        return
    designated = User.objects.filter(username="designated").first()
    executive = User.objects.filter(username="executive").first()
    if designated is None or executive is None:
        return
    report = _approved_quarterly_report(icb, quarter, designated, executive)
    with transaction.atomic():
        sent = do_send_return(
            report=report,
            statement="Every trust made its return for the quarter.",
            acting_user=designated,
        )
        withdrawn = do_withdraw_return(sent, reason=WITHDRAWN_REASON, acting_user=designated)
        do_resend_return(withdrawn, report=report, statement=CORRECTED_STATEMENT, acting_user=designated)


def _approved_quarterly_report(icb, quarter, designated, executive):
    """The ICB's approved quarterly assurance report of `quarter`, made through reporting's workflow if missing."""
    from reporting import actions as reporting_actions
    from reporting import rules as reporting_rules
    from reporting.models import Report, ReportType

    report_type = ReportType.objects.get(code="quarterly-assurance")
    report = Report.objects.filter(
        organisation=icb, report_type=report_type, period_start=quarter.start, superseded_by__isnull=True
    ).first()
    if report is None:
        report = reporting_actions.do_create_report(
            acting_user=designated, report_type=report_type, financial_year=quarter.fy, quarter=quarter.q
        )
    if report.status in reporting_rules.EDITABLE:
        reporting_actions.do_save_narrative(
            report,
            key="executive-summary",
            text="Every trust made its return; two care homes' training figures came late and are now included.",
            acting_user=designated,
        )
        with transaction.atomic():
            reporting_actions.build(report)
        report.refresh_from_db()
        reporting_actions.do_submit(report, acting_user=designated)
    if report.status not in reporting_rules.FROZEN:
        reporting_actions.do_approve(report, acting_user=executive)
        report.refresh_from_db()
    return report


def _draft_annual_report(region):
    """Last financial year's regional annual report, as a draft with its executive summary (once)."""
    from django.utils import timezone

    from core.models import User
    from reporting import actions as reporting_actions
    from reporting.models import Report, ReportType

    report_type = ReportType.objects.get(code="regional-annual")
    if Report.objects.filter(organisation=region, report_type=report_type).exists():
        return
    regional = User.objects.get(username=DEMO_USERS[0][0])
    today = timezone.localdate()
    report = reporting_actions.do_create_report(
        acting_user=regional,
        report_type=report_type,
        financial_year=today.year - 1 if today.month >= 4 else today.year - 2,
    )
    reporting_actions.do_save_narrative(
        report,
        key="executive-summary",
        text="A draft for the national safeguarding steering group: the region's ICBs side by side.",
        acting_user=regional,
    )
    reporting_actions.build(report)


def _second_icb(region):
    icb = actions.do_create_organisation(
        name=SECOND_ICB_NAME, kind=K.ICB, ods_code=SECOND_ICB_CODE, parent=region, acting_user=None
    )
    place = actions.do_create_organisation(name=PLACE[1], kind=K.PLACE, ods_code=PLACE[0], parent=icb, acting_user=None)
    actions.do_create_organisation(
        name="Fenwold Valley Provider Collaborative", kind=K.PROVIDER_COLLABORATIVE, parent=icb, acting_user=None
    )
    actions.do_create_organisation(
        ods_code="ZE9", name="Fenwold County Council", kind=K.LOCAL_AUTHORITY, parent=icb, acting_user=None
    )
    providers = [
        actions.do_create_organisation(
            ods_code=code,
            name=name,
            kind=kind,
            parent=place if kind in {K.DENTAL_PRACTICE, K.GP_PRACTICE} else icb,
            provides_children_services=children,
            acting_user=None,
        )
        for code, name, kind, children in PROVIDERS
    ]
    posts = [(icb, role, name) for role, name in ICB_POSTS]
    posts += [(provider, role, name) for provider in providers for role, name in PROVIDER_POSTS]
    for organisation, role, name in posts:
        actions.do_add_role_holder(
            organisation=organisation,
            role=role,
            holder_name=name,
            job_title=R(role).label,
            wte=1,
            start_date=dt.date(2024, 4, 1),
            acting_user=None,
        )
