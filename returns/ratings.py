"""Ratings stored once: the write side of every value's rating and every return's summary counts.

A value's rating is computed when it changes (figures saved, a return submitted, sent back or accepted, a judgement
made) and, when a scheme or a contract's override changes, by the stored job `returns.rerate` for the affected returns
only. Reads (matrix, home, trend, report, API) only read what is stored here: they never re-rate.

The re-rating runs in the database: one UPDATE for every value in scope, each value joined to small tables that say
which scheme rates it (one branch per distinct scheme), with the bands written as integer comparisons (`100 *
numerator * q > p * denominator` for a threshold p/q %), so exact boundaries hold as in `returns.rules` (74.99 % red,
exactly 75 % amber), in 64-bit integers for figures small enough and in numeric beyond; then one UPDATE of the
returns' summary counts. Whatever the number of values, the number of statements is the same.

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
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual

from core.bulk import unnest
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
    scoped = not (return_ids is None and provider_ids is None and from_period is None)
    values = m["MetricValue"].objects.all()  # unscoped: every value (each has a version of a return), no join
    if scoped:
        values = values.filter(version__return_obj__in=returns.values("pk"))
    if metric_ids is not None:
        values = values.filter(metric_id__in=list(metric_ids))
    periods = sorted(set(returns.values_list("period", flat=True)))
    if not periods:
        return {"values": 0, "changed": 0, "returns": 0}
    metrics = list(m["Metric"].objects.all() if metric_ids is None else m["Metric"].objects.filter(pk__in=metric_ids))
    gap = conf.multi_agency_gap_rating()
    branches = Branches(m)
    _override_rows(m, branches, returns, metrics, gap)  # a contract's thresholds win over the catalogue
    _default_rows(m, branches, metrics, periods, gap)
    # counted before the rating statement, not after: this scan prunes the pages' dead row versions (those of the
    # last re-rating), so that the statement's new versions fit on the same pages (HOT: no index entries written)
    total = values.count()
    changed = _write_ratings(m, returns if scoped else None, metric_ids, branches, metrics)
    count = _summarise(m, returns, scoped)
    return {"values": total, "changed": changed, "returns": count}


class Branches:
    """What the one rating statement needs to rate a value, as small tables it joins each value to:
    - `expressions`: the distinct ways of rating (numeric rating, target met), one per scheme and unit (and quarter,
      for a deadline scheme), as SQL over the value's own columns; a value is rated by the branch its row names;
    - `defaults`: (metric id, quarter, branch, MetricScheme id or None): the catalogue's dated schemes, for each
      quarter in scope;
    - `overrides`: (return id, metric id, branch, ThresholdOverride id): a contract's override in force, which wins."""

    def __init__(self, m):
        self.m = m
        self.expressions, self.numbers = [], {}
        self.defaults, self.overrides = [], []

    def number(self, scheme_dict, unit, gap, period):
        """The branch rating by `scheme_dict` (of a metric in `unit`) in quarter `period`."""
        scheme = rules.Scheme.from_dict(scheme_dict, gap_rating=gap)
        key = (json.dumps(scheme_dict, sort_keys=True), unit, period if scheme.kind == "deadline" else None)
        if key not in self.numbers:
            if scheme.kind == "deadline":  # the deadline is a date of the quarter's year
                numeric, target = _deadline_expression(scheme, Quarter.from_index(period)), None
            else:
                numeric, target = _numeric_expression(self.m, scheme, unit), _target_expression(scheme)
            self.numbers[key] = len(self.expressions)
            self.expressions.append((_compiled(self.m, numeric), target and _compiled(self.m, target)))
        return self.numbers[key]


def _compiled(m, expression):
    """(sql, params) of an expression over a metric value's columns, which name the table itself
    ("returns_metricvalue"."numerator"), as the rating statement's FROM does."""
    from django.db import connection

    query = m["MetricValue"].objects.all().query
    query.get_initial_alias()
    resolved = expression.resolve_expression(query, allow_joins=False)
    return query.get_compiler(connection=connection).compile(resolved)


# ------------------------------------------------------------------------------------------ numeric ratings


