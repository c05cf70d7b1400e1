import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import ActionSource
from core.models import TrackedAction
from governance import actions
from governance.choices import CommitteeKind, PolicyStatus, ReportSubject
from governance.models import AnnualReport, Policy, PolicyDocument, Risk, RiskEscalation, RiskScore
from governance.tests.conftest import pdf

SCORES = {
    "initial_likelihood": 4,
    "initial_consequence": 4,
    "current_likelihood": 3,
    "current_consequence": 4,
    "target_likelihood": 2,
    "target_consequence": 2,
}


def add_risk(user, today, **fields):
    return actions.do_add_risk(
        acting_user=user, title="Risk", owner="Owner", review_date=today + dt.timedelta(days=30), **{**SCORES, **fields}
    )


def committee(user, kind=CommitteeKind.QUALITY_PERFORMANCE):
    return actions.do_create_committee(acting_user=user, name="Quality and Performance Committee", kind=kind)


def test_policy_gets_the_default_interval_and_its_next_review_date(world, designated):
    policy = actions.do_add_policy(
        acting_user=designated,
        title="Safeguarding policy",
        owner="DN",
        document_version="1",
        approved_on=dt.date(2026, 1, 31),
    )
    assert policy.review_interval_months == 24
    assert policy.next_review_on == dt.date(2028, 1, 31)
    assert policy.organisation == world.icb
    actions.do_update_policy(policy, acting_user=designated, review_interval_months=1)
    policy.refresh_from_db()
    assert policy.next_review_on == dt.date(2026, 2, 28)


@pytest.mark.parametrize("interval", [0, -3])
def test_a_review_interval_of_zero_is_refused_and_nothing_stored(designated, interval):
    with pytest.raises(ValidationError) as error:
        actions.do_add_policy(
            acting_user=designated,
            title="P",
            owner="DN",
            document_version="1",
            approved_on=dt.date(2026, 1, 1),
            review_interval_months=interval,
        )
    assert error.value.message_dict == {"review_interval_months": ["Enter a review interval of at least 1 month."]}
    assert not Policy.objects.exists()


def test_an_approved_policy_needs_its_approval_date(designated):
    with pytest.raises(ValidationError) as error:
        actions.do_add_policy(
            acting_user=designated, title="P", owner="DN", document_version="1", status=PolicyStatus.APPROVED
        )
    assert "approved_on" in error.value.message_dict


def test_a_policy_of_another_icbs_provider_is_refused(world, designated):
    with pytest.raises(ValidationError) as error:
        actions.do_add_policy(
            acting_user=designated,
            organisation=world.foreign_provider,
            title="P",
            owner="DN",
            document_version="1",
            approved_on=dt.date(2026, 1, 1),
        )
    assert "organisation" in error.value.message_dict


def test_every_document_version_is_kept_and_a_renamed_file_refused(designated):
    policy = actions.do_add_policy(
        acting_user=designated, title="P", owner="DN", document_version="1", approved_on=dt.date(2026, 1, 1)
    )
    actions.do_add_policy_document(policy, acting_user=designated, file=pdf())
    actions.do_add_policy_document(policy, acting_user=designated, file=pdf(), version="2", note="Prevent section")
    assert list(PolicyDocument.objects.filter(policy=policy).values_list("version", flat=True)) == ["2", "1"]
    with pytest.raises(ValidationError) as error:
        actions.do_add_policy_document(
            policy, acting_user=designated, file=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")
        )
    assert error.value.message_dict["file"] == ["The file's content is not a PDF file."]
    assert PolicyDocument.objects.count() == 2


def test_a_risk_keeps_every_score_and_its_current_score(designated, today):
    risk = add_risk(designated, today)
    assert risk.current_score == 12
    actions.do_rescore_risk(risk, acting_user=designated, likelihood=4, consequence=4, note="Worse")
    actions.do_update_risk(risk, acting_user=designated, current_likelihood=2)
    risk.refresh_from_db()
    assert risk.current_score == 8
    assert list(RiskScore.objects.filter(risk=risk).values_list("likelihood", "consequence")) == [
        (3, 4),
        (4, 4),
        (2, 4),
    ]
    actions.do_update_risk(risk, acting_user=designated, owner="Someone else")
    assert RiskScore.objects.filter(risk=risk).count() == 3


@pytest.mark.parametrize("field", actions.SCORE_FIELDS)
@pytest.mark.parametrize("value", [0, 6])
def test_a_score_outside_1_to_5_is_refused_naming_the_field(designated, today, field, value):
    with pytest.raises(ValidationError) as error:
        add_risk(designated, today, **{field: value})
    assert error.value.message_dict == {field: ["Enter a whole number from 1 to 5."]}
    assert not Risk.objects.exists() and not RiskScore.objects.exists()


def test_a_rescore_outside_1_to_5_is_refused(designated, today):
    risk = add_risk(designated, today)
    with pytest.raises(ValidationError) as error:
        actions.do_rescore_risk(risk, acting_user=designated, likelihood=6, consequence=2)
    assert error.value.message_dict == {"likelihood": ["Enter a whole number from 1 to 5."]}
    assert RiskScore.objects.count() == 1


