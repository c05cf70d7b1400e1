"""Ratings stored once: the write side of every value's rating and every return's summary counts.

A value's rating is computed when it changes (figures saved, a return submitted, sent back or accepted, a judgement
made) and, when a scheme or a contract's override changes, by the stored job `returns.rerate` for the affected returns
only. Reads (matrix, home, trend, report, API) only read what is stored here: they never re-rate.

The re-rating runs in the database: one UPDATE per group of values sharing a scheme (and a quarter range), with the
bands written as integer comparisons (`100 * numerator * q > p * denominator` for a threshold p/q %), so exact
boundaries hold as in `returns.rules` (74.99 % red, exactly 75 % amber). Whatever the number of values, the number of
statements depends only on the number of distinct schemes, quarters and overrides in scope.

Every function takes `get_model` (default: the installed models) so that a data migration can pass its historical
models (`apps.get_model`), as `catalogue.sync_catalogue` does.

What is stored on each MetricValue:
- `numeric_rating`: the figure under the scheme in force (`rules.rate`);
- `rating`: the combined rating (`rules.combine`): the numeric rating capped by the ICB's judgement of the judged
  metric that names it (`capped_by`), for a submitted version of a return that is submitted or accepted; otherwise
  the numeric rating;
- `judged_rating` (the judgement in force, "" when to rate), `rating_driver` (number / judgement / both);
- `target_met`; `scheme_default` (the catalogue's dated scheme) or `scheme_override` (the contract's override) that
  produced it.
On each Return: `red_count`, `amber_count` (its rated cells and judged metrics, as the matrix counts them) and
`to_rate_count` (judged metrics of a submitted return not rated yet).
"""

import json
from collections import defaultdict
from fractions import Fraction

from django.apps import apps as installed_apps
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual

from core.quarters import Quarter
from returns import conf, rules

JUDGEABLE = ("submitted", "accepted")  # returns.choices.JUDGEABLE_STATUSES, as strings for migrations
RERATE_JOB = "returns.rerate"
BIG = DecimalField(max_digits=40, decimal_places=0)  # exact on PostgreSQL (numeric); no bigint overflow


def _models(get_model):
    get = get_model or installed_apps.get_model
    names = ("Metric", "MetricScheme", "MetricValue", "BreakdownValue", "Return", "ReturnVersion", "ThresholdOverride")
    found = {name: get("returns", name) for name in names}
    found |= {"JudgedMetric": get("returns", "JudgedMetric"), "JudgedRating": get("returns", "JudgedRating")}
    found["Contract"] = get("organisations", "Contract")
    return found


def rerate(*, return_ids=None, provider_ids=None, metric_ids=None, from_period=None, get_model=None):
    """Store the ratings of the values in scope (every value when no scope is given) and their returns' summary
    counts. Scope: `return_ids`, or `provider_ids` / `metric_ids` / `from_period` (quarter index) together.
    Returns {"values": values in scope, "changed": values whose stored rating changed, "returns": n}."""
    m = _models(get_model)
    returns = m["Return"].objects.all()
    if return_ids is not None:
        returns = returns.filter(pk__in=list(return_ids))
    if provider_ids is not None:
        returns = returns.filter(provider_id__in=list(provider_ids))
    if from_period is not None:
        returns = returns.filter(period__gte=from_period)
    values = m["MetricValue"].objects.filter(version__return_obj__in=returns.values("pk"))
    if metric_ids is not None:
        values = values.filter(metric_id__in=list(metric_ids))
    periods = sorted(set(returns.values_list("period", flat=True)))
    if not periods:
        return {"values": 0, "changed": 0, "returns": 0}
    metrics = list(m["Metric"].objects.all() if metric_ids is None else m["Metric"].objects.filter(pk__in=metric_ids))
    gap = conf.multi_agency_gap_rating()
    cases = Cases()
    _override_cases(m, cases, returns, metrics, gap)  # first: a contract's thresholds win over the catalogue
    _default_cases(m, cases, metrics, periods, gap)
    changed = _write_ratings(m, values, cases, metrics)
    count = _summarise(m, returns)
    return {"values": values.count(), "changed": changed, "returns": count}


