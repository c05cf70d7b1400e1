"""Every change to the governance registers. Each is atomic and audited: a ValidationError leaves
nothing saved."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.actions import audited, do_archive, do_create_tracked_action, save_fields
from core.uploads import read_head, upload_problem
from governance import conf, rules
from governance.choices import MonitoringFrequency, PolicyStatus
from governance.models import (
    AnnualReport,
    Committee,
    Decision,
    Meeting,
    MonitoringCheck,
    MonitoringCheckRecord,
    Paper,
    Policy,
    PolicyDocument,
    Risk,
    RiskEscalation,
    RiskScore,
)
from organisations.choices import PROVIDER_KINDS, OrganisationKind
from organisations.models import Organisation

DOCUMENT_EXTENSIONS = ("pdf", "docx", "doc", "odt")
# Providers expected to send annual safeguarding reports: every provider kind but GP practices, which
# report through the primary care assurance instead (a choice Vigil makes; docs/governance.md).
ANNUAL_REPORT_KINDS = PROVIDER_KINDS - {OrganisationKind.GP_PRACTICE}


def _create(model, acting_user, **fields):
    with audited(acting_user):
        instance = model(**fields)
        instance.full_clean()
        instance.save()
    return instance


def _update(instance, fields, acting_user):
    if instance.archived_at:
        raise ValidationError("This record is archived and cannot be changed.")
    return save_fields(instance, fields, acting_user=acting_user)


def _check_document(upload, field):
    if not upload or not hasattr(upload, "size"):
        raise ValidationError({field: "Choose a file to upload."})
    problem = upload_problem(
        upload.name,
        upload.size,
        read_head(upload),
        max_bytes=conf.setting("GOVERNANCE_DOCUMENT_MAX_BYTES"),
        extensions=DOCUMENT_EXTENSIONS,
    )
    if problem:
        raise ValidationError({field: problem})


def _icb_of(acting_user, icb):
    return icb or acting_user.organisation.icb


def do_raise_action(source, *, organisation, acting_user, **fields):
    """A SMART action in the one tracker from a meeting, a decision or a risk."""
    return do_create_tracked_action(source=source, organisation=organisation, acting_user=acting_user, **fields)


def do_archive_record(instance, *, acting_user):
    return do_archive(instance, acting_user=acting_user)


# --- Committees, meetings, papers, decisions ------------------------------------------------


def do_create_committee(*, acting_user, icb=None, **fields):
    return _create(Committee, acting_user, icb=_icb_of(acting_user, icb), **fields)


def do_update_committee(committee, *, acting_user, **fields):
    return _update(committee, fields, acting_user)


def do_record_meeting(committee, *, acting_user, **fields):
    if committee.archived_at:
        raise ValidationError({"date": "This committee is archived."})
    return _create(Meeting, acting_user, committee=committee, **fields)


def do_update_meeting(meeting, *, acting_user, **fields):
    return _update(meeting, fields, acting_user)


def _check_link(record_link):
    link = (record_link or "").strip()
    if link and not (link.startswith("/") and not link.startswith("//") or link.startswith("https://")):
        raise ValidationError({"record_link": "Give a Vigil page starting with / or an https:// address."})
    return link


def do_add_paper(meeting, *, acting_user, title, presented_by, record_link=""):
    return _create(
        Paper,
        acting_user,
        meeting=meeting,
        title=title,
        presented_by=presented_by,
        record_link=_check_link(record_link),
    )


def do_update_paper(paper, *, acting_user, **fields):
    if "record_link" in fields:
        fields["record_link"] = _check_link(fields["record_link"])
    return _update(paper, fields, acting_user)


def do_record_decision(meeting, *, acting_user, text, paper=None):
    if not (text or "").strip():
        raise ValidationError({"text": "Write what was decided."})
    if paper is not None and paper.meeting_id != meeting.pk:
        raise ValidationError({"paper": "Choose a paper taken to this meeting."})
    return _create(Decision, acting_user, meeting=meeting, text=text.strip(), paper=paper, created_by=acting_user)


def do_update_decision(decision, *, acting_user, **fields):
    return _update(decision, fields, acting_user)


# --- Policies -------------------------------------------------------------------------------


def _policy_fields(fields, current=None):
    """Check the interval and the committee, and compute the next review date, from the merged values."""
    merged = {**(current or {}), **fields}
    interval = merged.get("review_interval_months")
    if interval is None:
        interval = fields["review_interval_months"] = conf.setting("GOVERNANCE_POLICY_REVIEW_MONTHS")
    if problem := rules.interval_problem(interval):
        raise ValidationError({"review_interval_months": problem})
    if merged.get("status") == PolicyStatus.APPROVED and not merged.get("approved_on"):
        raise ValidationError({"approved_on": "Enter the date the policy was approved."})
    fields["next_review_on"] = rules.next_review_date(merged.get("approved_on"), interval)
    return fields


def _check_policy_scope(organisation, committee, icb_id):
    if organisation.icb_id != icb_id or not (
        organisation.kind == OrganisationKind.ICB or organisation.kind in PROVIDER_KINDS
    ):
        raise ValidationError({"organisation": "Choose your ICB or one of its providers."})
    if committee is not None and committee.icb_id != icb_id:
        raise ValidationError({"approving_committee": "Choose one of your ICB's committees."})


def do_add_policy(*, acting_user, organisation=None, icb=None, **fields):
    """A policy of the ICB (organisation omitted) or of a provider the ICB has seen."""
    icb = _icb_of(acting_user, icb)
    organisation = organisation or icb
    _check_policy_scope(organisation, fields.get("approving_committee"), icb.pk)
    return _create(Policy, acting_user, organisation=organisation, **_policy_fields(fields))


def do_update_policy(policy, *, acting_user, **fields):
    current = {name: getattr(policy, name) for name in ("review_interval_months", "approved_on", "status")}
    _check_policy_scope(
        fields.get("organisation", policy.organisation), fields.get("approving_committee"), policy.organisation.icb_id
    )
    return _update(policy, _policy_fields(fields, current), acting_user)


def do_add_policy_document(policy, *, acting_user, file, version="", note=""):
    """Store a new version of the policy's document; earlier versions stay."""
    _check_document(file, "file")
    return _create(
        PolicyDocument,
        acting_user,
        policy=policy,
        file=file,
        version=(version or policy.document_version).strip(),
        note=note,
        uploaded_by=acting_user,
    )


