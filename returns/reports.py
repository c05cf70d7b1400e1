"""Reading returns from the database into the pure rules: entries, schemes in force, ratings, the matrix.

Every function takes querysets already restricted by the caller (pages, API, report, jobs) and runs a
fixed number of queries, whatever the number of providers or metrics.

Ratings are stored once (returns/ratings.py writes them): the matrix, home panels, trends, the report and the API read
them with `stored_ratings` and never re-rate. `rate_versions` and `apply_judgements` compute a rating afresh from the
rules; they remain the reference the stored ratings are tested against (returns/tests/test_stored_ratings.py).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from core.models import working_calendar, working_calendars  # noqa: F401 - working_calendar: quarterly_report reads it here
from organisations.choices import PROVIDER_KINDS, OrganisationKind
from returns import catalogue, conf, rules, signal_metrics
from returns.choices import JUDGEABLE_STATUSES, ReturnStatus
from returns.models import (
    BreakdownValue,
    JudgedMetric,
    JudgedRating,
    Metric,
    MetricScheme,
    MetricValue,
    Return,
    ReturnVersion,
    ThresholdOverride,
    ValidationRule,
)

REPORTING_KINDS = PROVIDER_KINDS | {OrganisationKind.ICB}


def rule_settings():
    return {rule.code: rule.as_setting() for rule in ValidationRule.objects.all()}


def entry_from_value(value):
    """A stored MetricValue (breakdown prefetched) as a rules.Entry."""
    breakdown = defaultdict(dict)
    for row in value.breakdown.all():
        breakdown[row.dimension][row.category] = (_dec(row.numerator), _dec(row.denominator))
    return rules.Entry(
        numerator=_dec(value.numerator),
        denominator=_dec(value.denominator),
        date_value=value.date_value,
        explanation=value.explanation,
        breakdown=dict(breakdown),
    )


def _dec(number):
    return None if number is None else Decimal(number)


def entries_of(version):
    values = MetricValue.objects.filter(version=version).select_related("metric").prefetch_related("breakdown")
    return {v.metric.code: entry_from_value(v) for v in values}


def prefilled_codes(version):
    """{metric code: where it was prefilled from} for the version's figures Vigil filled in and the
    provider has not changed since (e.g. ESC from the escalations register)."""
    if version is None:
        return {}
    values = MetricValue.objects.filter(version=version).exclude(prefilled_from="").select_related("metric")
    return {v.metric.code: v.prefilled_from for v in values}


def working_version(return_obj):
    return return_obj.versions.order_by("-number").first()


def lock_with_working_version(return_id):
    """(the return, locked for update, with its provider; its working version) in one query (two for a return
    without a version, which is only ever a half-made one). When the lock had to wait for another transaction that
    changed the return, the return read is the changed one but the version is as the query first saw it: a caller
    checks the return's record version (edit_stamp does), which every change of figures or status bumps."""
    version = (
        ReturnVersion.objects.select_for_update(of=("return_obj",))
        .select_related("return_obj__provider")
        .filter(return_obj_id=return_id)
        .order_by("-number")
        .first()
    )
    if version is None:
        return Return.objects.select_for_update(of=("self",)).select_related("provider").get(pk=return_id), None
    return version.return_obj, version


@dataclass
class WorkingFigures:
    """A return's working version and its values, each with its metric and breakdown rows (by dimension and
    category), in metric code order: what `edit_stamp` digests and what a save of figures starts from."""

    version: ReturnVersion | None
    values: list


def working_figures(return_obj, *, version=None):
    """Three queries (two when the version has no values); one fewer with the working `version` read already."""
    version = version or working_version(return_obj)
    rows = BreakdownValue.objects.order_by("dimension", "category")
    values = (
        MetricValue.objects.filter(version=version)
        .select_related("metric")
        .prefetch_related(Prefetch("breakdown", queryset=rows))
        .order_by("metric__code")
    )
    return WorkingFigures(version, list(values))