class Cases:
    """The WHEN branches of the one statement that rates every value in scope, field by field: (condition, numeric
    rating, target met, default scheme id, override scheme id). The first branch that matches a value wins."""

    def __init__(self):
        self.branches = []

    def add(self, condition, rating, target, default_pk, override_pk):
        self.branches.append((condition, rating, target, default_pk, override_pk))

    def case(self, index, default, output_field):
        whens = [When(branch[0], then=branch[index]) for branch in self.branches]
        return Case(*whens, default=default, output_field=output_field)


# ------------------------------------------------------------------------------------------ numeric ratings


def _default_cases(m, cases, metrics, periods, gap):
    """The catalogue's dated default schemes: one branch per group of metrics with the same scheme over the same range
    of quarters (and per quarter for a deadline scheme, whose deadline depends on the year)."""
    history = defaultdict(list)
    for dated in m["MetricScheme"].objects.filter(metric__in=metrics).order_by("effective_from", "pk"):
        history[dated.metric_id].append(dated)
    groups = defaultdict(list)  # (scheme json, unit, start, end) -> [(metric id, MetricScheme id or None)]
    for metric in metrics:
        dated = history.get(metric.pk, [])
        # (start, end, scheme dict, MetricScheme pk); the later entered wins within one quarter (rules.scheme_in_force)
        starts = {}
        for row in dated:
            starts[row.effective_from] = row
        spans = []
        ordered = sorted(starts)
        if not ordered or ordered[0] > 0:
            spans.append((0, ordered[0] if ordered else None, metric.scheme, None))
        for i, start in enumerate(ordered):
            end = ordered[i + 1] if i + 1 < len(ordered) else None
            spans.append((start, end, starts[start].scheme, starts[start].pk))
        for start, end, scheme, scheme_pk in spans:
            if not any(p >= start and (end is None or p < end) for p in periods):
                continue
            key = (json.dumps(scheme, sort_keys=True), metric.unit, start, end)
            groups[key].append((metric.pk, scheme_pk))
    for (scheme_json, unit, start, end), members in groups.items():
        scheme = rules.Scheme.from_dict(json.loads(scheme_json), gap_rating=gap)
        where = Q(metric_id__in=[pk for pk, _ in members], version__return_obj__period__gte=start)
        if end is not None:
            where &= Q(version__return_obj__period__lt=end)
        pks = {pk for _, pk in members}
        default = (
            Value(next(iter(pks)))
            if len(pks) == 1
            else Case(*[When(metric_id=metric_id, then=Value(pk)) for metric_id, pk in members], default=Value(None))
        )
        in_range = [p for p in periods if p >= start and (end is None or p < end)]
        _add_scheme(m, cases, where, scheme, unit, default, Value(None), in_range)


def _override_cases(m, cases, returns, metrics, gap):
    """Contract overrides win over the catalogue: for every (provider, metric) with an active override, the scheme
    in force for each return's quarter (rules.scheme_in_force, contracts overlapping the quarter), then one branch per
    override in force."""
    overrides = (
        m["ThresholdOverride"]
        .objects.filter(
            archived_at__isnull=True,
            metric__in=metrics,
            contract__provider_id__in=returns.values("provider_id"),
        )
        .select_related("contract", "metric")
    )
    by_pair = defaultdict(list)
    for override in overrides:
        by_pair[(override.contract.provider_id, override.metric_id)].append(override)
    if not by_pair:
        return
    in_scope = returns.filter(provider_id__in={p for p, _ in by_pair}).values_list("pk", "provider_id", "period")
    chosen = defaultdict(list)  # override pk -> [return ids]
    for return_id, provider_id, period in in_scope:
        quarter = Quarter.from_index(period)
        for metric_pk in {mm for p, mm in by_pair if p == provider_id}:
            candidates = [
                (o.effective_from, o.pk, o)
                for o in by_pair[(provider_id, metric_pk)]
                if o.contract.start_date <= quarter.end and o.contract.end_date >= quarter.start
            ]
            found = rules.scheme_in_force(None, candidates, period)
            if found is not None:
                chosen[found.pk].append((return_id, period))
    by_pk = {o.pk: o for pair in by_pair.values() for o in pair}
    for override_pk, rows in chosen.items():
        override = by_pk[override_pk]
        scheme = rules.Scheme.from_dict(override.scheme, gap_rating=gap)
        where = Q(metric_id=override.metric_id, version__return_obj__in=[r for r, _ in rows])
        periods = sorted({p for _, p in rows})
        _add_scheme(m, cases, where, scheme, override.metric.unit, Value(None), Value(override_pk), periods)


