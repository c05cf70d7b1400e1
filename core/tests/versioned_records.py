"""One record of every versioned model, built through the real actions (synthetic data only)."""

import datetime as dt

from django.utils import timezone

from assurance import actions as assurance_actions
from assurance.tests import factories as assurance_factories
from casework import actions as casework_actions
from casework.models import HealthNeedsConcern
from casework.tests import factories as casework_factories
from core import actions as tracker
from core.choices import Role
from core.testing import make_organisation
from organisations import actions as organisation_actions
from reporting import actions as reporting_actions
from reporting.models import ReportType
from returns import actions as return_actions
from returns.tests.factories import Q, entries_for
from reviews import actions as review_actions


def build(world):
    """{model: record}, every record of the first provider or of the ICB, editable by someone in `world`."""
    designated = world.user(Role.DESIGNATED)
    today = timezone.localdate()
    records = {}

    def keep(record):
        records[type(record)] = record
        return record

    keep(world.provider)
    keep(
        organisation_actions.do_create_contract(
            provider=world.provider,
            reference="C-VERSIONS-1",
            services="Acute services",
            start_date=dt.date(2026, 4, 1),
            end_date=dt.date(2027, 3, 31),
            lead_commissioner=world.icb,
            acting_user=designated,
        )
    )
    keep(
        organisation_actions.do_add_role_holder(
            organisation=world.provider, role="safeguarding_lead", holder_name="Invented Nurse", acting_user=designated
        )
    )
    keep(
        tracker.do_create_tracked_action(
            source=world.provider,
            organisation=world.provider,
            title="Refresh the training plan",
            owner="Named nurse",
            due_date=today + dt.timedelta(days=30),
            success_measure="Plan agreed",
            acting_user=designated,
        )
    )
    keep(
        organisation_actions.do_add_contact(
            organisation=make_organisation("police", parent=world.icb, name="Directory constabulary"),
            service="spa",
            team="Children's Front Door",
            phone="01632 960100",
            acting_user=designated,
        )
    )
    cycle = keep(assurance_factories.open_cycle(world, organisations=[world.provider]))
    assessment = keep(assurance_factories.assessment_of(cycle, world.provider))
    response = keep(assessment.responses.order_by("pk").first())
    keep(
        assurance_actions.do_add_evidence_link(
            response, url="https://example.org/policy", description="Policy", acting_user=world.user(Role.PROVIDER)
        )
    )
    inspections = assurance_factories.inspection_records(world)
    for key in ("registration", "inspection", "notice"):
        keep(inspections[key])
    for builder in casework_factories.BUILDERS.values():
        keep(builder(world))
    concern = records[HealthNeedsConcern]
    keep(
        casework_actions.do_request_information(
            concern, agency=world.other_provider, requested_on=casework_factories.RECENT, acting_user=designated
        )
    )
    ret = keep(return_actions.get_or_start_return(provider=world.provider, quarter=Q, acting_user=None))
    return_actions.do_save_figures(ret, entries=entries_for(world.provider), acting_user=None)
    report = keep(
        reporting_actions.do_create_report(
            acting_user=designated,
            report_type=ReportType.objects.get(code="quarterly-assurance"),
            financial_year=Q.fy,
            quarter=Q.q,
        )
    )
    keep(
        reporting_actions.do_save_narrative(
            report, key="executive-summary", text="A quiet quarter.", acting_user=designated
        )
    )
    keep(_assurance_return(world, designated))
    partnership = make_organisation("scp", parent=world.icb, name="Test SCP partnership")
    review = keep(
        review_actions.do_open_review(
            kind="rapid_review",
            subject_reference="Child Q",
            lead_partnership=partnership,
            incident_date=today - dt.timedelta(days=20),
            notification_date=today - dt.timedelta(days=15),
            acting_user=designated,
        )
    )
    review_actions.do_add_contributions(
        review,
        organisation=world.provider,
        kinds=["chronology"],
        due_date=today + dt.timedelta(days=20),
        acting_user=designated,
    )
    keep(review.involvements.get(organisation=world.provider))
    keep(review.involvements.get(organisation=world.provider).contributions.get())
    keep(
        review_actions.do_add_recommendation(
            review,
            text="Strengthen professional curiosity training",
            organisations=[world.provider],
            owner="Named nurse",
            due_date=today + dt.timedelta(days=60),
            success_measure="Audit shows curiosity prompts used",
            action_title="Run curiosity training",
            acting_user=designated,
        )
    )
    keep(
        review_actions.do_add_learning(
            review, key_findings="Curiosity", disseminated_to="All staff", date=today, acting_user=designated
        )
    )
    keep(
        review_actions.do_record_non_participation(
            review,
            organisation=world.provider,
            noted_on=today,
            reason="No chronology after two requests",
            acting_user=designated,
        )
    )
    council = make_organisation("local_authority", parent=world.icb, name="Test council")
    keep(
        review_actions.do_record_enquiry(
            local_authority=council,
            subject_reference="Adult R",
            opened_on=today,
            reviews=[review],
            acting_user=designated,
        )
    )
    # archived, so that the quarterly return's breakdown by local authority stays as it was
    organisation_actions.do_archive_organisation(council, acting_user=designated)
    _governance_and_workforce(world, keep, today)
    _commissioning(world, keep)
    _signals(world, keep)
    from assurance.models import ChildrenInCareSpecification, FundingPanelAssurance
    from assurance.tests.test_icb_duties import build as build_icb_duties

    duties = build_icb_duties(world.icb, designated, today)
    keep(ChildrenInCareSpecification.objects.get(pk=duties["spec"]))
    keep(FundingPanelAssurance.objects.get(pk=duties["panel"]))
    return {type(record): type(record)._base_manager.get(pk=record.pk) for record in records.values()}


