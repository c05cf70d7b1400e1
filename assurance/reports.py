"""Read-side aggregations: RAG per assessment, cycle progress, roll-up per organisation and ICB.

Every function takes an already-restricted queryset; a fixed number of queries whatever the rows.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assurance import conf, rules
from assurance.choices import RAG, AssessmentStatus
from assurance.models import Response


def assessment_rags(assessments, thresholds=None):
    """{assessment id: RAG} for the given assessments (objects with .pk and .status): one query."""
    thresholds = thresholds or conf.rag_thresholds()
    assessments = list(assessments)
    ratings = defaultdict(list)
    rows = Response.objects.filter(assessment__in=[a.pk for a in assessments]).values_list("assessment_id", "rating")
    for assessment_id, rating in rows:
        ratings[assessment_id].append(rating)
    return {
        a.pk: rules.assessment_rag(ratings[a.pk], thresholds) if rules.rated_status(a.status) else RAG.GREY
        for a in assessments
    }


@dataclass
class ProgressRow:
    assessment: object
    late: bool
    rag: str


@dataclass
class CycleProgress:
    rows: list
    counts: dict = field(default_factory=dict)
    late: int = 0


def cycle_progress(cycle, assessments, today):
    assessments = list(assessments.select_related("organisation"))
    rags = assessment_rags(assessments)
    rows = [ProgressRow(a, rules.is_late(a.status, cycle.due_date, today), rags[a.pk]) for a in assessments]
    counts = Counter(a.status for a in assessments)
    return CycleProgress(
        rows=rows,
        counts={status: counts.get(status, 0) for status in AssessmentStatus.values},
        late=sum(r.late for r in rows),
    )


@dataclass
class OrganisationRollUp:
    organisation: object
    by_framework: dict  # framework key -> (RAG, assessment)
    rag: str


@dataclass
class Comparison:
    framework_name: str
    current_cycle: object
    previous_cycle: object
    rows: list  # (organisation, previous RAG, current RAG, trend)


@dataclass
class RollUp:
    organisations: list
    frameworks: list  # (key, name)
    icb_rag: str
    counts: dict
    comparisons: list


def rollup(assessments):
    """assessments: restricted queryset. Latest assessment per organisation and framework, worst (or
    latest) per organisation, share-based for the ICB, and each framework's latest cycle against the previous."""
    thresholds = conf.rag_thresholds()
    assessments = list(assessments.select_related("organisation", "cycle__framework").filter(cycle__archived_at=None))
    rags = assessment_rags(assessments, thresholds)
    frameworks = {}
    per_org = defaultdict(dict)
    results = defaultdict(list)
    for a in assessments:
        key = a.cycle.framework.key
        frameworks[key] = a.cycle.framework.name
        results[a.organisation].append(rules.FrameworkResult(key, a.cycle.due_date, rags[a.pk]))
        current = per_org[a.organisation].get(key)
        if rags[a.pk] != RAG.GREY and (current is None or a.cycle.due_date > current[1].cycle.due_date):
            per_org[a.organisation][key] = (rags[a.pk], a)
    organisations = sorted(
        (OrganisationRollUp(org, per_org[org], rules.organisation_rag(results[org], thresholds)) for org in results),
        key=lambda r: r.organisation.name,
    )
    org_rags = [o.rag for o in organisations]
    return RollUp(
        organisations=organisations,
        frameworks=sorted(frameworks.items(), key=lambda kv: kv[1]),
        icb_rag=rules.icb_rag(org_rags, thresholds),
        counts={rag: org_rags.count(rag) for rag in RAG.values},
        comparisons=_comparisons(assessments, rags),
    )


def _comparisons(assessments, rags):
    cycles = defaultdict(dict)  # framework key -> {cycle: {organisation: rag}}
    for a in assessments:
        cycles[a.cycle.framework.key].setdefault(a.cycle, {})[a.organisation] = rags[a.pk]
    comparisons = []
    for by_cycle in cycles.values():
        ordered = sorted(by_cycle, key=lambda c: (c.due_date, c.pk))
        if len(ordered) < 2:
            continue
        previous, current = ordered[-2], ordered[-1]
        rows = [
            (org, by_cycle[previous].get(org), rag, rules.trend(by_cycle[previous].get(org), rag))
            for org, rag in sorted(by_cycle[current].items(), key=lambda kv: kv[0].name)
        ]
        comparisons.append(Comparison(current.framework.name, current, previous, rows))
    return comparisons