def edit_stamp(return_obj, *, working=None):
    """The return's editable state as a short string, written into its XLSX template: an upload whose stamp
    differs from the current one is refused (the return changed since the template was made).

    The one place that decides what "changed" means: a digest of the return's record version (every save of
    its figures, evidence or status makes a new one, see core.versioning), its status, the working version's
    number and every stored figure, read from the database (never from a copy in memory). `working`: the
    return's working figures read in this transaction with `return_obj`, under the return's lock (the XLSX
    import, which saves from them next); otherwise both are read here.
    """
    if working is None:
        working = working_figures(return_obj)
        record_version = Return.objects.filter(pk=return_obj.pk).values_list("version", flat=True).first()
    else:
        record_version = return_obj.version
    version = working.version
    values = [
        (v.pk, v.metric.code, v.numerator, v.denominator, v.date_value, v.explanation, v.prefilled_from)
        for v in working.values
    ]
    rows = [
        (r.value_id, r.dimension, r.category, r.numerator, r.denominator)
        for v in sorted(working.values, key=lambda v: v.pk)
        for r in v.breakdown.all()
    ]
    state = [return_obj.pk, record_version, str(return_obj.status), version.number if version else None]
    state += [values, rows]
    return hashlib.sha256(repr(state).encode()).hexdigest()[:20]


def latest_submitted_versions(returns, as_at=None):
    """{return id: the latest submitted version} (one query); with `as_at` (a datetime), the latest submitted by
    then (a report "as at" a date does not count what came in after it)."""
    by_id = {r.pk: r for r in returns}
    latest = {}
    versions = ReturnVersion.objects.filter(return_obj__in=list(by_id), submitted_at__isnull=False)
    if as_at is not None:
        versions = versions.filter(submitted_at__lte=as_at)
    for version in versions.order_by("number"):
        version.return_obj = by_id[version.return_obj_id]  # reuse the fetched return: no query per row
        latest[version.return_obj_id] = version
    return latest


def previous_entries(return_obj):
    """The figures of the provider's previous quarter (its latest submitted version), for the change rule."""
    version = (
        ReturnVersion.objects.filter(
            return_obj__provider_id=return_obj.provider_id,
            return_obj__period=return_obj.period - 1,
            submitted_at__isnull=False,
        )
        .order_by("-number")
        .first()
    )
    return entries_of(version) if version else {}


# ------------------------------------------------------------------------------------------------ schemes


class SchemeBook:
    """The schemes in force: catalogue defaults, and per-contract overrides with effective-from quarters.

    Built once for a set of providers (two queries), then asked per (provider, metric, quarter)."""

    def __init__(self, provider_ids, metrics=None):
        self.gap = conf.multi_agency_gap_rating()
        self.metrics = {m.pk: m for m in (metrics if metrics is not None else Metric.objects.all())}
        self.defaults = {pk: rules.Scheme.from_dict(m.scheme, gap_rating=self.gap) for pk, m in self.metrics.items()}
        self.history = defaultdict(list)  # dated catalogue defaults
        for dated in MetricScheme.objects.filter(metric_id__in=list(self.metrics)):
            scheme = rules.Scheme.from_dict(dated.scheme, gap_rating=self.gap)
            self.history[dated.metric_id].append((dated.effective_from, dated.pk, scheme))
        self.overrides = defaultdict(list)
        for override in ThresholdOverride.objects.filter(
            contract__provider_id__in=provider_ids, archived_at__isnull=True
        ).select_related("contract"):
            self.overrides[(override.contract.provider_id, override.metric_id)].append(override)
        self._parsed = {}

    def scheme(self, provider_id, metric_id, quarter):
        return self.scheme_and_source(provider_id, metric_id, quarter)[0]

    def scheme_and_source(self, provider_id, metric_id, quarter):
        """(scheme, ThresholdOverride id or None, MetricScheme id or None): the scheme in force and where from."""
        candidates = []
        for override in self.overrides.get((provider_id, metric_id), ()):
            contract = override.contract
            if contract.start_date <= quarter.end and contract.end_date >= quarter.start:
                if override.pk not in self._parsed:
                    self._parsed[override.pk] = rules.Scheme.from_dict(override.scheme, gap_rating=self.gap)
                candidates.append((override.effective_from, override.pk, (self._parsed[override.pk], override.pk)))
        if candidates:  # a contract's own thresholds win over the catalogue's default
            found = rules.scheme_in_force(None, candidates, quarter.index)
            if found is not None:
                return found[0], found[1], None
        return self._default(metric_id, quarter)

    def default(self, metric_id, quarter):
        return self._default(metric_id, quarter)[0]

    def _default(self, metric_id, quarter):
        dated = [(start, pk, (scheme, pk)) for start, pk, scheme in self.history.get(metric_id, ())]
        found = rules.scheme_in_force(None, dated, quarter.index)
        return (found[0], None, found[1]) if found else (self.defaults[metric_id], None, None)