def _governance_and_workforce(world, keep, today):
    from governance.models import AnnualReport, Committee, Decision, Meeting, MonitoringCheck, Paper, Policy, Risk
    from governance.tests.conftest import build_records
    from workforce import actions as workforce_actions
    from workforce.models import ColumnMapping, WorkforcePolicy

    designated, hr = world.user(Role.DESIGNATED), world.user(Role.HR)
    governance = build_records(world.icb, [world.provider], designated, today)
    for model, key in [
        (Committee, "committee"),
        (Meeting, "meeting"),
        (Paper, "paper"),
        (Decision, "decision"),
        (Risk, "risk"),
        (Policy, "policy"),
        (AnnualReport, "report"),
        (MonitoringCheck, "check"),
    ]:
        keep(model.objects.get(pk=governance[key]))
    workforce_actions.ensure_icb_defaults(world.icb)
    keep(WorkforcePolicy.objects.get(icb=world.icb))
    keep(ColumnMapping.objects.get(icb=world.icb))

    def staff(key):
        return workforce_actions.do_create_staff_member(
            icb=world.icb,
            staff_key=key,
            role="Designated nurse",
            staff_group="Designated professionals",
            start_date=today - dt.timedelta(days=400),
            acting_user=hr,
        )

    supervisee, supervisor = keep(staff("S-VERSIONS")), staff("S-SUPERVISOR")
    keep(
        workforce_actions.do_record_dbs_check(
            staff=supervisee,
            level="enhanced_barred",
            checked_on=today,
            certificate_number="001234567890",
            acting_user=hr,
        )
    )
    keep(
        workforce_actions.do_record_agreement(
            supervisee=supervisee,
            supervisor=supervisor,
            agreed_on=today,
            supervisee_signed_on=today,
            supervisor_signed_on=today,
            acting_user=hr,
        )
    )
    keep(
        workforce_actions.do_record_session(
            supervisee=supervisee,
            supervisor=supervisor,
            post="Designated nurse",
            base="ICB office",
            held_on=today,
            venue="Room 1",
            duration_minutes=60,
            topics="Case discussion",
            outcomes="Plan agreed",
            acting_user=designated,
        )
    )
    keep(
        workforce_actions.do_record_capacity(
            icb=world.icb, role="named_doctor_lac", amount=2, unit="pa_week", acting_user=designated
        )
    )


def _commissioning(world, keep):
    from organisations.tests import commissioning_factories

    built = commissioning_factories.build(world)
    for key in ("event", "specification", "subcontractor", "notification", "statement"):
        keep(built[key])


def _signals(world, keep):
    from signals import actions as signals_actions
    from signals.models import ReviewTask
    from signals.tests.factories import attendance_rows, days_before_today, import_attendances, nhs_numbers

    provider_user = world.user(Role.PROVIDER)
    keep(signals_actions.ensure_rules(world.provider)["S1"])
    number = nhs_numbers(1, start=999_000_900)[0]
    rows = attendance_rows(number, dt.date(2018, 5, 1), days_before_today(30, 20, 10))
    import_attendances(world.provider, provider_user, rows, name="versions.csv")
    signals_actions.do_evaluate(world.provider, acting_user=provider_user)
    keep(ReviewTask.objects.get(organisation=world.provider, signal="S1"))


def _assurance_return(world, designated):
    """The ICB's quarterly return to its region (regions/): sent from an approved quarterly report."""
    from regions.actions import do_send_return
    from reporting.tests.conftest import approved, new_report

    earlier = Q.previous(1)
    report = approved(
        world, new_report(world, code="quarterly-assurance", financial_year=earlier.fy, quarter=earlier.q)
    )
    return do_send_return(report=report, statement="Sent for the test.", acting_user=designated)
