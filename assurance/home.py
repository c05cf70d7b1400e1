from django.urls import reverse
from django.utils import timezone

from assurance import reports, rules
from assurance.choices import EDITABLE_STATUSES, AssessmentStatus
from assurance.models import (
    CYCLE_MANAGERS,
    INSPECTION_EDITORS,
    REVIEWERS,
    Assessment,
    ChildrenInCareSpecification,
    FundingPanelAssurance,
    RegulatoryNotice,
)
from core.choices import Role
from core.home import Panel


def panels(user):
    return _assessment_panels(user) + _notice_panels(user)


def _assessment_panels(user):
    today = timezone.localdate()
    visible = (
        Assessment.objects.restrict(user)
        .filter(cycle__archived_at=None, cycle__closed_at=None)
        .select_related("organisation", "cycle__framework")
    )
    if user.role == Role.PROVIDER:
        todo = list(visible.filter(status__in=EDITABLE_STATUSES))
        return [
            Panel(
                "Self-assessments to complete",
                items=[
                    (
                        f"{a.cycle.framework.name}, {a.cycle.period_label}",
                        reverse("assurance:assessment", args=[a.pk]),
                        f"{a.get_status_display()}, due {a.cycle.due_date:%d %B %Y}"
                        + (" (late)" if rules.is_late(a.status, a.cycle.due_date, today) else ""),
                    )
                    for a in todo
                ],
                count=len(todo),
                empty_text="Nothing to complete.",
                link=("All your assessments", reverse("assurance:assessments")),
            )
        ]
    result = []
    if user.role in REVIEWERS:
        waiting = list(visible.filter(status=AssessmentStatus.SUBMITTED))
        result.append(
            Panel(
                "Self-assessments awaiting review",
                items=[
                    (a.organisation.name, reverse("assurance:review", args=[a.pk]), str(a.cycle)) for a in waiting[:15]
                ],
                count=len(waiting),
                empty_text="No assessment is waiting for review.",
            )
        )
    late = list(visible.filter(status__in=EDITABLE_STATUSES, cycle__due_date__lt=today))
    result.append(
        Panel(
            "Late self-assessments",
            urgent=True,
            items=[
                (
                    a.organisation.name,
                    reverse("assurance:assessment", args=[a.pk]),
                    f"{a.cycle}, due {a.cycle.due_date:%d %B %Y}",
                )
                for a in late[:15]
            ],
            count=len(late),
            empty_text="No self-assessment is late.",
            link=("Assurance cycles", reverse("assurance:cycles")),
        )
    )
    if user.role in CYCLE_MANAGERS | {Role.EXECUTIVE}:
        result.append(_duties_panel(user, today))
    return result


def _duties_panel(user, today):
    """Gaps in the ICB's own duty records: the children-in-care specification past its review date or without
    the child's voice; funding panels not documented as MCA-compliant; either not recorded at all."""
    duties = reports.icb_duties(
        ChildrenInCareSpecification.objects.restrict(user), FundingPanelAssurance.objects.restrict(user), today
    )
    page = reverse("assurance:icb-duties")
    items = [(gap, page, "") for gap in duties.missing]
    items += [(f"{record}: {', '.join(gaps).lower()}", page, "") for record, gaps in duties.specifications if gaps]
    items += [(f"{record}: {', '.join(gaps).lower()}", page, "") for record, gaps in duties.panels if gaps]
    return Panel(
        "The ICB's own duties with a gap",
        items=items,
        count=len(items),
        empty_text="No gap.",
        link=("The ICB's own duties", page),
    )


def _notice_panels(user):
    """Requirement, warning and enforcement notices still standing with no action in the tracker [NEL 15.0]."""
    if user.role not in INSPECTION_EDITORS:
        return []
    standing = RegulatoryNotice.objects.restrict(user).filter(archived_at=None, lifted_on=None)
    gaps = [row for row in reports.notice_rows(standing) if row.needs_action]
    return [
        Panel(
            "Regulators' notices without an action",
            items=[
                (
                    row.notice.provider.name,
                    reverse("assurance:notice", args=[row.notice.pk]),
                    f"{row.notice.get_kind_display()}, issued {row.notice.issued_on:%d %B %Y}",
                )
                for row in gaps[:15]
            ],
            count=len(gaps),
            empty_text="Every notice in force has an action.",
            link=("Inspections and regulators", reverse("assurance:inspections")),
        )
    ]