@dataclass
class Rated:
    metric: Metric
    value: MetricValue | None
    rating: str
    pct: object = None
    target_met: bool | None = None
    scheme: rules.Scheme | None = None
    combined: rules.Combined | None = None  # set when a judged metric caps this one (see apply_judgements)
    judged_by: JudgedMetric | None = None

    @property
    def numeric_rating(self):
        return self.combined.numeric if self.combined else self.rating

    @property
    def driven_by(self):
        """Which part set the rating, in words, for a combined cell (None for a number-only metric)."""
        if self.combined is None:
            return None
        if self.combined.to_rate:
            return f"number only: evidence ({self.judged_by.code}) to rate"
        return {
            rules.NUMBER: "the number",
            rules.JUDGEMENT: f"the judgement of evidence ({self.judged_by.code})",
            rules.BOTH: f"the number and the judgement ({self.judged_by.code})",
        }[self.combined.driver]

    @property
    def display(self):
        value, unit = self.value, self.metric.unit
        if value is None:
            return "–"
        if unit == "percentage":
            if self.pct is None:
                return "n/a" if value.numerator is not None else "–"
            return f"{float(self.pct):.1f}%"
        if unit == "yes_no":
            return {1: "Yes", 0: "No"}.get(value.numerator, "–")
        if unit == "date":
            return f"{value.date_value:%d %b %Y}" if value.date_value else "–"
        return "–" if value.numerator is None else str(signal_metrics.shown(self.metric, value.numerator))

    @property
    def shown_numerator(self):
        """The numerator as it may be read (signals counts of 1 to 4 suppressed: returns.signal_metrics)."""
        return None if self.value is None else signal_metrics.shown(self.metric, self.value.numerator)


def rate_value(metric, value, scheme, quarter, broken=None):
    """Rate one stored value. `broken` (the dimensions it is broken down by) is read from its breakdown rows
    when not given."""
    if value is None:
        return Rated(metric, None, rules.NONE, scheme=scheme)
    if broken is None:
        broken = frozenset(row.dimension for row in value.breakdown.all() if row.numerator is not None)
    rating = rules.rate(
        scheme,
        unit=metric.unit,
        numerator=value.numerator,
        denominator=value.denominator,
        date_value=value.date_value,
        broken_down_by=broken,
        quarter=quarter,
    )
    pct = rules.percentage(value.numerator, value.denominator) if metric.unit == "percentage" else None
    return Rated(metric, value, rating, pct, rules.target_met(scheme, value.numerator, value.denominator), scheme)


def rate_versions(versions, book, metrics):
    """{version id: {metric code: Rated}} for submitted versions (values, and which dimensions each value is
    broken down by, in two queries: the breakdown rows themselves are not loaded)."""
    by_version = defaultdict(dict)
    ids = [v.pk for v in versions]
    value_ids = []
    for value in MetricValue.objects.filter(version__in=ids):
        by_version[value.version_id][value.metric_id] = value
        value_ids.append(value.pk)
    broken = defaultdict(set)
    for start in range(0, len(value_ids), 20000):
        for value_id, dimension in BreakdownValue.objects.filter(
            value_id__in=value_ids[start : start + 20000], numerator__isnull=False
        ).values_list("value_id", "dimension"):
            broken[value_id].add(dimension)
    result = {}
    for version in versions:
        ret = version.return_obj
        quarter = ret.quarter
        result[version.pk] = {
            m.code: _rate(
                m, by_version[version.pk].get(m.pk), book.scheme(ret.provider_id, m.pk, quarter), quarter, broken
            )
            for m in metrics
            if m.applies_to_kind(ret.provider.kind)
        }
    return result


def _rate(metric, value, scheme, quarter, broken):
    return rate_value(metric, value, scheme, quarter, frozenset(broken.get(value.pk, ())) if value else None)


LEAN_VALUE_FIELDS = (
    "id",
    "version_id",
    "metric_id",
    "numerator",
    "denominator",
    "date_value",
    "numeric_rating",
    "rating",
    "judged_rating",
    "rating_driver",
    "capped_by_id",
    "target_met",
)


class StoredValue:
    """A stored value as a matrix reads it: its figures and stored ratings, without a model instance (building
    thousands of those dominated the matrix page's time)."""

    __slots__ = (*LEAN_VALUE_FIELDS, "capped_by")

    def __init__(self, row, judged_by_pk):
        (
            self.id,
            self.version_id,
            self.metric_id,
            self.numerator,
            self.denominator,
            self.date_value,
            self.numeric_rating,
            self.rating,
            self.judged_rating,
            self.rating_driver,
            self.capped_by_id,
            self.target_met,
        ) = row
        self.capped_by = judged_by_pk.get(self.capped_by_id) if self.capped_by_id else None

    @property
    def pk(self):
        return self.id