SECTION11_FRAMEWORK = "section11-children"


@dataclass
class Section11Position:
    """Where an organisation stands on its latest Section 11 self-assessment, for the judgement of 11.a.3
    [CPCCG App. 3 11.a.3]: its status and RAG, and the SMART actions raised from it (every tracked action
    is SMART by construction: what, owner, due date, measure) with how many are done and how many overdue."""

    assessment: object
    rag: str
    actions: int
    done: int
    overdue: int

    @property
    def progressing(self):
        return self.actions > 0 and self.done > 0 and self.overdue == 0


def section11_position(organisation_id, today):
    """The organisation's latest Section 11 assessment with its actions, or None (three queries)."""
    from django.contrib.contenttypes.models import ContentType

    from assurance.models import Assessment
    from core.choices import ActionStatus
    from core.models import TrackedAction

    assessment = (  # the latest one it has submitted (a rolled-forward blank one says nothing yet)
        Assessment.objects.filter(
            organisation_id=organisation_id,
            cycle__framework__key=SECTION11_FRAMEWORK,
            cycle__archived_at=None,
            submitted_at__isnull=False,
        )
        .select_related("cycle__framework")
        .order_by("-cycle__due_date", "-pk")
        .first()
    )
    if assessment is None:
        return None
    response_ids = list(Response.objects.filter(assessment=assessment).values_list("pk", flat=True))
    actions = list(
        TrackedAction.objects.filter(
            archived_at__isnull=True,
            source_type=ContentType.objects.get_for_model(Response),
            source_id__in=response_ids,
        )
    )
    done = sum(a.status in (ActionStatus.COMPLETED, ActionStatus.VERIFIED) for a in actions)
    overdue = sum(a.is_overdue_on(today) for a in actions)
    rag = assessment_rags([assessment])[assessment.pk]
    return Section11Position(assessment, rag, len(actions), done, overdue)


# --- The ICB's own duties -------------------------------------------------------------------


@dataclass
class IcbDuties:
    specifications: list  # [(specification, gaps)]
    panels: list  # [(panel, gaps)]
    missing: list  # gaps from a record not held at all

    @property
    def gap_count(self):
        return len(self.missing) + sum(1 for _, gaps in self.specifications + self.panels if gaps)


def icb_duties(specifications, panels, today):
    """Current (not archived) children-in-care specifications and funding-panel MCA records, each with its gaps,
    and the gaps of a record not held at all (2 queries). Querysets come restricted by the caller."""
    specs = [(s, s.gaps_on(today)) for s in specifications.filter(archived_at__isnull=True)]
    held_panels = [(p, p.gaps) for p in panels.filter(archived_at__isnull=True)]
    return IcbDuties(specs, held_panels, rules.icb_duty_gaps(specs, held_panels))


