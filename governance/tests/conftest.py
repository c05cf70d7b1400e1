import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import Role
from core.testing import make_user
from governance import actions
from governance.choices import CommitteeKind


def pdf(name="policy.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 synthetic document", content_type="application/pdf")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def designated(world):
    return world.user(Role.DESIGNATED)


def build_records(icb, providers, user, today):
    """One of every governance record for `icb` (built through the actions)."""
    committee = actions.do_create_committee(
        acting_user=user, icb=icb, name="Quality and Performance Committee", kind=CommitteeKind.QUALITY_PERFORMANCE
    )
    meeting = actions.do_record_meeting(committee, acting_user=user, date=today, minute_reference="QPC/1")
    paper = actions.do_add_paper(meeting, acting_user=user, title="Exception report", presented_by="Designated nurse")
    decision = actions.do_record_decision(meeting, acting_user=user, text="Noted", paper=paper)
    policy = actions.do_add_policy(
        acting_user=user,
        icb=icb,
        title="Safeguarding policy",
        owner="Designated nurse",
        document_version="1.0",
        approved_on=today,
        approving_committee=committee,
    )
    document = actions.do_add_policy_document(policy, acting_user=user, file=pdf())
    provider_policies = [
        actions.do_add_policy(
            acting_user=user,
            icb=icb,
            organisation=provider,
            title=f"Policy of {provider.name}",
            owner="Named nurse",
            document_version="2",
            approved_on=today,
        )
        for provider in providers
    ]
    risk = actions.do_add_risk(
        acting_user=user,
        icb=icb,
        title="Vacancy",
        owner="Chief nurse",
        initial_likelihood=4,
        initial_consequence=4,
        current_likelihood=4,
        current_consequence=4,
        target_likelihood=2,
        target_consequence=2,
        review_date=today + dt.timedelta(days=30),
    )
    escalation = actions.do_escalate_risk(risk, acting_user=user, committee=committee)
    reports = actions.do_expect_annual_reports(acting_user=user, icb=icb, year=today.year - 1)
    by_provider = {r.provider_id: r for r in reports}
    report = by_provider[providers[0].pk]
    actions.do_receive_annual_report(report, acting_user=user, received_on=today, document=pdf("report.pdf"))
    check = actions.do_add_monitoring_check(
        acting_user=user,
        icb=icb,
        title="Review of the safeguarding team structure",
        owner="Assistant Director for Safeguarding Children",
        frequency_months=3,
        reviewing_committee=committee,
        first_due_on=today - dt.timedelta(days=10),
    )
    check_record = actions.do_record_check_done(
        check, acting_user=user, done_on=today, done_by="Assistant Director", outcome="assured", findings="In place."
    )
    return {
        "committee": committee.pk,
        "check": check.pk,
        "check_record": check_record.pk,
        "meeting": meeting.pk,
        "paper": paper.pk,
        "decision": decision.pk,
        "policy": policy.pk,
        "document": document.pk,
        "provider_policy": provider_policies[0].pk,
        "sibling_policy": provider_policies[1].pk if len(provider_policies) > 1 else None,
        "risk": risk.pk,
        "escalation": escalation.pk,
        "report": report.pk,
        "sibling_report": by_provider[providers[1].pk].pk if len(providers) > 1 else None,
    }


@pytest.fixture
def records(world, designated, today):
    return build_records(world.icb, [world.provider, world.other_provider], designated, today)


@pytest.fixture
def foreign(world, today):
    outsider = make_user(Role.DESIGNATED, world.other_icb)
    return build_records(world.other_icb, [world.foreign_provider], outsider, today)