def _lean_values(values, judged_by_pk):
    rows = list(values.values_list(*LEAN_VALUE_FIELDS))
    capped = LEAN_VALUE_FIELDS.index("capped_by_id")
    stale = {row[capped] for row in rows if row[capped]} - set(judged_by_pk)
    if stale:  # a judged metric retired since these were rated (until the re-rating job runs): one more query
        judged_by_pk = judged_by_pk | {j.pk: j for j in JudgedMetric.objects.filter(pk__in=stale)}
    return [StoredValue(row, judged_by_pk) for row in rows]


def stored_ratings(versions, metrics, *, judged_ids=None, with_schemes=False, judged_metrics=None):
    """{version id: {metric code: Rated}} from the stored ratings (one query, whatever the number of versions).
    The combined rating (capped by a judgement) is shown for the returns in `judged_ids` (None: every return), the
    numeric rating otherwise (a provider sees judgements once its return is accepted). `with_schemes` also reads the
    scheme that produced each rating (the drill-down shows it) and the breakdown rows. `judged_metrics` (the active
    judged metrics, already fetched by the caller) makes the read lean: only the fields a matrix shows, no join."""
    by_version = defaultdict(dict)
    values = MetricValue.objects.filter(version__in=[v.pk for v in versions])
    if judged_metrics is not None and not with_schemes:
        values = _lean_values(values, {j.pk: j for j in judged_metrics})
    else:
        values = values.select_related("capped_by")
    if with_schemes:  # one return's page or API detail: its schemes and breakdown rows too (two more queries)
        values = values.select_related("scheme_default", "scheme_override").prefetch_related("breakdown")
    for value in values:
        by_version[value.version_id][value.metric_id] = value
    gap = conf.multi_agency_gap_rating() if with_schemes else None
    result = {}
    for version in versions:
        ret = version.return_obj
        visible = judged_ids is None or ret.pk in judged_ids
        result[version.pk] = {
            m.code: _stored(m, by_version[version.pk].get(m.pk), visible, gap)
            for m in metrics
            if m.applies_to_kind(ret.provider.kind)
        }
    return result


def _stored(metric, value, visible, gap):
    if value is None:
        return Rated(metric, None, rules.NONE)
    pct = rules.percentage(value.numerator, value.denominator) if metric.unit == "percentage" else None
    numeric = value.numeric_rating or rules.NONE
    rated = Rated(metric, value, numeric, pct, value.target_met)
    if visible and value.capped_by_id:
        judged = value.judged_rating or None
        rated.rating = value.rating or numeric
        rated.combined = rules.Combined(rated.rating, numeric, judged, value.rating_driver, judged is None)
        rated.judged_by = value.capped_by
    if gap is not None:
        source = value.scheme_override or value.scheme_default
        rated.scheme = rules.Scheme.from_dict(source.scheme if source else metric.scheme, gap_rating=gap)
    return rated


@dataclass
class AuthorityTable:
    """A return's figures by local authority (issue 17 item 3: the children-in-care measures per provider and local
    authority; escalations too): one row per local authority (the ICB's, then "other or out of area"), one column per
    metric broken down by local authority. Shown, not rated: the rating stays on the provider's total."""

    metrics: list
    rows: list  # [(label, [cell text per metric])]


def by_local_authority(version, metrics, authorities):
    """The AuthorityTable of `version` for the `metrics` it asks for that are broken down by local authority (one
    query), or None when no such figure has a breakdown yet."""
    metrics = [m for m in metrics if "local_authority" in m.breakdowns]
    if version is None or not metrics:
        return None
    figures = {
        (code, category): (num, den)
        for code, category, num, den in BreakdownValue.objects.filter(
            value__version=version, dimension="local_authority", value__metric__in=metrics
        ).values_list("value__metric__code", "category", "numerator", "denominator")
    }
    if not figures:
        return None
    metrics = [m for m in metrics if any(code == m.code for code, _ in figures)]
    rows = [
        (label, [_authority_cell(m, figures.get((m.code, category))) for m in metrics])
        for category, label in catalogue.categories("local_authority", authorities)
    ]
    return AuthorityTable(metrics, rows)