def test_escalation_records_the_committee_date_and_score(world, designated, today):
    risk = add_risk(designated, today, current_likelihood=4, current_consequence=4)
    qpc = committee(designated)
    escalation = actions.do_escalate_risk(risk, acting_user=designated, committee=qpc, note="Exception report")
    assert (escalation.committee, escalation.escalated_on, escalation.score) == (qpc, today, 16)
    from core.testing import make_user

    other = actions.do_create_committee(
        acting_user=make_user("designated", world.other_icb), name="Elsewhere", kind=CommitteeKind.BOARD
    )
    with pytest.raises(ValidationError) as error:
        actions.do_escalate_risk(risk, acting_user=designated, committee=other)
    assert "committee" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.do_escalate_risk(risk, acting_user=designated, committee=qpc, escalated_on=today + dt.timedelta(days=1))
    assert RiskEscalation.objects.count() == 1


def test_decisions_and_risks_raise_actions_in_the_one_tracker(world, designated, today):
    meeting = actions.do_record_meeting(committee(designated), acting_user=designated, date=today)
    decision = actions.do_record_decision(meeting, acting_user=designated, text="Recovery plan needed")
    risk = add_risk(designated, today)
    for source in (decision, risk):
        actions.do_raise_action(
            source,
            organisation=world.provider,
            acting_user=designated,
            title="Plan",
            owner="Named nurse",
            due_date=today + dt.timedelta(days=20),
            success_measure="Plan accepted",
        )
    assert TrackedAction.objects.for_source(decision).get().source_kind == ActionSource.OTHER
    assert TrackedAction.objects.for_source(risk).get().source_url == risk.get_absolute_url()
    with pytest.raises(ValidationError) as error:
        actions.do_raise_action(risk, organisation=world.icb, acting_user=designated, title="", owner="", due_date=None)
    assert {"title", "owner", "due_date"} <= set(error.value.message_dict)


def test_a_decision_needs_text_and_a_paper_of_its_meeting(designated, today):
    qpc = committee(designated)
    meeting = actions.do_record_meeting(qpc, acting_user=designated, date=today)
    other = actions.do_record_meeting(qpc, acting_user=designated, date=today - dt.timedelta(days=30))
    paper = actions.do_add_paper(other, acting_user=designated, title="Paper", presented_by="DN")
    with pytest.raises(ValidationError) as error:
        actions.do_record_decision(meeting, acting_user=designated, text="  ")
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.do_record_decision(meeting, acting_user=designated, text="Agreed", paper=paper)
    assert "paper" in error.value.message_dict


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.example/", "http://plain.example/"])
def test_a_paper_links_only_to_a_vigil_page_or_https(designated, today, link):
    meeting = actions.do_record_meeting(committee(designated), acting_user=designated, date=today)
    with pytest.raises(ValidationError) as error:
        actions.do_add_paper(meeting, acting_user=designated, title="P", presented_by="DN", record_link=link)
    assert "record_link" in error.value.message_dict


def test_annual_reports_expected_once_received_and_reviewed(world, designated, today):
    year = today.year - 1
    made = actions.do_expect_annual_reports(acting_user=designated, year=year)
    subjects = {(r.provider_id, r.subject) for r in made}
    assert subjects == {
        (world.provider.pk, ReportSubject.ADULTS),
        (world.provider.pk, ReportSubject.CHILDREN),
        (world.other_provider.pk, ReportSubject.ADULTS),
    }
    assert actions.do_expect_annual_reports(acting_user=designated, year=year) == []
    report = AnnualReport.objects.get(provider=world.provider, subject=ReportSubject.ADULTS)
    assert report.due_date == dt.date(year + 1, 8, 31)
    with pytest.raises(ValidationError) as error:
        actions.do_review_annual_report(report, acting_user=designated, reviewed_on=today, feedback="Good")
    assert "reviewed_on" in error.value.message_dict
    actions.do_receive_annual_report(report, acting_user=designated, received_on=today, document=pdf("r.pdf"))
    with pytest.raises(ValidationError) as error:
        actions.do_review_annual_report(report, acting_user=designated, reviewed_on=today, feedback=" ")
    assert "feedback" in error.value.message_dict
    actions.do_review_annual_report(report, acting_user=designated, reviewed_on=today, feedback="Good")
    report.refresh_from_db()
    assert (report.reviewed_by, report.feedback) == (designated, "Good")


def test_a_future_year_or_receipt_is_refused(designated, today):
    with pytest.raises(ValidationError) as error:
        actions.do_expect_annual_reports(acting_user=designated, year=today.year + 1)
    assert "year" in error.value.message_dict
    (report, *_) = actions.do_expect_annual_reports(acting_user=designated, year=today.year - 1)
    with pytest.raises(ValidationError) as error:
        actions.do_receive_annual_report(report, acting_user=designated, received_on=today + dt.timedelta(days=1))
    assert "received_on" in error.value.message_dict


def test_changes_are_audited_with_the_actor(designated, today):
    risk = add_risk(designated, today)
    entry = LogEntry.objects.get_for_object(risk).get()
    assert entry.actor == designated and entry.additional_data["icb"] == designated.organisation.icb_id
    actions.do_archive_record(risk, acting_user=designated)
    risk.refresh_from_db()
    assert risk.archived_at is not None
    with pytest.raises(ValidationError):
        actions.do_update_risk(risk, acting_user=designated, owner="X")
