"""Read-side views of reviews: milestones, recommendation states, cross-review learning and the
NHS England quarterly notification list. Each function takes already-scoped querysets and issues a
fixed number of queries, whatever the number of rows."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch
from django.utils import timezone

from core.choices import ActionStatus
from core.models import TrackedAction
from core.spreadsheets import DATE, Column, SpreadsheetWriter
from core.working_calendars import Calendars
from reviews import conf, rules
from reviews.choices import ACTIVE_STATUSES
from reviews.models import Contribution, Involvement, LearningEntry, MilestoneRule, Recommendation, Review


def with_rules(reviews):
    """Reviews with their kind's milestone rules prefetched."""
    return reviews.select_related("kind", "lead_partnership").prefetch_related(
        Prefetch("kind__milestone_rules", queryset=MilestoneRule.objects.order_by("order", "pk"))
    )


def milestones_for(review, calendar, today):
    return rules.milestones(
        [r.as_rule() for r in review.kind.milestone_rules.all()],
        review.dates(),
        calendar,
        today,
        soon_working_days=conf.setting("REVIEWS_REMINDER_WORKING_DAYS"),
    )


@dataclass
class ReviewMilestone:
    review: Review
    milestone: rules.Milestone


def milestone_rows(reviews, today, states=None):
    """(review, milestone) for every active review; only `states` when given."""
    calendars = Calendars()
    rows = []
    for review in with_rules(reviews.filter(archived_at__isnull=True, status__in=ACTIVE_STATUSES)):
        for milestone in milestones_for(review, calendars[review.icb_id], today):
            if states is None or milestone.state in states:
                rows.append(ReviewMilestone(review, milestone))
    rows.sort(key=lambda row: (row.milestone.due or dt.date.max, row.review.pk))
    return rows


# --- Recommendations and their actions ----------------------------------------------------


def actions_of(recommendations):
    """Tracked actions of these recommendations (unscoped: use for closure, not for display)."""
    content_type = ContentType.objects.get_for_model(Recommendation)
    return TrackedAction.objects.filter(
        source_type=content_type, source_id__in=[r.pk for r in recommendations], archived_at__isnull=True
    )


@dataclass
class RecommendationState:
    recommendation: Recommendation
    actions: list  # the actions the viewer may see
    closed: bool
    verified: int
    total: int


def recommendation_states(recommendations, user):
    """Each recommendation with its visible actions and whether it is closed (every action verified)."""
    recommendations = list(recommendations.prefetch_related("organisations"))
    statuses = defaultdict(list)
    for source_id, status in actions_of(recommendations).values_list("source_id", "status"):
        statuses[source_id].append(status)
    visible = defaultdict(list)
    for action in actions_of(recommendations).restrict(user).select_related("organisation"):
        visible[action.source_id].append(action)
    return [
        RecommendationState(
            recommendation=r,
            actions=visible[r.pk],
            closed=rules.recommendation_closed(statuses[r.pk]),
            verified=statuses[r.pk].count(ActionStatus.VERIFIED),
            total=len(statuses[r.pk]),
        )
        for r in recommendations
    ]


def outstanding_by_organisation(reviews, user):
    """[(organisation name, number of actions not yet verified)], most first."""
    recommendations = Recommendation.objects.filter(review__in=reviews, archived_at__isnull=True)
    return list(
        actions_of(list(recommendations.only("pk")))
        .restrict(user)
        .exclude(status=ActionStatus.VERIFIED)
        .values("organisation__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "organisation__name")
        .values_list("organisation__name", "count")
    )


# --- Themes ---------------------------------------------------------------------------------


def review_year(review_dates, created_at):
    """The year a review counts in: its notification date, else its incident date, else when it was recorded."""
    day = review_dates.get("notification") or review_dates.get("incident") or timezone.localdate(created_at)
    return day.year


def themes_by_year(reviews):
    """({theme: {year: count}}, [years], {theme: total}): how often each theme arose, per year."""
    counts = defaultdict(Counter)
    for name, notification, incident, created_at in reviews.filter(
        archived_at__isnull=True, themes__isnull=False
    ).values_list("themes__name", "notification_date", "incident_date", "created_at"):
        year = review_year({"notification": notification, "incident": incident}, created_at)
        counts[name][year] += 1
    years = sorted({year for per_year in counts.values() for year in per_year})
    totals = {name: sum(per_year.values()) for name, per_year in counts.items()}
    ordered = dict(sorted(counts.items(), key=lambda item: (-totals[item[0]], item[0])))
    return ordered, years, totals


# --- Contributions --------------------------------------------------------------------------


def contributions_for(review, user):
    return (
        Contribution.objects.restrict(user)
        .filter(involvement__review=review, archived_at__isnull=True)
        .select_related("involvement__organisation")
        .order_by("involvement__organisation__name", "due_date", "pk")
    )


def involvements_for(review, user):
    return (
        Involvement.objects.restrict(user)
        .filter(review=review, archived_at__isnull=True)
        .select_related("organisation")
    )


def learning_for(review, user):
    return LearningEntry.objects.restrict(user).filter(review=review, archived_at__isnull=True)


# --- NHS England quarterly notification list [CPCCG 8.2] -----------------------------------

REVIEW_PART_MODELS = ("review", "involvement", "contribution", "recommendation", "learningentry")


@dataclass
class NotificationRow:
    review: Review
    opened: bool
    changed: bool

    @property
    def what(self):
        return "Opened" if self.opened else "Changed"


def notification_list(reviews, year, quarter):
    """Every review opened (notified, or recorded in Vigil) or changed in the financial quarter."""
    start, end = rules.quarter_bounds(year, quarter)
    reviews = reviews.filter(archived_at__isnull=True)
    icb_ids = set(reviews.order_by().values_list("icb_id", flat=True).distinct())
    content_types = ContentType.objects.filter(app_label="reviews", model__in=REVIEW_PART_MODELS)
    changed_ids = set()
    entries = LogEntry.objects.filter(
        content_type__in=content_types,
        timestamp__date__gte=start,
        timestamp__date__lte=end,
        action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE],
    )
    for icb_id in icb_ids:
        for data in entries.filter(icb_stamp__icb_id=icb_id).values_list("additional_data", flat=True):
            if isinstance(data, dict) and data.get("review"):
                changed_ids.add(int(data["review"]))
    # Progress on a recommendation's actions (completed, verified...) is a change to the review too.
    action_ids = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(TrackedAction),
        timestamp__date__gte=start,
        timestamp__date__lte=end,
        action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE],
    ).values("object_id")
    recommendation_ids = TrackedAction.objects.filter(
        pk__in=action_ids, source_type=ContentType.objects.get_for_model(Recommendation)
    ).values("source_id")
    changed_ids.update(
        Recommendation.objects.filter(pk__in=recommendation_ids, review__in=reviews).values_list("review_id", flat=True)
    )
    rows = []
    for review in reviews.select_related("kind", "lead_partnership").prefetch_related("themes").order_by("pk"):
        notified = review.notification_date and start <= review.notification_date <= end
        recorded = start <= timezone.localdate(review.created_at) <= end
        opened = bool(notified or recorded)
        changed = review.pk in changed_ids
        if opened or changed:
            rows.append(NotificationRow(review, opened, changed))
    return rows


