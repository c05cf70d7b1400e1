"""Every change to the ICB's quarterly assurance returns to its region: sending one, and the region's review with
feedback. Each is atomic and audited; a ValidationError leaves nothing saved; a role that may not take the step is
a PermissionDenied."""

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
    if getattr(acting_user, "role", None) not in ICB_SENDERS:
        raise PermissionDenied("Only the ICB's safeguarding team sends the quarterly return.")
    icb = acting_user.organisation.icb
    if report.organisation_id != icb.pk:
        raise PermissionDenied("This report is not your ICB's.")
    region = icb.parent if icb.parent_id and icb.parent.kind == OrganisationKind.REGION else None
    problems = rules.submission_problems(
        report_type=report.report_type.code,
        report_frozen=report.is_frozen,
        has_region=region is not None,
        already_sent=AssuranceReturn.objects.filter(icb=icb, period_start=report.period_start).exists(),
    )
    if problems:
        raise ValidationError(problems)
    quarter = Quarter.containing(report.period_start)
    with audited(acting_user):
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
        )
        sent.full_clean()
        sent.save()
    return sent


def figures_of(icb, quarter):
    """The ICB's roll-up for the quarter as plain JSON (the API's shape): aggregates only, casework suppressed."""
    from regions.api import IcbRollupSerializer

    rollup = reports.rollups(Organisation.objects.filter(pk=icb.pk).select_related("parent"), quarter)[0]
    return json.loads(json.dumps(IcbRollupSerializer(rollup).data))


def do_review_return(assurance_return, *, feedback, acting_user):
    """The regional lead's review: written feedback to the ICB. Writing it again replaces it (versioned)."""
    if getattr(acting_user, "role", None) not in REVIEWERS or assurance_return.region_id != acting_user.organisation_id:
        raise PermissionDenied("Only the regional lead of the region that received it reviews a return.")
    if problems := rules.feedback_problems(feedback):
        raise ValidationError(problems)
    fields = {
        "feedback": feedback.strip(),
        "status": rules.REVIEWED,
        "reviewed_by": acting_user,
        "reviewed_at": timezone.now(),
    }
    return save_fields(assurance_return, fields, acting_user=acting_user)