def _authority_cell(metric, figure):
    if figure is None or figure[0] is None:
        return "–"
    num, den = figure
    if metric.unit != "percentage":
        return str(num)
    pct = rules.percentage(num, den)
    return f"{num} / {den}" + ("" if pct is None else f" ({float(pct):.1f}%)")


# ----------------------------------------------------------------------------------------- judged metrics


@dataclass
class JudgedCell:
    """One judged metric for one return: the ICB's rating in force, or to rate once the return is submitted."""

    judged_metric: JudgedMetric
    judgement: JudgedRating | None
    submitted: bool = True

    @property
    def rating(self):
        return self.judgement.rating if self.judgement else rules.NONE

    @property
    def to_rate(self):
        return self.submitted and self.judgement is None

    @property
    def display(self):
        if self.judgement:
            return self.judgement.get_rating_display()
        return "To rate" if self.submitted else "–"


def judgeable(returns, versions):
    """Ids of the returns whose judged metrics are rated now: submitted or accepted, with a submitted version."""
    return {r.pk for r in returns if r.status in JUDGEABLE_STATUSES and r.pk in versions}


def judgements_visible(user, return_obj):
    """The ICB sees its judgements as it makes them; the provider once the return is accepted."""
    from core.choices import ICB_ROLES

    return user.role in ICB_ROLES or return_obj.status == ReturnStatus.ACCEPTED


def active_judged_metrics():
    return list(JudgedMetric.objects.filter(active=True))


def current_judgements(return_ids):
    """{(return id, judged metric id): the judgement in force (highest revision)} in one query."""
    current = {}
    for judgement in JudgedRating.objects.filter(return_obj__in=list(return_ids)).order_by("revision"):
        current[(judgement.return_obj_id, judgement.judged_metric_id)] = judgement
    return current


def judged_cells(returns, judged_metrics, *, submitted_ids):
    """{return id: {judged code: JudgedCell}} for `returns` (one query). The capping of the figures is stored with
    their ratings (returns.ratings): nothing is re-rated here."""
    return apply_judgements(returns, {}, judged_metrics, submitted_ids=submitted_ids)


def apply_judgements(returns, rated, judged_metrics, *, submitted_ids):
    """{return id: {judged code: JudgedCell}} for `returns`; caps the numeric cells in `rated` ({return id:
    {metric code: Rated}}) that a judged metric names, from the same rule (rules.combine) everywhere."""
    judgements = current_judgements(r.pk for r in returns)
    cap = conf.judged_caps()
    cells = {}
    for ret in returns:
        kind = ret.provider.kind
        submitted = ret.pk in submitted_ids
        mine = {}
        for judged in judged_metrics:
            if not judged.applies_to_kind(kind):
                continue
            judgement = judgements.get((ret.pk, judged.pk))
            mine[judged.code] = JudgedCell(judged, judgement, submitted)
            for code in judged.caps if submitted else ():
                cell = rated.get(ret.pk, {}).get(code)
                if cell is not None and cell.value is not None:
                    cell.combined = rules.combine(cell.rating, judgement.rating if judgement else None, cap=cap)
                    cell.rating, cell.judged_by = cell.combined.rating, judged
        cells[ret.pk] = mine
    return cells


# ------------------------------------------------------------------------------------------------- matrix


@dataclass
class Row:
    provider: object
    return_obj: Return | None
    due_date: object
    cells: dict = field(default_factory=dict)  # metric code -> Rated (or None when the metric does not apply)
    status: str = "missing"
    judged: dict = field(default_factory=dict)  # judged metric code -> JudgedCell (or None when it does not apply)

    def _all_cells(self):
        return [*self.cells.values(), *self.judged.values()]

    @property
    def reds(self):
        return sum(1 for c in self._all_cells() if c and c.rating == rules.RED)

    @property
    def ambers(self):
        return sum(1 for c in self._all_cells() if c and c.rating == rules.AMBER)

    @property
    def to_rate(self):
        return sum(1 for c in self.judged.values() if c and c.to_rate)


@dataclass
class Matrix:
    quarter: rules.Quarter
    metrics: list
    rows: list
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    judged_metrics: list = field(default_factory=list)

    @property
    def to_rate(self):
        """Judged metrics of submitted returns the ICB has not rated yet."""
        return sum(row.to_rate for row in self.rows)

    @property
    def completeness(self):
        return _pct(self.submitted, self.expected)

    @property
    def timeliness(self):
        return _pct(self.on_time, self.expected)


def _pct(part, whole):
    return round(100 * part / whole) if whole else None