# --- Risks ----------------------------------------------------------------------------------

SCORE_FIELDS = tuple(f"{kind}_{axis}" for kind in rules.SCORE_KINDS for axis in ("likelihood", "consequence"))


def _check_scores(fields):
    problems = rules.score_problems({name: fields[name] for name in SCORE_FIELDS if name in fields})
    if problems:
        raise ValidationError(problems)


def do_add_risk(*, acting_user, icb=None, note="", **fields):
    """Open a risk; its current score is the first row of its history."""
    missing = {name: "Enter a whole number from 1 to 5." for name in SCORE_FIELDS if fields.get(name) is None}
    if missing:
        raise ValidationError(missing)
    _check_scores(fields)
    with audited(acting_user):
        risk = _create(
            Risk,
            acting_user,
            icb=_icb_of(acting_user, icb),
            created_by=acting_user,
            current_score=fields["current_likelihood"] * fields["current_consequence"],
            **fields,
        )
        _record_score(risk, acting_user, note or "Risk opened.", scored_on=risk.opened_on)
    return risk


def _record_score(risk, acting_user, note, scored_on=None):
    return _create(
        RiskScore,
        acting_user,
        risk=risk,
        likelihood=risk.current_likelihood,
        consequence=risk.current_consequence,
        scored_on=scored_on or timezone.localdate(),
        note=note[:250],
        recorded_by=acting_user,
    )


def do_update_risk(risk, *, acting_user, note="", **fields):
    """Change a risk; a new current score is also a new row of its history."""
    _check_scores(fields)
    rescored = any(
        name in fields and fields[name] != getattr(risk, name) for name in ("current_likelihood", "current_consequence")
    )
    with audited(acting_user):
        likelihood = fields.get("current_likelihood", risk.current_likelihood)
        consequence = fields.get("current_consequence", risk.current_consequence)
        _update(risk, {**fields, "current_score": likelihood * consequence}, acting_user)
        if rescored:
            _record_score(risk, acting_user, note or "Re-scored.")
    return risk


def do_rescore_risk(risk, *, acting_user, likelihood, consequence, note="", scored_on=None):
    """A new current score (on `scored_on`, default today): a new row of the risk's history."""
    problems = rules.score_problems({"likelihood": likelihood, "consequence": consequence})
    if problems:
        raise ValidationError(problems)
    if scored_on and (scored_on > timezone.localdate() or scored_on < risk.opened_on):
        raise ValidationError({"scored_on": "Enter a date from the day the risk was opened to today."})
    with audited(acting_user):
        _update(
            risk,
            {
                "current_likelihood": likelihood,
                "current_consequence": consequence,
                "current_score": likelihood * consequence,
            },
            acting_user,
        )
        return _record_score(risk, acting_user, note or "Re-scored.", scored_on=scored_on)


def do_escalate_risk(risk, *, acting_user, committee, escalated_on=None, note=""):
    """Record that the risk was taken to `committee` (on `escalated_on`, default today)."""
    if committee is None or committee.icb_id != risk.icb_id or committee.archived_at:
        raise ValidationError({"committee": "Choose one of your ICB's committees."})
    escalated_on = escalated_on or timezone.localdate()
    if escalated_on > timezone.localdate():
        raise ValidationError({"escalated_on": "The date of escalation cannot be in the future."})
    return _create(
        RiskEscalation,
        acting_user,
        risk=risk,
        committee=committee,
        escalated_on=escalated_on,
        score=risk.current_score,
        note=note,
        escalated_by=acting_user,
    )


# --- Provider annual reports ----------------------------------------------------------------


def annual_report_due(year):
    return rules.annual_report_due(
        year, conf.setting("GOVERNANCE_ANNUAL_REPORT_DUE_MONTH"), conf.setting("GOVERNANCE_ANNUAL_REPORT_DUE_DAY")
    )


