"""The roll-ups NHS England reads: per ICB, aggregates only.

Each function takes the ICBs already scoped (regions.scoping) and issues a fixed number of queries whatever the
number of ICBs or providers (the closure days of every ICB, for the due dates, are read by
returns.reports.build_matrix in one query). Ratings are read through the returns module's public read side
(`build_matrix`), never recomputed here. Nothing returned names a provider, a person or a case: RAG shares,
completeness and timeliness of returns, assessment cycle completion, counts of role gaps and designated vacancies,
and the case review tracker's counts, suppressed below five (rules.suppress).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from organisations.choices import OrganisationKind
from organisations.models import Organisation
from organisations.reports import gaps_by_organisation
from regions import rules
from returns import rules as returns_rules

RATED = ("red", "amber", "green")
RATINGS = (*RATED, "none")


@dataclass
class MetricShare:
    code: str
    title: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))

    @property
    def applicable(self):
        return sum(self.counts.values())

    @property
    def shares(self):
        """{rating: percentage of the providers the metric applies to}."""
        return {rating: rules.share(n, self.applicable) for rating, n in self.counts.items()}


@dataclass
class Tracker:
    """The ICB's statutory reviews in the shape of NHS England's case review tracker; every count suppressed."""

    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    by_theme: Counter = field(default_factory=Counter)
    converted: int = 0

    def shown(self, count):
        return rules.suppress(count)

    @property
    def rows(self):
        """[(group, label, shown count)] for a table or a sheet."""
        statuses = (rules.OPEN, rules.CLOSED)
        kinds = sorted(self.by_kind)
        (by_status, by_kind), total = rules.suppress_breakdowns(
            [[self.by_status[s] for s in statuses], [self.by_kind[k] for k in kinds]]
        )
        rows = [("Reviews", "All reviews since 1 April 2021 (and historic open)", total)]
        rows += [("Status", label.capitalize(), n) for label, n in zip(statuses, by_status, strict=True)]
        rows += [("Type of review", kind, n) for kind, n in zip(kinds, by_kind, strict=True)]
        rows.append(("Type of review", "Rapid review converted to a full review", rules.suppress(self.converted)))
        rows += [("Theme (1 to 3)", theme, rules.suppress(n)) for theme, n in sorted(self.by_theme.items())]
        return rows


@dataclass
class IcbRollup:
    icb: object
    quarter: object
    metrics: list = field(default_factory=list)  # of MetricShare
    providers: int = 0
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    cycle: object = None
    assessments: int = 0
    signed_off: int = 0
    organisations_with_gaps: int = 0
    role_gaps: int = 0
    designated_vacancies: int = 0
    tracker: Tracker = field(default_factory=Tracker)

    @property
    def has_returns(self):
        return self.submitted > 0

    @property
    def completeness(self):
        return rules.share(self.submitted, self.expected)

    @property
    def timeliness(self):
        return rules.share(self.on_time, self.expected)

    @property
    def cycle_completion(self):
        return rules.share(self.signed_off, self.assessments)

    @property
    def open_reviews_shown(self):
        return rules.suppress(self.tracker.by_status[rules.OPEN])

    @property
    def red_share(self):
        """The share of rated cells that are red, over every metric (for the regional summary)."""
        reds = sum(m.counts["red"] for m in self.metrics)
        rated = sum(m.counts["red"] + m.counts["amber"] + m.counts["green"] for m in self.metrics)
        return rules.share(reds, rated)


def rollups(icbs, quarter, today=None):
    """[IcbRollup] for every ICB of `icbs` (a scoped queryset) in `quarter`, ordered by name."""
    today = today or timezone.localdate()
    icbs = list(icbs.order_by("name"))
    result = {icb.pk: IcbRollup(icb, quarter) for icb in icbs}
    if not icbs:
        return []
    _add_returns(result, quarter, today)
    _add_cycles(result)
    _add_gaps(result)
    _add_reviews(result)
    return list(result.values())


def _add_returns(result, quarter, today):
    """Completeness, timeliness and the RAG shares per metric, counted in the database from the stored ratings:
    the same cells as the ICB's matrix (returns.reports.build_matrix), without building it provider by provider."""
    from returns.models import Metric, Return
    from returns.reports import rating_counts_by_icb, reporting_organisations

    in_icbs = Organisation.objects.filter(icb__in=list(result)).exclude(kind=OrganisationKind.ICB)
    providers = reporting_organisations(in_icbs).order_by()
    kinds = providers.values_list("icb_id", "kind").annotate(n=Count("pk"))
    returns = Return.objects.filter(archived_at__isnull=True, period=quarter.index, provider__in=providers)
    for icb_id, due, first_submitted_at in returns.values_list("provider__icb_id", "due_date", "first_submitted_at"):
        if first_submitted_at is not None:
            result[icb_id].submitted += 1
            result[icb_id].on_time += not returns_rules.is_late(due, timezone.localdate(first_submitted_at))
    counts = rating_counts_by_icb(returns, quarter)
    metrics = list(Metric.objects.filter(active=True))
    shares = {icb_id: {m.pk: MetricShare(m.code, m.title) for m in metrics} for icb_id in result}
    for icb_id, kind, n in kinds:
        result[icb_id].providers += n
        result[icb_id].expected += n
        for metric in (m for m in metrics if m.applies_to_kind(kind)):
            share = shares[icb_id][metric.pk]
            for rating in RATED:
                share.counts[rating] += counts.get((icb_id, kind, metric.pk, rating), 0)
            share.counts["none"] += n - sum(counts.get((icb_id, kind, metric.pk, r), 0) for r in RATED)
    for icb_id, rollup in result.items():
        rollup.metrics = [s for s in shares[icb_id].values() if s.applicable]