def _add_scheme(m, cases, where, scheme, unit, default_pk, override_pk, periods):
    if scheme.kind == "deadline":  # the deadline is a date of the quarter's year: one branch per quarter
        for period in periods:
            quarter = Quarter.from_index(period)
            cases.add(
                where & Q(version__return_obj__period=period),
                _deadline_expression(scheme, quarter),
                Value(None, BooleanField()),
                default_pk,
                override_pk,
            )
        return
    cases.add(where, _numeric_expression(m, scheme, unit), _target_expression(scheme), default_pk, override_pk)


def _scaled(field, factor):
    return Cast(F(field), BIG) * Value(factor, BIG)


def _compare(op, threshold):
    """`100 * numerator / denominator (op) threshold` with integers only: threshold = p / q."""
    fraction = Fraction(threshold)
    lhs, rhs = _scaled("numerator", 100 * fraction.denominator), _scaled("denominator", fraction.numerator)
    return GreaterThan(lhs, rhs) if op == "gt" else GreaterThanOrEqual(lhs, rhs)


NO_PERCENTAGE = Q(numerator__isnull=True) | Q(denominator__isnull=True) | Q(denominator=0)


def _numeric_expression(m, scheme, unit):
    text = CharField()
    if scheme.kind == "bands" and unit == "percentage":
        whens = [When(NO_PERCENTAGE, then=Value(rules.NONE))]
        for dimension in scheme.require_breakdown:
            given = m["BreakdownValue"].objects.filter(
                value_id=OuterRef("pk"), dimension=dimension, numerator__isnull=False
            )
            whens.append(When(~Exists(given), then=Value(rules.RED)))
        for op, threshold, rating in scheme.bands:
            whens.append(When(_compare(op, threshold), then=Value(scheme._resolve(rating))))
        return Case(*whens, default=Value(scheme._resolve(scheme.otherwise)), output_field=text)
    if scheme.kind == "yes_no":
        return Case(
            When(numerator__isnull=True, then=Value(rules.NONE)),
            When(numerator=0, then=Value(scheme.no)),
            default=Value(scheme.yes),
            output_field=text,
        )
    return Value(rules.NONE, text)


def _deadline_expression(scheme, quarter):
    rating = rules.rate(scheme, unit="date", quarter=quarter)  # no date given: red once the deadline has passed
    deadline = rules.deadline_of(scheme, quarter)
    return Case(
        When(date_value__isnull=True, then=Value(rating)),
        When(date_value__lte=deadline, then=Value(rules.GREEN)),
        default=Value(scheme.late),
        output_field=CharField(),
    )