def expected_subjects(provider):
    from governance.choices import ReportSubject

    return [ReportSubject.ADULTS] + ([ReportSubject.CHILDREN] if provider.provides_children_services else [])


def do_expect_annual_reports(*, acting_user, year, icb=None):
    """Expect this year's reports from every active provider of the ICB (children's only from providers of
    children's services); existing expectations are left as they are. Returns the new ones."""
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": "Enter a financial year that has started, such as 2025 for 2025/26."})
    icb = _icb_of(acting_user, icb)
    providers = Organisation.objects.filter(icb=icb, kind__in=ANNUAL_REPORT_KINDS, archived_at__isnull=True)
    existing = set(AnnualReport.objects.filter(provider__icb=icb, year=year).values_list("provider_id", "subject"))
    due = annual_report_due(year)
    made = []
    with audited(acting_user):
        for provider in providers:
            for subject in expected_subjects(provider):
                if (provider.pk, subject) not in existing:
                    made.append(
                        _create(AnnualReport, acting_user, provider=provider, year=year, subject=subject, due_date=due)
                    )
    return made


def do_receive_annual_report(report, *, acting_user, received_on, document=None):
    if received_on is None:
        raise ValidationError({"received_on": "Enter the date the report was received."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received cannot be in the future."})
    fields = {"received_on": received_on}
    if document:
        _check_document(document, "document")
        fields["document"] = document
    return _update(report, fields, acting_user)


def do_review_annual_report(report, *, acting_user, reviewed_on, feedback):
    if report.received_on is None:
        raise ValidationError({"reviewed_on": "Record the report as received before reviewing it."})
    if not (feedback or "").strip():
        raise ValidationError({"feedback": "Write the ICB's feedback to the provider."})
    if reviewed_on is None or reviewed_on < report.received_on:
        raise ValidationError({"reviewed_on": "Enter a review date on or after the date received."})
    return _update(
        report, {"reviewed_on": reviewed_on, "feedback": feedback.strip(), "reviewed_by": acting_user}, acting_user
    )


# --- The monitoring schedule ----------------------------------------------------------------


def _check_schedule(fields, icb_id):
    if "frequency_months" in fields and fields["frequency_months"] not in MonitoringFrequency.values:
        raise ValidationError({"frequency_months": "Choose how often: every 3, 6, 12 or 24 months."})
    committee = fields.get("reviewing_committee")
    if committee is not None and committee.icb_id != icb_id:
        raise ValidationError({"reviewing_committee": "Choose one of your ICB's committees."})


def _next_due(check, fields=None):
    merged = {name: getattr(check, name) for name in ("first_due_on", "frequency_months")} | (fields or {})
    last = check.records.order_by("-done_on").values_list("done_on", flat=True).first() if check.pk else None
    if merged["first_due_on"] is None:
        raise ValidationError({"first_due_on": "Enter the date the first check is due."})
    return rules.next_check_date(merged["first_due_on"], last, merged["frequency_months"])


def do_add_monitoring_check(*, acting_user, icb=None, **fields):
    """A recurring internal check on the ICB's monitoring schedule [DDICB Monitoring and Review of Policy]."""
    icb = _icb_of(acting_user, icb)
    _check_schedule({"frequency_months": None, **fields}, icb.pk)
    if fields.get("first_due_on") is None:
        raise ValidationError({"first_due_on": "Enter the date the first check is due."})
    next_due_on = rules.next_check_date(fields["first_due_on"], None, fields["frequency_months"])
    return _create(MonitoringCheck, acting_user, icb=icb, next_due_on=next_due_on, **fields)


def do_update_monitoring_check(check, *, acting_user, **fields):
    """Change a check; its next due date follows a new frequency or first due date."""
    _check_schedule(fields, check.icb_id)
    if "first_due_on" in fields or "frequency_months" in fields:
        fields["next_due_on"] = _next_due(check, fields)
    return _update(check, fields, acting_user)


def do_record_check_done(check, *, acting_user, done_on, done_by, outcome, findings, reported_to=None):
    """Record a check done; the next one falls due `frequency` months after the latest done."""
    if check.archived_at:
        raise ValidationError({"done_on": "This check is archived."})
    if done_on is None or done_on > timezone.localdate():
        raise ValidationError({"done_on": "Enter the date the check was done (not in the future)."})
    if not (findings or "").strip():
        raise ValidationError({"findings": "Write what the check found."})
    if reported_to is not None and reported_to.committee.icb_id != check.icb_id:
        raise ValidationError({"reported_to": "Choose a meeting of one of your ICB's committees."})
    with audited(acting_user):
        record = _create(
            MonitoringCheckRecord,
            acting_user,
            monitoring_check=check,
            done_on=done_on,
            done_by=(done_by or "").strip(),
            outcome=outcome,
            findings=findings.strip(),
            reported_to=reported_to,
            recorded_by=acting_user,
        )
        save_fields(check, {"next_due_on": _next_due(check)}, acting_user=acting_user)
    return record