def _action_counts(model, ids):
    """{source id: number of live tracked actions} for records of `model` (one query)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from core.models import TrackedAction

    rows = (
        TrackedAction.objects.filter(
            source_type=ContentType.objects.get_for_model(model), source_id__in=list(ids), archived_at__isnull=True
        )
        .values("source_id")
        .annotate(n=Count("pk"))
    )
    return {row["source_id"]: row["n"] for row in rows}


@dataclass
class NoticeRow:
    notice: object
    actions: int  # actions raised from the notice itself or from the inspection it followed

    @property
    def needs_action(self):
        return rules.notice_needs_action(self.notice.kind, self.notice.lifted_on, self.actions)


def notice_rows(notices):
    """Each notice with the actions raised from it or its inspection (three queries whatever the rows)."""
    from assurance.models import Inspection, RegulatoryNotice

    notices = list(notices.select_related("provider", "inspection"))
    own = _action_counts(RegulatoryNotice, [n.pk for n in notices])
    by_inspection = _action_counts(Inspection, {n.inspection_id for n in notices if n.inspection_id})
    return [NoticeRow(n, own.get(n.pk, 0) + by_inspection.get(n.inspection_id, 0)) for n in notices]


def inspection_action_counts(inspections):
    from assurance.models import Inspection

    return _action_counts(Inspection, [i.pk for i in inspections])


def inspection_sections(user, as_of=None):
    """Aggregates for the reports: [(title, [(label, value)])] over what `user` may see (empty when nothing)."""
    from django.utils import timezone

    from assurance.models import CqcRegistration, Inspection, RegulatoryNotice

    as_of = as_of or timezone.localdate()
    registrations = list(CqcRegistration.objects.restrict(user).filter(archived_at=None))
    inspections = Inspection.objects.restrict(user).filter(archived_at=None)
    notices = notice_rows(RegulatoryNotice.objects.restrict(user).filter(archived_at=None))
    if not (registrations or inspections.exists() or notices):
        return []
    ratings = Counter(r.get_current_rating_display() or "No rating recorded" for r in registrations)
    recent = inspections.filter(started_on__gt=as_of - dt.timedelta(days=365))
    standing = [row for row in notices if row.notice.lifted_on is None]
    return [
        ("CQC registration and ratings", [(label, str(n)) for label, n in sorted(ratings.items())]),
        (
            "Inspections and reviews in the last 12 months",
            [
                ("Inspections and reviews", str(recent.count())),
                ("Investigations", str(recent.filter(investigation=True).count())),
                (
                    "Investigations the designated professional was not told of",
                    str(recent.filter(investigation=True, designated_informed_on__isnull=True).count()),
                ),
            ],
        ),
        (
            "Conditions and notices in force",
            [
                ("In force", str(len(standing))),
                ("Without an action in the tracker", str(sum(row.needs_action for row in standing))),
                ("The ICB was not told of", str(sum(row.notice.icb_told_on is None for row in standing))),
            ],
        ),
    ]


# --- For the reporting app's reports ------------------------------------------------------


@dataclass
class CycleSummary:
    cycle: object
    counts: dict  # assessment status -> number
    late: int
    rags: Counter  # RAG -> assessments


def icb_cycles(icb_id, as_at):
    """One ICB's assurance cycles opened by `as_at` (an aware datetime), latest due first, each with its
    assessments by status, how many are late and their RAG (3 queries). Statuses are as they stand now."""
    from assurance.models import Assessment, Cycle

    day = as_at.date() if hasattr(as_at, "date") else as_at
    cycles = list(
        Cycle.objects.filter(icb_id=icb_id, archived_at__isnull=True, opened_at__lte=as_at)
        .select_related("framework")
        .order_by("-due_date", "pk")
    )
    assessments = list(Assessment.objects.filter(cycle__in=[c.pk for c in cycles]).order_by("pk"))
    rags = assessment_rags(assessments)
    by_cycle = defaultdict(list)
    for assessment in assessments:
        by_cycle[assessment.cycle_id].append(assessment)
    result = []
    for cycle in cycles:
        mine = by_cycle[cycle.pk]
        statuses = Counter(a.status for a in mine)
        result.append(
            CycleSummary(
                cycle=cycle,
                counts={status: statuses.get(status, 0) for status in AssessmentStatus.values},
                late=sum(rules.is_late(a.status, cycle.due_date, day) for a in mine),
                rags=Counter(rags[a.pk] for a in mine),
            )
        )
    return result


def icb_inspections(icb_id, start, end):
    """Inspections of one ICB's organisations that started in the period, and regulatory notices in force at its
    end ((inspections, notice rows), 4 queries)."""
    from django.db.models import Q

    from assurance.models import Inspection, RegulatoryNotice

    mine = Q(organisation_id=icb_id) | Q(organisation__icb_id=icb_id)
    inspections = list(
        Inspection.objects.filter(mine, archived_at=None, started_on__gte=start, started_on__lte=end)
        .select_related("organisation")
        .order_by("started_on", "pk")
    )
    notices = notice_rows(
        RegulatoryNotice.objects.filter(Q(provider_id=icb_id) | Q(provider__icb_id=icb_id), archived_at=None)
        .filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=end), issued_on__lte=end)
        .order_by("pk")
    )
    return inspections, notices