def _target_expression(scheme):
    if scheme.target is None:
        return Value(None, BooleanField())
    return Case(
        When(NO_PERCENTAGE, then=Value(None)),
        When(_compare("ge", scheme.target), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# ------------------------------------------------------------------------------------------ the one statement


# stored field of a metric value: its alias in the bulk rating statement
STATEMENT_ALIASES = {
    "numeric_rating": "x_nr",
    "rating": "x_rt",
    "judged_rating": "x_jr",
    "rating_driver": "x_dr",
    "capped_by_id": "x_cb",
    "target_met": "x_tm",
    "scheme_default_id": "x_sd",
    "scheme_override_id": "x_so",
}


def _write_ratings(m, values, cases, metrics):
    from django.db import connection, transaction

    statement, params = _ratings_statement(m, values, cases, metrics)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiling the long CASE costs about a second, several times the statement's own run
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(statement, params)
        return cursor.rowcount


def _ratings_statement(m, values, cases, metrics):
    """Every stored rating field of the values in scope in ONE statement:

        UPDATE metric values SET ... FROM (SELECT id, <numeric rating>, <target>, <schemes>, <capped by>,
            <judgement in force>, <combined rating and driver from those two>) x
        WHERE metric value id = x.id AND (any stored field differs)

    The inner SELECT is built by the ORM (its joins to the version, the return and the provider are allowed there,
    not in an UPDATE's SET); the bands are the integer comparisons above. Only values whose rating changed are
    written: a re-rating after a small change writes a few rows however many it reads. The combined rating is
    rules.combine over the pairs (numeric rating, judgement) for a capped value (a submitted version of a submitted or
    accepted return, a metric a judged metric caps, a provider kind it applies to); otherwise the numeric rating."""
    from django.db import connection

    cap = conf.judged_caps()
    codes = {metric.code: metric.pk for metric in metrics}
    capped_whens = []
    for judged in reversed(list(m["JudgedMetric"].objects.filter(active=True).order_by("pk"))):
        capped = [codes[code] for code in judged.caps if code in codes]  # the later judged metric wins, as before
        if capped:
            capped_whens.append(
                When(
                    Q(
                        metric_id__in=capped,
                        version__submitted_at__isnull=False,
                        version__return_obj__status__in=JUDGEABLE,
                        version__return_obj__provider__kind__in=list(judged.applies_to),
                    ),
                    then=Value(judged.pk),
                )
            )
    big = BigIntegerField()
    capped_by = Case(*capped_whens, default=Value(None), output_field=big) if capped_whens else Value(None, big)
    in_force = (
        m["JudgedRating"]
        .objects.filter(return_obj_id=OuterRef("version__return_obj_id"), judged_metric_id=OuterRef("x_cb"))
        .order_by("-revision")
        .values("rating")[:1]
    )
    text = CharField()
    inner = values.annotate(
        x_nr=cases.case(1, Value(rules.NONE), text),
        x_tm=Cast(cases.case(2, Value(None), BooleanField()), BooleanField()),  # typed even when every branch is NULL
        x_sd=Cast(cases.case(3, Value(None), big), big),
        x_so=Cast(cases.case(4, Value(None), big), big),
        x_cb=Cast(capped_by, big),
    )
    if capped_whens:
        inner = inner.annotate(x_jr=Coalesce(Subquery(in_force, output_field=text), Value("")))
    else:
        inner = inner.annotate(x_jr=Value("", text))
    stored = {f"c_{alias}": F(column) for column, alias in STATEMENT_ALIASES.items()}  # to write only what changes
    inner = inner.annotate(x_id=F("pk"), **stored).order_by()
    inner = inner.values_list("x_id", "x_nr", "x_tm", "x_sd", "x_so", "x_cb", "x_jr", *stored)
    sql, params = inner.query.sql_with_params()
    ratings, drivers = [], []
    for numeric in (rules.RED, rules.AMBER, rules.GREEN, rules.NONE):
        for judged_rating in rules.JUDGEMENT_RATINGS:
            result = rules.combine(numeric, judged_rating, cap=cap)
            pair = f"s.x_nr = '{numeric}' AND s.x_jr = '{judged_rating}'"
            ratings.append(f"WHEN {pair} THEN '{result.rating}'")
            drivers.append(f"WHEN {pair} THEN '{result.driver}'")
    rating = f"CASE WHEN s.x_cb IS NULL THEN s.x_nr {' '.join(ratings)} ELSE s.x_nr END"
    driver = f"CASE WHEN s.x_cb IS NULL THEN '{rules.NUMBER}' {' '.join(drivers)} ELSE '{rules.NUMBER}' END"
    quote = connection.ops.quote_name
    table = quote(m["MetricValue"]._meta.db_table)
    fields = STATEMENT_ALIASES
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    sets = ", ".join(f"{quote(column)} = x.{alias}" for column, alias in fields.items())
    changed = " OR ".join(f"c_{alias} {differs} {alias}" for alias in fields.values())
    # every name above comes from the models and rules' constants; the figures' thresholds are parameters
    # MATERIALIZED: each value's rating is computed once (a plain subquery is inlined by PostgreSQL's planner into
    # every reference to it). SQLite reads the same syntax (3.35 and later).
    statement = (
        f"WITH s AS MATERIALIZED ({sql}), "  # noqa: S608
        f"r AS MATERIALIZED (SELECT s.*, {rating} AS x_rt, {driver} AS x_dr FROM s), "
        f"x AS MATERIALIZED (SELECT * FROM r WHERE {changed}) "
        f"UPDATE {table} SET {sets} FROM x WHERE {table}.id = x.x_id"
    )
    return statement, params


# ------------------------------------------------------------------------------------------ summaries


def _summarise(m, returns):
    """Each return's counts, as the matrix shows them: red and amber cells of its latest submitted version (active
    metrics) and of its judged metrics in force; judged metrics to rate of a submitted or accepted return."""
    Return, MetricValue, JudgedRating = m["Return"], m["MetricValue"], m["JudgedRating"]
    latest_version = (
        m["ReturnVersion"]
        .objects.filter(return_obj_id=OuterRef("version__return_obj_id"), submitted_at__isnull=False)
        .order_by("-number")
        .values("pk")[:1]
    )
    counts = defaultdict(lambda: [0, 0, 0])
    cells = (
        MetricValue.objects.filter(
            version__return_obj__in=returns.values("pk"),
            version__submitted_at__isnull=False,
            metric__active=True,
            rating__in=(rules.RED, rules.AMBER),
        )
        .filter(version_id=Subquery(latest_version))
        .values_list("version__return_obj_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for return_id, rating, n in cells:
        counts[return_id][0 if rating == rules.RED else 1] += n
    active = list(m["JudgedMetric"].objects.filter(active=True))
    newer = JudgedRating.objects.filter(
        return_obj_id=OuterRef("return_obj_id"),
        judged_metric_id=OuterRef("judged_metric_id"),
        revision__gt=OuterRef("revision"),
    )
    in_force = (
        JudgedRating.objects.filter(return_obj__in=returns.values("pk"), judged_metric__in=active)
        .exclude(Exists(newer))
        .values_list("return_obj_id", "judged_metric_id", "rating")
    )
    judged = defaultdict(set)
    for return_id, judged_id, rating in in_force:
        judged[return_id].add(judged_id)
        counts[return_id][0] += rating == rules.RED
        counts[return_id][1] += rating == rules.AMBER
    submitted = set(
        returns.filter(status__in=JUDGEABLE, versions__submitted_at__isnull=False).values_list("pk", flat=True)
    )
    rows = list(returns.values_list("pk", "provider__kind", "red_count", "amber_count", "to_rate_count"))
    for return_id, kind, *_stored in rows:
        if return_id in submitted:
            applicable = {j.pk for j in active if kind in j.applies_to}
            counts[return_id][2] = len(applicable - judged[return_id])
    changed = [(pk, *counts[pk]) for pk, _kind, *stored in rows if stored != counts[pk]]  # only these are written
    _write_rows(Return, ("red_count", "amber_count", "to_rate_count"), changed, "integer")
    return len(rows)


def _write_rows(model, columns, rows, kinds, *, only_changed=False):
    """UPDATE `model` SET `columns` from `rows` ((pk, *values)) in one statement per 2,000 rows (UPDATE … FROM a
    VALUES list named by a CTE, the same SQL on PostgreSQL and SQLite). `kinds`: one SQL type, or one per column."""
    from django.db import connection

    if not rows:
        return 0
    kinds = [kinds] * len(columns) if isinstance(kinds, str) else list(kinds)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in ("id", *columns))
    sets = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns)
    row = "(" + ", ".join(["CAST(%s AS bigint)", *(f"CAST(%s AS {kind})" for kind in kinds)]) + ")"
    total = 0
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        # table and column names come from the model, every value is a parameter
        values_sql = ", ".join([row] * len(chunk))
        differs = " OR ".join(f"{table}.{quote(c)} <> u.{quote(c)}" for c in columns) if only_changed else "1 = 1"
        where = f"{table}.id = u.id AND ({differs})"
        sql = f"WITH u({names}) AS (VALUES {values_sql}) UPDATE {table} SET {sets} FROM u WHERE {where}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [item for r in chunk for item in r])
            total += cursor.rowcount
    return total


def insert_rows(model, columns, rows, kinds, *, returning=False):
    """INSERT `rows` (tuples in `columns` order) into `model`'s table: on PostgreSQL in one statement, from one array
    per column (UNNEST: five parameters for five columns however many rows, where bulk_create's preparation of every
    field of every instance costs more than the database's work); elsewhere as VALUES lists. `kinds`: each column's
    SQL type. With `returning`, the new rows' ids in the order of `rows`."""
    from django.db import connection

    if not rows:
        return []
    quote = connection.ops.quote_name
    # table and column names come from the model, every value is a parameter
    into = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)})"
    tail = f" RETURNING {quote('id')}" if returning else ""
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"CAST(%s AS {kind}[])" for kind in kinds)
        statement = f"{into} SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608
        batches = [(statement, [list(column) for column in zip(*rows, strict=True)])]
    else:
        size = max(1, (connection.features.max_query_params or 999) // len(columns))
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        chunks = [rows[start : start + size] for start in range(0, len(rows), size)]
        batches = [
            (f"{into} VALUES {', '.join([row] * len(chunk))}{tail}", [x for r in chunk for x in r]) for chunk in chunks
        ]
    ids = []
    with connection.cursor() as cursor:
        for sql, params in batches:
            cursor.execute(sql, params)
            if returning:
                ids += [found for (found,) in cursor.fetchall()]
    return ids


def rerate_return(return_obj):
    """Store the ratings of one return (every version) after its figures, status or judgements changed.

    One return is rated with the rules in Python (reports.rate_versions and apply_judgements, a dozen queries) and
    written with one bulk UPDATE: cheaper for a handful of values than `rerate`'s statement per scheme, and the
    same result (the property test compares both with the rules)."""
    from returns import reports
    from returns.models import Metric, Return

    ret = Return.objects.select_related("provider").get(pk=return_obj.pk)
    versions = list(ret.versions.all())
    for version in versions:
        version.return_obj = ret
    metrics = [m for m in Metric.objects.all() if m.applies_to_kind(ret.provider.kind)]
    book = reports.SchemeBook([ret.provider_id], metrics)
    rated = reports.rate_versions(versions, book, metrics)
    judged_metrics = reports.active_judged_metrics()
    judgeable = ret.status in JUDGEABLE
    submitted = [v for v in versions if v.submitted_at]
    for version in versions:
        if version.submitted_at and judgeable:
            reports.apply_judgements([ret], {ret.pk: rated[version.pk]}, judged_metrics, submitted_ids={ret.pk})
    changed = []
    quarter = ret.quarter
    for version in versions:
        for metric in metrics:
            cell = rated[version.pk].get(metric.code)
            if cell is None or cell.value is None:
                continue
            _store_on(cell.value, cell, book.scheme_and_source(ret.provider_id, metric.pk, quarter))
            changed.append(cell.value)
    write_stored(changed)
    reds = ambers = to_rate = 0
    if submitted:
        latest = max(submitted, key=lambda v: v.number)
        active = {m.code for m in metrics if m.active}
        for code, cell in rated[latest.pk].items():
            reds += code in active and cell.rating == rules.RED
            ambers += code in active and cell.rating == rules.AMBER
    cells = reports.judged_cells([ret], judged_metrics, submitted_ids={ret.pk} if submitted and judgeable else set())
    for cell in cells[ret.pk].values():
        reds += cell.rating == rules.RED
        ambers += cell.rating == rules.AMBER
        to_rate += cell.to_rate
    Return.objects.filter(pk=ret.pk).update(red_count=reds, amber_count=ambers, to_rate_count=to_rate)
    return {"values": len(changed), "returns": 1}


def _store_on(value, cell, scheme_and_source):
    """Set the stored rating fields of `value` from its rating `cell` (reports.Rated)."""
    _, override_pk, default_pk = scheme_and_source
    combined = cell.combined
    value.numeric_rating, value.rating = cell.numeric_rating, cell.rating
    value.judged_rating = (combined.judged or "") if combined else ""
    value.rating_driver = combined.driver if combined else rules.NUMBER
    value.capped_by_id = cell.judged_by.pk if combined else None
    value.target_met = cell.target_met
    value.scheme_default_id, value.scheme_override_id = default_pk, override_pk


def rate_values(ret, version, values, book, broken):
    """Set the stored rating fields of `values` (MetricValue instances of one `version` of `ret`, each with its
    metric, saved or about to be) as `rerate_return` stores them, with the same rules; `broken`: {id(value):
    the dimensions its breakdown rows give a figure for}. A save of figures rates its values before it writes
    them: a new value is inserted with its ratings (no UPDATE after the INSERT)."""
    from returns import reports

    kind, quarter, cells, sources = ret.provider.kind, ret.quarter, {}, {}
    for value in values:
        metric = value.metric
        if metric.applies_to_kind(kind):
            sources[metric.code] = book.scheme_and_source(ret.provider_id, metric.pk, quarter)
            dimensions = frozenset(broken.get(id(value), ()))
            cells[metric.code] = reports.rate_value(metric, value, sources[metric.code][0], quarter, dimensions)
    if version.submitted_at and ret.status in JUDGEABLE:  # never for a working version, but rated as everywhere
        reports.apply_judgements([ret], {ret.pk: cells}, reports.active_judged_metrics(), submitted_ids={ret.pk})
    for code, cell in cells.items():
        _store_on(cell.value, cell, sources[code])


def stored_fields(value):
    """The stored rating fields of `value`, to tell whether a re-rating changed them."""
    return tuple(getattr(value, column) for column, _ in STORED_COLUMNS)


STORED_COLUMNS = (  # (column, SQL type) of the stored rating fields, as write_stored sends them
    ("numeric_rating", "varchar(10)"),
    ("rating", "varchar(10)"),
    ("judged_rating", "varchar(10)"),
    ("rating_driver", "varchar(10)"),
    ("capped_by_id", "bigint"),
    ("target_met", "boolean"),
    ("scheme_default_id", "bigint"),
    ("scheme_override_id", "bigint"),
)


def write_stored(values):
    """Store the rating fields of `values` (MetricValue instances) in one UPDATE … FROM (VALUES …): bulk_update's
    CASE per row and field costs more to build in Python than the database takes to run it."""
    from returns.models import MetricValue

    columns = [column for column, _ in STORED_COLUMNS]
    rows = [(value.pk, *(getattr(value, column) for column in columns)) for value in values]
    return _write_rows(MetricValue, columns, rows, [kind for _, kind in STORED_COLUMNS])


STORED_FIELDS = [
    "numeric_rating",
    "rating",
    "judged_rating",
    "rating_driver",
    "capped_by",
    "target_met",
    "scheme_default",
    "scheme_override",
]


def contract_dates_changed(contract, old_start, old_end, *, acting_user=None):
    """A contract's dates decide which quarters its overrides apply to: when they change, queue the re-rating of the
    quarters that moved in or out of it (from the earlier start when the start moved, else from the earlier end), for
    that provider and the metrics the contract has overrides for only.
    Nothing is queued for a contract without active overrides (no rating depends on its dates)."""
    ThresholdOverride = installed_apps.get_model("returns", "ThresholdOverride")
    if (old_start, old_end) == (contract.start_date, contract.end_date):
        return None
    metric_ids = sorted(
        set(
            ThresholdOverride.objects.filter(contract=contract, archived_at__isnull=True).values_list(
                "metric_id", flat=True
            )
        )
    )
    if not metric_ids:
        return None
    if old_start != contract.start_date:  # quarters before the later start moved in or out
        earliest = min(d for d in (old_start, contract.start_date) if d is not None)
    else:  # only the end moved: the quarters from the earlier end on
        earliest = min(d for d in (old_end, contract.end_date) if d is not None)
    return enqueue_rerate(
        provider_ids=[contract.provider_id],
        metric_ids=metric_ids,
        from_period=Quarter.containing(earliest).index,
        acting_user=acting_user,
    )


def enqueue_rerate(*, acting_user=None, **scope):
    """Queue the stored job that re-rates the returns a scheme or override change affects (see jobs.py)."""
    from core.jobs import enqueue

    payload = {key: sorted(value) if isinstance(value, set | tuple | list) else value for key, value in scope.items()}
    return enqueue(RERATE_JOB, payload, acting_user=acting_user)
