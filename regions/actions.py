"""Every change to the ICB's quarterly assurance returns to its region: sending one, withdrawing it before the
region reviews it, sending a corrected one in its place, and the region's review with feedback. Each is atomic and
audited; a ValidationError leaves nothing saved; a role that may not take the step is a PermissionDenied; a return
saved by someone else since the caller read it is a StaleEdit (core.versioning), so a withdrawal and a review made
at the same moment never both succeed."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.actions import audited, save_fields
from core.quarters import Quarter
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from regions import reports, rules
from regions.models import ICB_SENDERS, REVIEWERS, AssuranceReturn


def do_send_return(*, report, statement="", acting_user):
    """The ICB's approved quarterly assurance report goes to its region, with its aggregates for the quarter."""
    icb = _sending_icb(acting_user)
    if report.organisation_id != icb.pk:
        raise PermissionDenied("This report is not your ICB's.")
    region = region_of(icb)
    problems = rules.submission_problems(
        report_type=report.report_type.code,
        report_frozen=report.is_frozen,
        has_region=region is not None,
        already_sent=AssuranceReturn.objects.filter(icb=icb, period_start=report.period_start).exists(),
    )
    if problems:
        raise ValidationError(problems)
    with audited(acting_user):
        return _new_return(icb, region, report, statement, acting_user)


def do_withdraw_return(assurance_return, *, reason, acting_user):
    """The ICB takes back a return the region has not reviewed yet, saying why; it stays on record, withdrawn."""
    _require_own_icb(assurance_return, acting_user)
    problems = rules.withdrawal_problems(
        status=assurance_return.status, replaced=assurance_return.is_replaced, reason=reason
    )
    if problems:
        raise ValidationError(problems)
    fields = {
        "status": rules.WITHDRAWN,
        "withdrawn_reason": reason.strip(),
        "withdrawn_by": acting_user,
        "withdrawn_at": timezone.now(),
    }
    return save_fields(assurance_return, fields, acting_user=acting_user)


def do_resend_return(previous, *, report, statement="", acting_user):
    """A corrected return for the same quarter in place of a withdrawn or reviewed one: a new return (version + 1)
    awaiting a new review, with the aggregates as they stand now; the one it replaces is kept, marked replaced."""
    icb = _require_own_icb(previous, acting_user)
    if report.organisation_id != icb.pk:
        raise PermissionDenied("This report is not your ICB's.")
    region = region_of(icb)
    problems = rules.resend_problems(
        status=previous.status,
        replaced=previous.is_replaced,
        report_type=report.report_type.code,
        report_frozen=report.is_frozen,
        same_quarter=report.period_start == previous.period_start,
        has_region=region is not None,
    )
    if problems:
        raise ValidationError(problems)
    with audited(acting_user):
        # the old one first: one current return a quarter is a database constraint; its version check refuses a
        # second correction (or a review) saved meanwhile
        save_fields(previous, {"replaced_at": timezone.now()}, acting_user=acting_user)
        return _new_return(icb, region, report, statement, acting_user, supersedes=previous)


def _new_return(icb, region, report, statement, acting_user, supersedes=None):
    quarter = Quarter.containing(report.period_start)
    sent = AssuranceReturn(
        icb=icb,
        region=region,
        period_start=quarter.start,
        period_end=quarter.end,
        report=report,
        statement=(statement or "").strip(),
        figures=figures_of(icb, quarter),
        submitted_by=acting_user,
        submitted_at=timezone.now(),
        supersedes=supersedes,
        number=supersedes.number + 1 if supersedes else 1,
    )
    sent.full_clean()
    sent.save()
    return sent


def _sending_icb(acting_user):
    if getattr(acting_user, "role", None) not in ICB_SENDERS:
        raise PermissionDenied("Only the ICB's safeguarding team sends, withdraws and corrects the quarterly return.")
    return acting_user.organisation.icb


def _require_own_icb(assurance_return, acting_user):
    icb = _sending_icb(acting_user)
    if assurance_return.icb_id != icb.pk:
        raise PermissionDenied("This return is not your ICB's.")
    return icb


def region_of(icb):
    """The NHS England region the ICB is placed in now, or None."""
    return icb.parent if icb.parent_id and icb.parent.kind == OrganisationKind.REGION else None


def figures_of(icb, quarter):
    """The ICB's roll-up for the quarter as plain JSON (the API's shape): aggregates only, casework suppressed."""
    from regions.api import IcbRollupSerializer

    rollup = reports.rollups(Organisation.objects.filter(pk=icb.pk).select_related("parent"), quarter)[0]
    return json.loads(json.dumps(IcbRollupSerializer(rollup).data))


def do_review_return(assurance_return, *, feedback, acting_user):
    """The regional lead's review: written feedback to the ICB. Writing it again replaces it (versioned)."""
    if getattr(acting_user, "role", None) not in REVIEWERS or assurance_return.region_id != acting_user.organisation_id:
        raise PermissionDenied("Only the regional lead of the region that received it reviews a return.")
    problems = rules.review_problems(
        status=assurance_return.status, replaced=assurance_return.is_replaced, feedback=feedback
    )
    if problems:
        raise ValidationError(problems)
    fields = {
        "feedback": feedback.strip(),
        "status": rules.REVIEWED,
        "reviewed_by": acting_user,
        "reviewed_at": timezone.now(),
    }
    return save_fields(assurance_return, fields, acting_user=acting_user)