def _default_rows(m, branches, metrics, periods, gap):
    """The catalogue's dated default schemes: one row per metric and range of quarters with the same scheme (per
    quarter for a deadline scheme, whose deadline depends on the year)."""
    history = defaultdict(list)
    for dated in m["MetricScheme"].objects.filter(metric__in=metrics).order_by("effective_from", "pk"):
        history[dated.metric_id].append(dated)
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
            in_range = [p for p in periods if p >= start and (end is None or p < end)]
            if not in_range:
                continue
            deadline = (scheme or {}).get("kind") == "deadline"  # as rules.Scheme.from_dict reads it
            number = None if deadline else branches.number(scheme, metric.unit, gap, None)
            for period in in_range:  # one row per quarter: joined on equality, no range to test per value
                if deadline:
                    number = branches.number(scheme, metric.unit, gap, period)
                branches.defaults.append((metric.pk, period, number, scheme_pk))


def _override_rows(m, branches, returns, metrics, gap):
    """Contract overrides win over the catalogue: for every (provider, metric) with an active override, the scheme
    in force for each return's quarter (rules.scheme_in_force, contracts overlapping the quarter): one row per return
    and metric."""
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
                number = branches.number(found.scheme, found.metric.unit, gap, period)
                branches.overrides.append((return_id, found.metric_id, number, found.pk))


def _scaled(field, factor, exact):
    if exact:
        return Cast(F(field), BIG) * Value(factor, BIG)
    return F(field) * Value(factor, BigIntegerField())


def _compare(op, threshold, exact=True):
    """`100 * numerator / denominator (op) threshold` with integers only: threshold = p / q. `exact`: in numeric
    (any figure); otherwise in 64-bit integers, for figures within `_bound` (several times faster)."""
    fraction = Fraction(threshold)
    lhs = _scaled("numerator", 100 * fraction.denominator, exact)
    rhs = _scaled("denominator", fraction.numerator, exact)
    return GreaterThan(lhs, rhs) if op == "gt" else GreaterThanOrEqual(lhs, rhs)


def _bound(thresholds):
    """Q: both figures small enough that every comparison with `thresholds` fits in 64 bits."""
    factors = [1]
    for threshold in thresholds:
        fraction = Fraction(threshold)
        factors += [100 * fraction.denominator, abs(fraction.numerator)]
    bound = rules.MAX_FIGURE // max(factors)
    return Q(numerator__range=(-bound, bound), denominator__range=(-bound, bound))


def _fast_or_exact(build, thresholds, output_field):
    """`build(exact)` in 64-bit integers where the figures allow it, in numeric otherwise."""
    return Case(When(_bound(thresholds), then=build(False)), default=build(True), output_field=output_field)


NO_PERCENTAGE = Q(numerator__isnull=True) | Q(denominator__isnull=True) | Q(denominator=0)


