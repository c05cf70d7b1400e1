"""Every change to reports: creating one, writing its narrative, building it (a stored job), the approval workflow
and new versions. Each is atomic and audited; a ValidationError leaves nothing saved; a step the role may not take
is a PermissionDenied. An approved report's files are stored once (frozen) and never regenerated."""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from core import jobs
from core.actions import audited, save_fields
from organisations.choices import OrganisationKind
from reporting import rules
from reporting.choices import FileKind, OrganisationLevel
from reporting.models import Report, ReportFile, ReportNarrative

BUILD_JOB = "reporting.build"
WRONG_LEVEL = {
    OrganisationLevel.REGION: "This report is written for an NHS England region, not an ICB.",
    OrganisationLevel.ICB: "This report is written by an ICB, not an NHS England region.",
}


def snapshot_bytes(snapshot):
    """The snapshot as stored: canonical JSON (sorted keys, no spacing choices left to chance)."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def _require_role(acting_user, roles, message="Your role cannot do this."):
    if getattr(acting_user, "role", None) not in roles:
        raise PermissionDenied(message)


def do_create_report(*, acting_user, report_type, financial_year, quarter=None, today=None):
    """A new draft report for a period that has ended: of the user's ICB, or (a region's annual report) of the
    regional lead's region."""
    level = report_type.organisation_level
    role = getattr(acting_user, "role", None)
    if role in rules.makers(rules.ICB_LEVEL) | rules.makers(rules.REGION_LEVEL) and role not in rules.makers(level):
        raise ValidationError({"report_type": WRONG_LEVEL[level]})
    _require_role(acting_user, rules.makers(level), "Your role does not start this report.")
    today = today or timezone.localdate()
    if problems := rules.period_problems(report_type.period_kind, financial_year, quarter, today):
        raise ValidationError(problems)
    start, end = rules.period_of(report_type.period_kind, financial_year, quarter)
    organisation = _organisation_reported_on(acting_user, level)
    existing = Report.objects.filter(
        organisation=organisation, report_type=report_type, period_start=start, superseded_by__isnull=True
    ).first()
    if existing is not None:
        message = f"There is already a {report_type.title.lower()} for this period ({existing.status_label})."
        raise ValidationError({"report_type": message})
    with audited(acting_user):
        report = Report(organisation=organisation, report_type=report_type, period_start=start, period_end=end)
        report.created_by = acting_user
        report.full_clean()
        report.save()
    return report


def _organisation_reported_on(acting_user, level):
    organisation = acting_user.organisation
    if level == OrganisationLevel.REGION:
        if organisation.kind != OrganisationKind.REGION:
            raise ValidationError({"report_type": "Your organisation is not an NHS England region."})
        return organisation
    return organisation.icb


def do_save_narrative(report, *, key, text, acting_user):
    _require_role(acting_user, rules.writers(report.level), "Your role does not write this report's narrative.")
    if not report.is_editable:
        raise ValidationError({"text": "This report is no longer a draft: make a new version to change it."})
    if key not in {section["key"] for section in report.report_type.narrative_sections}:
        raise ValidationError({"key": "This report has no such narrative section."})
    with audited(acting_user):
        narrative = ReportNarrative.objects.filter(report=report, key=key).first()
        if narrative is None:
            narrative = ReportNarrative.objects.create(report=report, key=key, text=text, updated_by=acting_user)
        else:
            save_fields(narrative, {"text": text, "updated_by": acting_user}, acting_user=acting_user)
        save_fields(report, {"narrative_changed_at": timezone.now()}, acting_user=acting_user)
    return narrative


def do_request_build(report, *, acting_user):
    """Queue the build (a stored job run by the worker): never inside the request."""
    _require_role(acting_user, rules.makers(report.level), "Your role does not build this report.")
    if not report.is_editable:
        raise ValidationError({"__all__": "An approved report is frozen: it is never built again."})
    with audited(acting_user):
        job = jobs.enqueue(BUILD_JOB, {"report": report.pk}, acting_user=acting_user)
        save_fields(report, {"build_job": job}, acting_user=acting_user)
    return job


def narratives_of(report):
    return dict(report.narratives.values_list("key", "text"))


def build(report, *, as_at=None):
    """Build a draft's snapshot, draft PDF and XLSX (the job's work). A frozen report is refused."""
    from reporting.sections import build_snapshot
    from reporting.spreadsheets import appendix_xlsx
    from reporting.typeset import render_pdf

    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError("An approved report is frozen: it is never built again.")
    as_at = as_at or timezone.now()
    snapshot = build_snapshot(
        organisation=report.organisation,
        report_type=report.report_type.as_dict(),
        period_start=report.period_start,
        period_end=report.period_end,
        as_at=as_at,
        narratives=narratives_of(report),
    )
    snapshot = json.loads(snapshot_bytes(snapshot))  # what the database keeps (JSON types only)
    pdf = render_pdf(snapshot, status_label=report.status_label, version=report.number, draft=True)
    xlsx = appendix_xlsx(snapshot)
    with audited(None):
        for kind, content in ((FileKind.PDF, pdf), (FileKind.XLSX, xlsx)):
            _store(report, kind, content, frozen=False)
        save_fields(report, {"snapshot": snapshot, "as_at": as_at, "built_at": timezone.now()}, acting_user=None)
    return {"report": report.pk, "pdf_sha256": sha256(pdf)}