XLSX_COLUMNS = [
    Column("Reference", 14),
    Column("Kind", 40),
    Column("Subject (pseudonymous)", 22),
    Column("Lead partnership", 40),
    Column("Status", 22),
    Column("Opened or changed", 16),
    Column("Incident", 12, DATE),
    Column("Notification", 12, DATE),
    Column("Decision", 12, DATE),
    Column("Initiation", 12, DATE),
    Column("Completed or published", 14, DATE),
    Column("Themes", 40, wrap=True),
]


def notification_xlsx(rows, title):
    """The quarterly notification list as an XLSX workbook (bytes)."""
    writer = SpreadsheetWriter()
    table = writer.table("Reviews", XLSX_COLUMNS, title=title)
    for row in rows:
        review = row.review
        table.append(
            [
                review.reference,
                review.kind.name,
                review.subject_reference,
                review.lead_partnership.name if review.lead_partnership else "",
                review.get_status_display(),
                row.what,
                review.incident_date,
                review.notification_date,
                review.decision_date,
                review.initiation_date,
                review.publication_date,
                ", ".join(theme.name for theme in review.themes.all()),
            ]
        )
    return writer.to_bytes()


# --- For the reporting app's reports ------------------------------------------------------


@dataclass
class ReviewSummary:
    opened: int  # notified (else initiated) within the period
    open_reviews: int
    milestones_met: int  # met on time, due in the period
    milestones_missed: int  # met late or overdue, due in the period
    missed: list  # [ReviewMilestone] missed, due in the period
    recommendations: int
    recommendations_closed: int  # every action verified
    themes: list  # [(theme, reviews)] most first


def icb_review_summary(icb_id, start, end, as_at):
    """`review_summary` of one ICB's reviews (for jobs and the report builder)."""
    return review_summary(Review.objects.filter(icb_id=icb_id), start, end, as_at)


def review_summary(reviews, start, end, as_at):
    """Statutory reviews of a report's period, counted as at `as_at` (a date): opened in the period, open then,
    milestones due in the period met or missed, recommendations and how many are closed, and learning themes
    (a fixed number of queries)."""
    reviews = reviews.filter(archived_at__isnull=True)
    opened = 0
    for notification, initiation, created_at in reviews.values_list(
        "notification_date", "initiation_date", "created_at"
    ):
        day = notification or initiation or timezone.localdate(created_at)
        opened += start <= day <= end and day <= as_at
    rows = [row for row in milestone_rows(reviews, as_at) if row.milestone.due and start <= row.milestone.due <= end]
    met = [row for row in rows if row.milestone.state == rules.MET]
    missed = [row for row in rows if row.milestone.state in (rules.MET_LATE, rules.OVERDUE)]
    recommendations = list(Recommendation.objects.filter(review__in=reviews, archived_at__isnull=True).only("pk"))
    statuses = defaultdict(list)
    for source_id, status in actions_of(recommendations).values_list("source_id", "status"):
        statuses[source_id].append(status)
    themes = Counter(reviews.filter(themes__isnull=False).values_list("themes__name", flat=True))
    return ReviewSummary(
        opened=opened,
        open_reviews=reviews.filter(status__in=ACTIVE_STATUSES).count(),
        milestones_met=len(met),
        milestones_missed=len(missed),
        missed=missed,
        recommendations=len(recommendations),
        recommendations_closed=sum(rules.recommendation_closed(statuses[r.pk]) for r in recommendations),
        themes=sorted(themes.items(), key=lambda item: (-item[1], item[0])),
    )