def _numeric_expression(m, scheme, unit):
    text = CharField()
    if scheme.kind == "bands" and unit == "percentage":

        def banded(exact):
            return Case(
                *[
                    When(_compare(op, threshold, exact), then=Value(scheme._resolve(rating)))
                    for op, threshold, rating in scheme.bands
                ],
                default=Value(scheme._resolve(scheme.otherwise)),
                output_field=text,
            )

        bands = _fast_or_exact(banded, [threshold for _, threshold, _ in scheme.bands], text)
        whens = [When(NO_PERCENTAGE, then=Value(rules.NONE))]
        if scheme.require_breakdown:  # a breakdown missing makes it red: probed only when the figures are not red
            whens.append(When(Exact(bands, Value(rules.RED)), then=Value(rules.RED)))
        for dimension in scheme.require_breakdown:
            given = m["BreakdownValue"].objects.filter(
                value_id=OuterRef("pk"), dimension=dimension, numerator__isnull=False
            )
            whens.append(When(~Exists(given), then=Value(rules.RED)))
        return Case(*whens, default=bands, output_field=text)
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
        return None

    def met(exact):
        return Case(When(_compare("ge", scheme.target, exact), then=Value(True)), default=Value(False))

    return Case(
        When(NO_PERCENTAGE, then=Value(None)),
        default=_fast_or_exact(met, [scheme.target], BooleanField()),
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


def _write_ratings(m, returns, metric_ids, branches, metrics):
    from django.db import connection, transaction

    statement, params = _ratings_statement(m, returns, metric_ids, branches, metrics)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiling the long CASE costs about a second, several times the statement's own run
            cursor.execute("SET LOCAL jit = off")
            # the small tables joined have no statistics (arrays and a CTE): PostgreSQL then sorted every value to
            # merge-join the schemes (0.2 s of a 0.9 s statement at rest) where a hash join needs no sort
            cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(statement, params)
        return cursor.rowcount


def _values_table(name, columns, kinds, rows):
    """A CTE `name(columns)` of `rows`, or None without rows: on PostgreSQL one array per column (UNNEST: as many
    parameters as columns, however many rows: a statement holds at most 65,535), elsewhere VALUES with every value
    a parameter cast to its SQL type."""
    from django.db import connection

    if not rows:
        return None, []
    if connection.vendor == "postgresql":
        columns_sql, params = unnest(rows, kinds)
        return f"{name}({', '.join(columns)}) AS (SELECT * FROM {columns_sql})", params  # noqa: S608 - names from code
    row = "(" + ", ".join(f"CAST(%s AS {kind})" for kind in kinds) + ")"
    return f"{name}({', '.join(columns)}) AS (VALUES {', '.join([row] * len(rows))})", [x for r in rows for x in r]


def _caps(m, metrics):
    """{(metric id, provider kind): id of the judged metric that caps it}: the later judged metric wins."""
    codes = {metric.code: metric.pk for metric in metrics}
    caps = {}
    for judged in m["JudgedMetric"].objects.filter(active=True).order_by("-pk"):
        for code in judged.caps:
            if code in codes:
                for kind in judged.applies_to:
                    caps.setdefault((codes[code], kind), judged.pk)
    return caps


def _ratings_statement(m, returns, metric_ids, branches, metrics):
    """Every stored rating field of the values in scope (`returns`: a queryset of returns, None for all; `metric_ids`)
    in ONE statement:

        WITH <branch rows: defaults, overrides, caps>, <judgements in force>,
            s AS (SELECT each value's numeric rating (CASE on its branch), target, schemes, capped by, judgement),
            x AS (s with the combined rating and driver: the written fields, where any stored field differs)
        UPDATE metric values SET ... FROM x WHERE metric value id = x.id

    Each value finds its branch, its schemes and its cap by joining a few small tables (hash joins) instead of
    walking a CASE of every scheme's condition for every field; the bands are the integer comparisons above. Only
    values whose rating changed are written: a re-rating after a small change writes a few rows however many it
    reads. The combined rating is rules.combine over the pairs (numeric rating, judgement), a CASE over each pair,
    for a capped value (a submitted version of a submitted or accepted return, a metric a judged metric caps, a
    provider kind it applies to); otherwise the numeric rating."""
    from django.db import connection

    quote = connection.ops.quote_name
    mv, version, ret, judged = (
        quote(m[name]._meta.db_table) for name in ("MetricValue", "ReturnVersion", "Return", "JudgedRating")
    )
    org = quote(m["Return"]._meta.get_field("provider").related_model._meta.db_table)
    ctes, params = [], []

    def table(name, columns, kinds, rows):
        sql, table_params = _values_table(name, columns, kinds, rows)
        if sql:
            ctes.append(sql)
            params.extend(table_params)
        return sql is not None

    cap = conf.judged_caps()
    pairs = [
        (numeric, judged_rating, combined.rating, combined.driver)
        for numeric in (rules.RED, rules.AMBER, rules.GREEN, rules.NONE)
        for judged_rating in rules.JUDGEMENT_RATINGS
        for combined in [rules.combine(numeric, judged_rating, cap=cap)]
    ]
    text = "varchar(10)"
    has_defaults = table("x_d", ("metric_id", "period", "b", "sd"), ["bigint"] * 4, branches.defaults)
    has_overrides = table("x_o", ("return_id", "metric_id", "b", "so"), ["bigint"] * 4, branches.overrides)
    caps = [(metric_id, kind, judged_pk) for (metric_id, kind), judged_pk in _caps(m, metrics).items()]
    has_caps = table("x_c", ("metric_id", "kind", "cb"), ["bigint", "varchar(40)", "bigint"], caps)

    branch = {
        (True, True): "COALESCE(x_o.b, x_d.b)",
        (True, False): "x_d.b",
        (False, True): "x_o.b",
        (False, False): None,
    }[(has_defaults, has_overrides)]
    select_params = []

    def on_branch(index, default):
        whens = []
        for number, expressions in enumerate(branches.expressions):
            if expressions[index] is not None:
                sql, expression_params = expressions[index]
                whens.append(f"WHEN {number} THEN {sql}")
                select_params.extend(expression_params)
        return f"CASE {branch} {' '.join(whens)} ELSE {default} END" if branch and whens else default

    numeric = on_branch(0, f"CAST('{rules.NONE}' AS {text})")
    target = on_branch(1, "CAST(NULL AS boolean)")
    scheme_default = (
        ("CASE WHEN x_o.b IS NULL THEN x_d.sd END" if has_overrides else "x_d.sd")
        if has_defaults
        else "CAST(NULL AS bigint)"
    )
    scheme_override = "x_o.so" if has_overrides else "CAST(NULL AS bigint)"
    capped_by, judgement = "CAST(NULL AS bigint)", "''"
    if has_caps:
        capped_by = "CASE WHEN x_v.capping THEN x_c.cb END"
        judgement = "COALESCE(CASE WHEN x_v.capping THEN x_j.rating END, '')"
    stored = ", ".join(f"{mv}.{quote(column)} AS c_{alias}" for column, alias in STATEMENT_ALIASES.items())
    # each version in scope with what rating its values needs of it, once (a few thousand rows): the values join
    # it alone instead of the versions, the returns and the providers
    judgeable = ", ".join(["%s"] * len(JUDGEABLE))
    versions_sql = (
        f"x_v AS MATERIALIZED (SELECT v.id AS vid, r.id AS rid, r.period, o.kind, "  # noqa: S608
        f"(v.submitted_at IS NOT NULL AND r.status IN ({judgeable})) AS capping FROM {version} v "
        f"INNER JOIN {ret} r ON v.return_obj_id = r.id INNER JOIN {org} o ON r.provider_id = o.id"
    )
    versions_params = list(JUDGEABLE)
    if returns is not None:
        scope_sql, scope_params = returns.values("pk").query.sql_with_params()
        versions_sql += f" WHERE r.id IN ({scope_sql})"
        versions_params.extend(scope_params)
    versions_sql += ")"
    joins = [f"INNER JOIN x_v ON {mv}.version_id = x_v.vid"]
    if has_defaults:
        joins.append(f"LEFT JOIN x_d ON x_d.metric_id = {mv}.metric_id AND x_d.period = x_v.period")
    if has_overrides:
        joins.append(f"LEFT JOIN x_o ON x_o.return_id = x_v.rid AND x_o.metric_id = {mv}.metric_id")
    if has_caps:
        joins.append(f"LEFT JOIN x_c ON x_c.metric_id = {mv}.metric_id AND x_c.kind = x_v.kind")
        joins.append("LEFT JOIN x_j ON x_j.return_obj_id = x_v.rid AND x_j.judged_metric_id = x_c.cb")
    where = []
    if metric_ids is not None:
        where.append(f"{mv}.metric_id IN ({', '.join(['%s'] * len(metric_ids))})")
        select_params.extend(metric_ids)
    # every name above comes from the models and rules' constants; figures, thresholds and ids are parameters
    values_select = (
        f"SELECT {mv}.id AS x_id, {numeric} AS x_nr, {target} AS x_tm, {scheme_default} AS x_sd, "  # noqa: S608
        f"{scheme_override} AS x_so, {capped_by} AS x_cb, {judgement} AS x_jr, {stored} "
        f"FROM {mv} {' '.join(joins)}" + (f" WHERE {' AND '.join(where)}" if where else "")
    )
    in_force = (
        f"x_j AS (SELECT j.return_obj_id, j.judged_metric_id, j.rating FROM {judged} j WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {judged} n WHERE n.return_obj_id = j.return_obj_id "
        f"AND n.judged_metric_id = j.judged_metric_id AND n.revision > j.revision))"
    )
    # the combined rating and its driver of a capped value: rules.combine over each pair (numeric rating, judgement)
    keys = [f"{numeric_rating}|{judged_rating}" for numeric_rating, judged_rating, _, _ in pairs]
    whens = " ".join([f"WHEN %s THEN CAST(%s AS {text})"] * len(pairs))
    combined = (
        f"SELECT s.*, CASE WHEN s.x_cb IS NULL THEN s.x_nr ELSE CASE s.x_nr || '|' || s.x_jr {whens} "  # noqa: S608
        f"ELSE s.x_nr END END AS x_rt, CASE WHEN s.x_cb IS NULL THEN '{rules.NUMBER}' ELSE CASE s.x_nr || '|' || "
        f"s.x_jr {whens} ELSE '{rules.NUMBER}' END END AS x_dr FROM s"
    )
    combine_params = [item for key, (_, _, rating, _) in zip(keys, pairs, strict=True) for item in (key, rating)]
    combine_params += [item for key, (_, _, _, driver) in zip(keys, pairs, strict=True) for item in (key, driver)]
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    sets = ", ".join(f"{quote(column)} = x.{alias}" for column, alias in STATEMENT_ALIASES.items())
    changed = " OR ".join(f"c_{alias} {differs} {alias}" for alias in STATEMENT_ALIASES.values())
    written = ", ".join(STATEMENT_ALIASES.values())  # x holds only what is written: narrow rows to hash and join
    # MATERIALIZED: each value's rating is computed once (a plain subquery is inlined by PostgreSQL's planner into
    # every reference to it). SQLite reads the same syntax (3.35 and later).
    steps = [
        *ctes,
        in_force,
        versions_sql,
        f"s AS MATERIALIZED ({values_select})",
        f"r AS ({combined})",
        f"x AS MATERIALIZED (SELECT x_id, {written} FROM r WHERE {changed})",  # noqa: S608
    ]
    statement = f"WITH {', '.join(steps)} UPDATE {mv} SET {sets} FROM x WHERE {mv}.id = x.x_id"  # noqa: S608
    return statement, params + versions_params + select_params + combine_params


# ------------------------------------------------------------------------------------------ summaries


def _summarise(m, returns, scoped):
    """Each return's counts, as the matrix shows them: red and amber cells of its latest submitted version (active
    metrics) and of its judged metrics in force; judged metrics to rate of a submitted or accepted return (the active
    judged metrics that apply to its provider's kind and have no rating). One UPDATE computes them in the database
    and writes only the returns whose counts changed. Returns the number of returns in scope."""
    from django.db import connection

    quote = connection.ops.quote_name
    mv, version, ret, metric, judged = (
        quote(m[name]._meta.db_table) for name in ("MetricValue", "ReturnVersion", "Return", "Metric", "JudgedRating")
    )
    org = quote(m["Return"]._meta.get_field("provider").related_model._meta.db_table)
    params, ctes = [], []
    scope, scope_params = returns.values("pk").query.sql_with_params() if scoped else ("", ())

    def in_scope(column):
        if not scoped:
            return "1 = 1"
        params.extend(scope_params)
        return f"{column} IN ({scope})"

    ctes.append(
        f"x_lv AS (SELECT return_obj_id AS rid, MAX(number) AS number FROM {version} "  # noqa: S608
        f"WHERE submitted_at IS NOT NULL AND {in_scope('return_obj_id')} GROUP BY return_obj_id)"
    )
    params.extend([rules.RED, rules.AMBER, rules.RED, rules.AMBER])
    # counted per submitted version, then joined to the latest: a hash join over the red and amber values, where
    # joining the latest versions first made PostgreSQL probe the values' index once per return
    ctes.append(
        "x_cells AS (SELECT v.return_obj_id AS rid, v.number, "  # noqa: S608
        "SUM(CASE WHEN mv.rating = %s THEN 1 ELSE 0 END) AS red, SUM(CASE WHEN mv.rating = %s THEN 1 ELSE 0 END) "
        f"AS amber FROM {mv} mv INNER JOIN {version} v ON v.id = mv.version_id "
        f"INNER JOIN {metric} mt ON mt.id = mv.metric_id WHERE mt.active AND mv.rating IN (%s, %s) "
        f"AND v.submitted_at IS NOT NULL AND {in_scope('v.return_obj_id')} GROUP BY v.return_obj_id, v.number)"
    )
    active = list(m["JudgedMetric"].objects.filter(active=True))
    applies = [(judged_metric.pk, kind) for judged_metric in active for kind in judged_metric.applies_to]
    joins, red, amber, to_rate = [], "0", "0", "0"
    if active:
        ids = ", ".join(["%s"] * len(active))
        params.extend([rules.RED, rules.AMBER, *(j.pk for j in active)])
        ctes.append(
            "x_jf AS (SELECT j.return_obj_id AS rid, SUM(CASE WHEN j.rating = %s THEN 1 ELSE 0 END) AS red, "  # noqa: S608
            f"SUM(CASE WHEN j.rating = %s THEN 1 ELSE 0 END) AS amber FROM {judged} j "
            f"WHERE j.judged_metric_id IN ({ids}) AND {in_scope('j.return_obj_id')} AND NOT EXISTS (SELECT 1 "
            f"FROM {judged} n WHERE n.return_obj_id = j.return_obj_id AND n.judged_metric_id = j.judged_metric_id "
            "AND n.revision > j.revision) GROUP BY j.return_obj_id)"
        )
        joins.append("LEFT JOIN x_jf ON x_jf.rid = r.id")
        red, amber = "COALESCE(x_jf.red, 0)", "COALESCE(x_jf.amber, 0)"
    if applies:
        table_sql, table_params = _values_table("x_ja", ("jid", "kind"), ["bigint", "varchar(40)"], applies)
        ctes.append(table_sql)
        params.extend(table_params)
        ctes.append("x_app AS (SELECT kind, COUNT(*) AS n FROM x_ja GROUP BY kind)")
        ctes.append(
            f"x_done AS (SELECT j.return_obj_id AS rid, COUNT(DISTINCT j.judged_metric_id) AS n FROM {judged} j "  # noqa: S608
            f"INNER JOIN {ret} r2 ON r2.id = j.return_obj_id INNER JOIN {org} o2 ON o2.id = r2.provider_id "
            f"INNER JOIN x_ja ON x_ja.jid = j.judged_metric_id AND x_ja.kind = o2.kind "
            f"WHERE {in_scope('j.return_obj_id')} GROUP BY j.return_obj_id)"
        )
        joins += ["LEFT JOIN x_app ON x_app.kind = o.kind", "LEFT JOIN x_done ON x_done.rid = r.id"]
        statuses = ", ".join(["%s"] * len(JUDGEABLE))
        params.extend(JUDGEABLE)
        to_rate = (
            f"CASE WHEN r.status IN ({statuses}) AND x_lv.rid IS NOT NULL "
            "THEN COALESCE(x_app.n, 0) - COALESCE(x_done.n, 0) ELSE 0 END"
        )
    counts = (
        f"SELECT r.id, COALESCE(x_cells.red, 0) + {red} AS red_count, "  # noqa: S608
        f"COALESCE(x_cells.amber, 0) + {amber} AS amber_count, {to_rate} AS to_rate_count "
        f"FROM {ret} r INNER JOIN {org} o ON o.id = r.provider_id LEFT JOIN x_lv ON x_lv.rid = r.id "
        f"LEFT JOIN x_cells ON x_cells.rid = x_lv.rid AND x_cells.number = x_lv.number {' '.join(joins)} "
        f"WHERE {in_scope('r.id')}"
    )
    columns = ("red_count", "amber_count", "to_rate_count")
    sets = ", ".join(f"{quote(c)} = t.{c}" for c in columns)
    differs = " OR ".join(f"{ret}.{quote(c)} <> t.{c}" for c in columns)
    statement = (
        f"WITH {', '.join(ctes)}, t AS MATERIALIZED ({counts}) "  # noqa: S608
        f"UPDATE {ret} SET {sets} FROM t WHERE {ret}.id = t.id AND ({differs})"
    )
    with connection.cursor() as cursor:  # parameters: each added as its part of the statement was written
        cursor.execute(statement, params)
    return returns.count()


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