def _store(report, kind, content, *, frozen):
    record = ReportFile(report=report, kind=kind, frozen=frozen, sha256=sha256(content), size=len(content))
    name = f"{report.report_type.code}-{report.pk}-v{report.number}{'' if frozen else '-draft'}.{kind}"
    record.file.save(name, ContentFile(content), save=False)
    record.save()
    return record


def _freeze(report):
    """Store the approved PDF, HTML, XLSX and snapshot JSON once, each with its SHA-256."""
    from reporting.spreadsheets import appendix_xlsx
    from reporting.typeset import render_pdf

    snapshot = report.snapshot
    pdf = render_pdf(snapshot, status_label=report.status_label, version=report.number, draft=False)
    html = render_to_string("reporting/frozen.html", {"snapshot": snapshot, "report": report}).encode()
    for kind, content in (
        (FileKind.PDF, pdf),
        (FileKind.HTML, html),
        (FileKind.XLSX, appendix_xlsx(snapshot)),
        (FileKind.JSON, snapshot_bytes(snapshot)),
    ):
        _store(report, kind, content, frozen=True)


def _check_step(report, transition, acting_user):
    problem = rules.transition_problem(transition, report.status, getattr(acting_user, "role", None), report.level)
    if problem == rules.ROLE_REFUSED:
        raise PermissionDenied(problem)
    if problem:
        raise ValidationError({"__all__": problem})


def do_submit(report, *, acting_user):
    _check_step(report, rules.SUBMIT, acting_user)
    if report.snapshot is None:
        raise ValidationError({"__all__": "Build the report before submitting it."})
    fields = {"status": rules.SUBMITTED, "submitted_at": timezone.now()}
    return save_fields(report, fields, acting_user=acting_user)


def do_approve(report, *, acting_user):
    _check_step(report, rules.APPROVE, acting_user)
    built_after = report.narrative_changed_at is None or (
        report.built_at is not None and report.built_at >= report.narrative_changed_at
    )
    if problems := rules.approval_problems(built=report.snapshot is not None, built_after_last_change=built_after):
        raise ValidationError(problems)
    with audited(acting_user):
        save_fields(
            report,
            {
                "status": rules.APPROVED,
                "approved_at": timezone.now(),
                "approved_by": acting_user,
                "return_comments": "",
            },
            acting_user=acting_user,
        )
        _freeze(report)
    return report


def do_return(report, *, comments, acting_user):
    _check_step(report, rules.RETURN, acting_user)
    if problems := rules.return_problems(comments):
        raise ValidationError(problems)
    return save_fields(report, {"status": rules.RETURNED, "return_comments": comments.strip()}, acting_user=acting_user)


def do_present(report, *, acting_user, meeting=None, meeting_date=None, minute_reference=""):
    """Record the committee or Board meeting the approved report went to: a meeting from the governance register, or
    a meeting date; a minute reference either way."""
    _check_step(report, rules.PRESENT, acting_user)
    if meeting is not None:
        if meeting.committee.icb_id != report.organisation_id:
            raise ValidationError({"meeting": "Choose a meeting of your ICB's committees."})
        meeting_date = meeting_date or meeting.date
        minute_reference = minute_reference or meeting.minute_reference
    problems = rules.presentation_problems(
        meeting_date=meeting_date,
        minute_reference=minute_reference,
        approved_on=report.approved_at.date() if report.approved_at else None,
    )
    if problems:
        raise ValidationError(problems)
    fields = {
        "status": rules.PRESENTED,
        "meeting": meeting,
        "meeting_date": meeting_date,
        "minute_reference": minute_reference.strip(),
    }
    return save_fields(report, fields, acting_user=acting_user)


def do_publish(report, *, acting_user):
    _check_step(report, rules.PUBLISH, acting_user)
    return save_fields(report, {"status": rules.PUBLISHED, "published_at": timezone.now()}, acting_user=acting_user)


TRANSITION_ACTIONS = {
    rules.SUBMIT: do_submit,
    rules.APPROVE: do_approve,
    rules.RETURN: do_return,
    rules.PRESENT: do_present,
    rules.PUBLISH: do_publish,
}


def do_new_version(report, *, acting_user):
    """A new draft version of an approved report: it supersedes the approved one, which stays readable. The
    narrative is carried over to be revised."""
    _require_role(acting_user, rules.makers(report.level), "Your role does not start a new version of this report.")
    if not report.is_frozen:
        raise ValidationError({"__all__": "Only an approved report gets a new version: change this draft instead."})
    if Report.objects.filter(supersedes=report).exists():
        raise ValidationError({"__all__": "This version has already been superseded."})
    with audited(acting_user):
        new = Report(
            organisation=report.organisation,
            report_type=report.report_type,
            period_start=report.period_start,
            period_end=report.period_end,
            number=report.number + 1,
            supersedes=report,
            created_by=acting_user,
        )
        new.full_clean()
        new.save()
        for narrative in report.narratives.all():
            ReportNarrative.objects.create(report=new, key=narrative.key, text=narrative.text, updated_by=acting_user)
    return new