def reporting_organisations(organisations, kind=None):
    queryset = organisations.filter(kind__in=REPORTING_KINDS, archived_at__isnull=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name")


def build_matrix(organisations, returns, quarter, *, kind=None, sort="", today=None, icb_id=None, as_at=None):
    """Providers × metrics for one quarter, with completeness (returns submitted of returns expected) and
    timeliness (submitted on or before the due date, of returns expected). With `as_at` (an aware datetime), the
    matrix as it stood then: a return first submitted later counts as not submitted, and only versions submitted
    by then are rated (their stored ratings; judgements are as they stand now)."""
    today = today or (timezone.localdate(as_at) if as_at else timezone.localdate())
    providers = list(reporting_organisations(organisations, kind))
    metrics = list(Metric.objects.filter(active=True))
    by_pk = {p.pk: p for p in providers}
    returns = {r.provider_id: r for r in returns.filter(period=quarter.index, provider__in=list(by_pk))}
    for ret in returns.values():
        ret.provider = by_pk[ret.provider_id]  # fetched above: no second instance per provider
    versions = latest_submitted_versions(list(returns.values()), as_at=as_at)
    judged_metrics = active_judged_metrics()
    rated = stored_ratings(list(versions.values()), metrics, judged_metrics=judged_metrics) if versions else {}
    judged = judged_cells(list(returns.values()), judged_metrics, submitted_ids=judgeable(returns.values(), versions))
    icb_ids = {p.icb_id for p in providers} | ({icb_id} if icb_id else set())
    calendars = working_calendars(icb_ids)  # one query however many ICBs
    matrix = Matrix(quarter, metrics, [], judged_metrics=judged_metrics)
    for provider in providers:
        ret = returns.get(provider.pk)
        due = ret.due_date if ret else rules.due_date(quarter, calendars[provider.icb_id], conf.due_working_days())
        version = versions.get(ret.pk) if ret else None
        cells = rated.get(version.pk, {}) if version else {}
        row = Row(provider, ret, due)
        row.cells = {m.code: cells.get(m.code) if m.applies_to_kind(provider.kind) else None for m in metrics}
        mine = judged.get(ret.pk, {}) if ret else {}
        row.judged = {j.code: mine.get(j.code) if j.applies_to_kind(provider.kind) else None for j in judged_metrics}
        if version is None:
            for m in metrics:
                if m.applies_to_kind(provider.kind):
                    row.cells[m.code] = Rated(m, None, rules.NONE)
        submitted_on = ret.submitted_on if ret else None
        if as_at is not None and ret is not None and ret.first_submitted_at and ret.first_submitted_at > as_at:
            submitted_on = None  # came in after the "as at" time
        if submitted_on is not None:
            matrix.submitted += 1
            row.status = "late" if rules.is_late(due, submitted_on) else "on time"
            matrix.late += row.status == "late"
            matrix.on_time += row.status == "on time"
        elif rules.is_missing(due, None, today):
            row.status = "missing"
            matrix.missing += 1
        else:
            row.status = "not yet due"
        if ret is not None and ret.status == ReturnStatus.RETURNED:
            row.status += " (returned for correction)"
        matrix.expected += 1
        matrix.rows.append(row)
    matrix.rows = sort_rows(matrix.rows, sort)
    return matrix


def _latest_submitted_values(returns, as_at=None):
    """The values of each of `returns`' latest submitted version (submitted by `as_at` when given)."""
    from django.db.models import OuterRef, Subquery

    submitted = ReturnVersion.objects.filter(
        return_obj_id=OuterRef("version__return_obj_id"), submitted_at__isnull=False
    )
    if as_at is not None:
        submitted = submitted.filter(submitted_at__lte=as_at)
    latest = submitted.order_by("-number").values("pk")[:1]
    return MetricValue.objects.filter(
        version__return_obj__in=returns.values("pk"), version__submitted_at__isnull=False
    ).filter(version_id=Subquery(latest))


def stored_rating_counts(returns, quarters, metrics, as_at=None):
    """{(quarter index, metric id, rating): providers} over `quarters`, from the stored (combined) ratings of each
    return's latest submitted version (submitted by `as_at` when given): one query for every quarter of a report's
    trends."""
    from django.db.models import Count

    rows = (
        _latest_submitted_values(returns.filter(period__in=[q.index for q in quarters]), as_at)
        .filter(metric__in=[m.pk for m in metrics], rating__in=(rules.RED, rules.AMBER, rules.GREEN))
        .values_list("version__return_obj__period", "metric_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(period, metric_id, rating): n for period, metric_id, rating, n in rows}


def rating_counts_by_icb(returns, quarter):
    """{(ICB id, provider kind, metric id, rating): providers} in `quarter`, from the stored (combined) ratings of
    each return's latest submitted version: the matrix's cells counted in the database (NHS England's roll-ups),
    one query whatever the number of ICBs and providers. The kind lets the caller keep only the metrics that apply
    to the provider's kind now, as the matrix does."""
    from django.db.models import Count

    rows = (
        _latest_submitted_values(returns.filter(period=quarter.index))
        .filter(rating__in=(rules.RED, rules.AMBER, rules.GREEN))
        .values_list(
            "version__return_obj__provider__icb_id", "version__return_obj__provider__kind", "metric_id", "rating"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(icb_id, kind, metric_id, rating): n for icb_id, kind, metric_id, rating, n in rows}


def sort_rows(rows, sort):
    """Sort by provider name (default), by 'reds' (most red first) or by a metric code (worst first)."""
    if sort == "reds":
        return sorted(rows, key=lambda r: (-r.reds, -r.ambers, r.provider.name))
    if sort:
        order = {rules.RED: 0, rules.AMBER: 1, rules.GREEN: 2, rules.NONE: 3}

        def key(row):
            cell = row.cells.get(sort) or row.judged.get(sort)
            return (order[cell.rating] if cell else 4, row.provider.name)

        return sorted(rows, key=key)
    return sorted(rows, key=lambda r: r.provider.name)


def trend(provider, returns, quarters, metrics, *, user):
    """{metric code: [(quarter, Rated or None)]} over `quarters` for one provider, as `user` may see it."""
    return trend_with_judgements(provider, returns, quarters, metrics, user=user)[0]


def trend_with_judgements(provider, returns, quarters, metrics, *, user):
    """({metric code: [(quarter, Rated or None)]}, {judged code: [(quarter, JudgedCell or None)]}). Judgements
    cap the figures only where `user` may see them (a provider: once the return is accepted); `user=None` is the
    ICB's own view (reports and jobs)."""
    returns = list(returns.filter(provider=provider, period__in=[q.index for q in quarters]).select_related("provider"))
    versions = latest_submitted_versions(returns)
    visible = [r for r in returns if user is None or judgements_visible(user, r)]
    rated = stored_ratings(list(versions.values()), metrics, judged_ids={r.pk for r in visible}) if versions else {}
    rated_by_return = {ret_id: rated.get(version.pk, {}) for ret_id, version in versions.items()}
    judged_metrics = [j for j in active_judged_metrics() if j.applies_to_kind(provider.kind)]
    judged = judged_cells(visible, judged_metrics, submitted_ids=judgeable(returns, versions))
    by_period = {r.period: rated_by_return[r.pk] for r in returns if r.pk in versions}
    judged_by_period = {r.period: judged.get(r.pk, {}) for r in returns}
    metric_trend = {
        m.code: [(q, by_period.get(q.index, {}).get(m.code)) for q in quarters]
        for m in metrics
        if m.applies_to_kind(provider.kind)
    }
    judged_trend = {
        j.code: [(q, judged_by_period.get(q.index, {}).get(j.code)) for q in quarters] for j in judged_metrics
    }
    return metric_trend, judged_trend


@dataclass
class FiguresSetting:
    """What figures for one provider are read and checked against: the active metrics ({code: Metric}), those
    that apply to the provider (in catalogue order), its ICB's local authorities and the rules' specs of the
    applicable metrics. Read once per save; the XLSX import reads it once for its parse, check and save."""

    metrics: dict
    applicable: dict
    authorities: list
    specs: dict


def figures_setting(provider):
    """Two queries."""
    metrics = {m.code: m for m in Metric.objects.filter(active=True)}
    applicable = {code: m for code, m in metrics.items() if m.applies_to_kind(provider.kind)}
    authorities = catalogue.local_authorities_for(provider.icb_id)
    return FiguresSetting(metrics, applicable, authorities, catalogue.specs_for(applicable.values(), authorities))


def specs_for_provider(provider, metrics=None):
    metrics = metrics if metrics is not None else catalogue.metrics_for(provider.kind)
    return catalogue.specs_for(metrics, catalogue.local_authorities_for(provider.icb_id))


def rate_return(ret, version, metrics=None, *, judged):
    """({metric code: Rated}, {judged code: JudgedCell}) for one version of one return. Judgements cap the
    figures of a submitted version only, and only when `judged` (a provider sees them once the return is
    accepted)."""
    metrics = metrics if metrics is not None else catalogue.metrics_for(ret.provider.kind)
    version.return_obj = ret
    visible = {ret.pk} if judged else set()
    rated = stored_ratings([version], metrics, judged_ids=visible, with_schemes=True)[version.pk]
    if not judged:
        return rated, {}
    submitted = {ret.pk} if version.submitted_at and ret.status in JUDGEABLE_STATUSES else set()
    cells = judged_cells([ret], active_judged_metrics(), submitted_ids=submitted)
    return rated, cells[ret.pk]


def fresh_ratings(ret, version, metrics=None, *, judged=True):
    """{metric code: Rated} computed afresh from the rules (the reference the stored ratings must agree with)."""
    metrics = metrics if metrics is not None else catalogue.metrics_for(ret.provider.kind)
    version.return_obj = ret
    rated = rate_versions([version], SchemeBook([ret.provider_id], metrics), metrics)[version.pk]
    if judged:
        submitted = {ret.pk} if version.submitted_at and ret.status in JUDGEABLE_STATUSES else set()
        apply_judgements([ret], {ret.pk: rated}, active_judged_metrics(), submitted_ids=submitted)
    return rated


def evidence_of(version):
    """{judged metric code: {field code: text}} the provider gave in this version."""
    from returns.models import JudgementEvidence

    rows = JudgementEvidence.objects.filter(version=version).select_related("judged_metric")
    return {row.judged_metric.code: row.answers for row in rows}


def attachments_of(version):
    """{judged metric code: [JudgementAttachment]} of this version (one query)."""
    from returns.models import JudgementAttachment

    files = {}
    for attachment in JudgementAttachment.objects.filter(evidence__version=version).select_related(
        "evidence__judged_metric"
    ):
        files.setdefault(attachment.evidence.judged_metric.code, []).append(attachment)
    return files


@dataclass
class Fact:
    label: str
    text: str
    met: bool | None  # None: shown without a judgement


def judgement_facts(judged, ret, rated, evidence, today=None):
    """What Vigil already holds that bears on a judged metric (11.a.3), shown beside the judgement."""
    from assurance.reports import section11_position

    today = today or timezone.localdate()
    facts = []
    for name in judged.facts:
        if name == "annual_report":
            cell = rated.get("ANNUAL")
            received = cell is not None and cell.value is not None and cell.value.date_value is not None
            text = f"received {cell.value.date_value:%d %B %Y}" if received else "not recorded in this return"
            facts.append(Fact("Annual safeguarding report", text, received))
        elif name == "section11":
            position = section11_position(ret.provider_id, today)
            if position is None:
                facts.append(Fact("Section 11 self-assessment", "none in Vigil", False))
            else:
                text = (
                    f"{position.assessment.cycle.period_label}: {position.assessment.get_status_display().lower()}, "
                    f"{position.rag}; {position.actions} SMART action(s), {position.done} done, "
                    f"{position.overdue} overdue"
                )
                facts.append(Fact("Section 11 self-assessment", text, position.progressing))
        elif name == "partnership_attendance":
            stated = (evidence.get(judged.code, {}).get("partnership_attendance") or "").strip()
            facts.append(Fact("Executive nurse or deputy at the partnerships", stated or "not stated", bool(stated)))
    return facts


# --------------------------------------------------------------------------- for the reporting app's reports


def icb_matrix(icb_id, quarter, as_at):
    """One ICB's matrix for `quarter` as it stood at `as_at` (an aware datetime): its providers' returns, stored
    ratings of the versions submitted by then (a fixed number of queries)."""
    from organisations.models import Organisation

    returns = Return.objects.filter(provider__icb_id=icb_id, archived_at__isnull=True)
    return build_matrix(Organisation.objects.filter(icb_id=icb_id), returns, quarter, icb_id=icb_id, as_at=as_at)


def icb_trend_counts(icb_id, quarters, metrics, as_at):
    """{(quarter index, metric id, rating): providers} of one ICB's providers over `quarters`, as at `as_at`."""
    from organisations.models import Organisation

    providers = reporting_organisations(Organisation.objects.filter(icb_id=icb_id))
    returns = Return.objects.filter(provider__in=providers, archived_at__isnull=True)
    return stored_rating_counts(returns, quarters, metrics, as_at=as_at)