def _add_cycles(result):
    """The current (latest due) assurance cycle of each ICB and how many of its assessments are signed off."""
    from assurance.choices import AssessmentStatus
    from assurance.models import Assessment, Cycle

    latest = {}
    for cycle in Cycle.objects.filter(icb__in=list(result), archived_at__isnull=True).order_by("due_date", "pk"):
        latest[cycle.icb_id] = cycle
    counts = (
        Assessment.objects.filter(cycle__in=[c.pk for c in latest.values()])
        .values("cycle_id", "status")
        .annotate(n=Count("pk"))
    )
    by_cycle = defaultdict(Counter)
    for row in counts:
        by_cycle[row["cycle_id"]][row["status"]] += row["n"]
    for icb_id, cycle in latest.items():
        rollup = result[icb_id]
        rollup.cycle = cycle
        rollup.assessments = sum(by_cycle[cycle.pk].values())
        rollup.signed_off = by_cycle[cycle.pk][AssessmentStatus.SIGNED_OFF]


def _add_gaps(result):
    """Role gaps of the ICB's providers and partners, and vacancies in the ICB's own designated posts."""
    for found in gaps_by_organisation(Organisation.objects.filter(icb__in=list(result))):
        rollup = result[found.organisation.icb_id]
        if found.organisation.kind == OrganisationKind.ICB:
            rollup.designated_vacancies += sum(1 for gap in found.gaps if gap.role.startswith("designated_"))
            continue
        rollup.organisations_with_gaps += 1
        rollup.role_gaps += len(found.gaps)


def _add_reviews(result):
    from reviews.choices import ACTIVE_STATUSES
    from reviews.models import Review

    reviews = (
        Review.objects.filter(icb__in=list(result))
        .exclude(archived_at__isnull=False)
        .select_related("kind")
        .prefetch_related("themes")
    )
    for review in reviews:
        active = review.status in ACTIVE_STATUSES
        added = rules.date_added(review.decision_date, review.notification_date, review.initiation_date)
        if not rules.in_tracker(active, added):
            continue
        tracker = result[review.icb_id].tracker
        tracker.total += 1
        tracker.by_status[rules.tracker_status(active)] += 1
        tracker.by_kind[review.kind.name] += 1
        tracker.converted += rules.converted(review.kind.code, review.decision_outcome)
        for theme in rules.first_themes(t.name for t in review.themes.all()):
            tracker.by_theme[theme] += 1


@dataclass
class RegionSummary:
    region: object
    icbs: int = 0
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    assessments: int = 0
    signed_off: int = 0
    role_gaps: int = 0
    designated_vacancies: int = 0
    open_reviews: int = 0

    @property
    def completeness(self):
        return rules.share(self.submitted, self.expected)

    @property
    def timeliness(self):
        return rules.share(self.on_time, self.expected)

    @property
    def cycle_completion(self):
        return rules.share(self.signed_off, self.assessments)

    @property
    def open_reviews_shown(self):
        return rules.suppress(self.open_reviews)


def region_summaries(regions, rollups):
    """[RegionSummary] for `regions`, added up from the ICB roll-ups (raw counts summed, then suppressed)."""
    summaries = {region.pk: RegionSummary(region) for region in regions}
    for rollup in rollups:
        summary = summaries.get(rollup.icb.parent_id)
        if summary is None:
            continue
        summary.icbs += 1
        summary.expected += rollup.expected
        summary.submitted += rollup.submitted
        summary.on_time += rollup.on_time
        summary.assessments += rollup.assessments
        summary.signed_off += rollup.signed_off
        summary.role_gaps += rollup.role_gaps
        summary.designated_vacancies += rollup.designated_vacancies
        summary.open_reviews += rollup.tracker.by_status[rules.OPEN]
    return list(summaries.values())


def icbs_of_region(region):
    """The active ICBs of an NHS England region (unrestricted: for jobs and the report builder)."""
    return Organisation.objects.filter(parent=region, kind=OrganisationKind.ICB, archived_at__isnull=True)
