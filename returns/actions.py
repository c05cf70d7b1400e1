"""Every change to returns. Each is atomic and audited (core.actions.audited)."""

from typing import NamedTuple

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.encoding import smart_str

from core.actions import audited, do_archive, save_fields
from core.audit import save_entries, unsaved_entries
from core.bulk import insert_rows
from core.models import working_calendar
from core.uploads import DISPLAY_NAME_LENGTH, shorten_name, stored_name, uploaded_file_problem
from core.versioning import bump
from returns import catalogue, conf, ratings, reports, rules, signal_metrics
from returns.choices import JUDGEABLE_STATUSES, ReturnStatus, Source, Unit
from returns.models import (
    OVERRIDE_EDITORS,
    REVIEWERS,
    BreakdownValue,
    JudgedMetric,
    JudgedRating,
    JudgementAttachment,
    JudgementEvidence,
    Metric,
    MetricValue,
    Return,
    ReturnVersion,
    ThresholdOverride,
)


def problems_error(problems):
    """A ValidationError keyed by where each problem is (metric / breakdown / field)."""
    errors = {}
    for problem in problems:
        errors.setdefault(problem.where(), []).append(f"{problem.where()}: {problem.message}")
    return ValidationError(errors)


def do_start_return(*, provider, quarter, acting_user, today=None):
    """Open the draft return of `provider` for `quarter` (a quarter that has ended)."""
    today = today or timezone.localdate()
    if not quarter.has_ended(today):
        raise ValidationError(
            {"quarter": f"{quarter} has not ended yet: its return can be made from {quarter.next().start:%d %B %Y}."}
        )
    if provider.kind not in reports.REPORTING_KINDS:
        raise ValidationError({"provider": "Only providers (and the ICB itself) make quarterly returns."})
    if Return.objects.filter(provider=provider, period=quarter.index).exists():
        raise ValidationError({"quarter": f"{provider.name} already has a return for {quarter}."})
    due = rules.due_date(quarter, working_calendar(provider.icb_id), conf.due_working_days())
    with audited(acting_user):
        return_obj = Return(provider=provider, period=quarter.index, due_date=due)
        return_obj.full_clean()
        return_obj.save()
        version = ReturnVersion.objects.create(return_obj=return_obj, number=1)
        prefilled = prefill_escalations(version, acting_user=acting_user) is not None
        prefilled |= bool(signal_metrics.prefill_signals(version, acting_user=acting_user))
        if prefilled:
            ratings.rerate_return(return_obj)
    return return_obj


ESCALATIONS_METRIC = "ESC"
ESCALATIONS_REGISTER = "escalations register"


def prefill_escalations(version, *, acting_user=None):
    """Fill the ESC figure of a return's working version from the casework escalations register: the
    provider's escalations active in the quarter, by the highest stage reached by its end, theme and local
    authority (the shape providers report) [DUDLEY App. 6; CPCCG App. 5]. A figure already there is never
    overwritten; with no escalations in the register nothing is filled. Returns the MetricValue or None."""
    from casework.models import Escalation
    from casework.reports import escalation_counts_by_code

    return_obj = version.return_obj
    provider = return_obj.provider
    metric = Metric.objects.filter(code=ESCALATIONS_METRIC, active=True).first()
    if metric is None or not metric.applies_to_kind(provider.kind):
        return None
    existing = version.values.filter(metric=metric).first()
    if existing is not None and (existing.numerator is not None or existing.breakdown.exists()):
        return None
    quarter = return_obj.quarter
    counts = escalation_counts_by_code(Escalation.objects.filter(organisation=provider), quarter.fy, quarter.q)
    if not counts.total:
        return None
    authorities = catalogue.local_authorities_for(provider.icb_id)
    known = {code for code, _ in authorities}
    by_la = {}
    for code, n in counts.by_local_authority.items():
        key = code if code in known else "other"
        by_la[key] = by_la.get(key, 0) + n
    found = {
        "escalation_level": {str(stage): n for stage, n in counts.by_stage.items()},
        "theme": counts.by_theme,
        "local_authority": by_la,
    }
    # every category of each breakdown (zeros included): a breakdown that is started is complete
    breakdown = {
        dimension: {
            code: found.get(dimension, {}).get(code, 0) for code, _ in catalogue.categories(dimension, authorities)
        }
        for dimension in metric.breakdowns
    }
    if existing is None:
        existing = MetricValue.objects.create(version=version, metric=metric)
    save_fields(existing, {"numerator": counts.total, "prefilled_from": ESCALATIONS_REGISTER}, acting_user=acting_user)
    BreakdownValue.objects.bulk_create(
        [
            BreakdownValue(value=existing, dimension=dimension, category=category, numerator=n)
            for dimension, rows in breakdown.items()
            for category, n in rows.items()
        ]
    )
    return existing


def get_or_start_return(*, provider, quarter, acting_user):
    existing = Return.objects.filter(provider=provider, period=quarter.index).first()
    return existing or do_start_return(provider=provider, quarter=quarter, acting_user=acting_user)


def do_save_figures(
    return_obj,
    *,
    entries,
    acting_user,
    source=Source.WEB,
    replace=False,
    checked=False,
    setting=None,
    working=None,
    savepoint=True,
):
    """Store figures (a {metric code: rules.Entry}) in the working version. All or nothing: any error
    (unknown metric, non-whole count, numerator above denominator, breakdown not adding up...) stores nothing.
    Warnings are kept and must be explained before submission. With `replace` (the web form and the XLSX
    template, which carry every metric) a metric left out is cleared; otherwise (the API) it is left as it was.
    `checked`: the caller has just validated `entries` with the same rules (the XLSX import, which names cells),
    so they are not validated twice. `setting` (reports.figures_setting) and `working` (reports.working_figures,
    read under the return's lock) when the caller has read them already, as the XLSX import has; `savepoint=False`
    when the caller's own transaction is open and every error leaves it (core.actions.audited).

    Each value is rated before it is written (returns.ratings.rate_values, the rules rerate_return applies), so
    values, breakdown rows and audit entries are each written in one statement whatever the number of metrics,
    with no UPDATE of ratings after. Only the working version's ratings can change: the return's summary counts
    come from its submitted versions and judgements, which a save of figures does not touch."""
    if not return_obj.is_editable:
        raise ValidationError(
            {"status": f"This return is {return_obj.get_status_display().lower()}: it cannot be changed."}
        )
    setting = setting or reports.figures_setting(return_obj.provider)
    unknown = sorted(set(entries) - set(setting.applicable))
    if unknown:
        raise ValidationError({"values": [f"Unknown metric code for this provider: {code}" for code in unknown]})
    if not checked:
        problems = rules.validate(
            setting.specs, entries, previous=reports.previous_entries(return_obj), rules=reports.rule_settings()
        )
        errors = [p for p in problems if p.severity == rules.ERROR]
        if errors:
            raise problems_error(errors)
    working = working or reports.working_figures(return_obj)
    version = working.version
    version.return_obj = return_obj
    with audited(acting_user, savepoint=savepoint):
        # a new version of the return: a form or template made before is now stale
        touched = [(return_obj, bump(return_obj))]
        if version.source != source:
            ReturnVersion.objects.filter(pk=version.pk).update(source=source)
            touched.append((version, {"source": [smart_str(version.source), smart_str(source)]}))
            version.source = source
        plan = _plan_figures(version, working.values, entries, setting, replace)
        existing = [value for value in working.values if value.metric.applies_to_kind(return_obj.provider.kind)]
        before = {id(value): ratings.stored_fields(value) for value in existing}
        book = reports.SchemeBook([return_obj.provider_id], {v.metric for v in [*working.values, *plan.created]})
        ratings.rate_values(return_obj, version, [*working.values, *plan.created], book, plan.broken())
        _insert_values(plan.created)
        insert_rows(BreakdownValue, NewRow.COLUMNS, [row.as_columns() for row in plan.new_rows], NewRow.KINDS)
        MetricValue.objects.bulk_update(
            [value for value, _ in plan.changed],
            ["numerator", "denominator", "date_value", "explanation", "prefilled_from"],
        )
        BreakdownValue.objects.bulk_update(plan.changed_rows, ["numerator", "denominator"])
        ratings.write_stored([value for value in existing if ratings.stored_fields(value) != before[id(value)]])
        save_entries(
            [
                *unsaved_entries(touched, action=LogEntry.Action.UPDATE, actor=acting_user),
                *unsaved_entries(
                    [(value, _created_changes(value)) for value in plan.created],
                    action=LogEntry.Action.CREATE,
                    actor=acting_user,
                ),
                *unsaved_entries(plan.changed, action=LogEntry.Action.UPDATE, actor=acting_user),
            ]
        )
    return return_obj


VALUE_COLUMNS = (
    ("version_id", "bigint"),
    ("metric_id", "bigint"),
    ("numerator", "bigint"),
    ("denominator", "bigint"),
    ("date_value", "date"),
    ("explanation", "text"),
    ("prefilled_from", "varchar(60)"),
    *ratings.STORED_COLUMNS,
)


def _insert_values(values):
    """INSERT new values (rated already) in one statement; each instance gets its id, as bulk_create would."""
    columns = [column for column, _ in VALUE_COLUMNS]
    rows = [tuple(getattr(value, column) for column in columns) for value in values]
    ids = insert_rows(MetricValue, columns, rows, [kind for _, kind in VALUE_COLUMNS], returning=True)
    for value, pk in zip(values, ids, strict=True):
        value.pk = pk
        value._state.adding, value._state.db = False, DEFAULT_DB_ALIAS


class NewRow(NamedTuple):
    """A breakdown row to insert (not a model instance: a return's hundred rows are written as plain columns)."""

    value: MetricValue
    dimension: str
    category: str
    numerator: int | None
    denominator: int | None

    COLUMNS = ("value_id", "dimension", "category", "numerator", "denominator")
    KINDS = ("bigint", "varchar(40)", "varchar(60)", "bigint", "bigint")

    def as_columns(self):
        return (self.value.pk, self.dimension, self.category, self.numerator, self.denominator)


class FiguresPlan:
    """What a save of figures writes: new values and rows, and (value, {field: [before, after]}) for the changed
    ones, each applied to the instances already; every value's breakdown rows as they will be stored."""

    def __init__(self):
        self.created, self.changed, self.new_rows, self.changed_rows = [], [], [], []
        self.rows = {}  # id(value) -> its breakdown rows after the save

    def broken(self):
        """{id(value): the dimensions its rows give a figure for} (what a scheme's required breakdown reads)."""
        return {key: {r.dimension for r in rows if r.numerator is not None} for key, rows in self.rows.items()}


def _plan_figures(version, values, entries, setting, replace):
    plan = FiguresPlan()
    existing = {value.metric_id: value for value in values}
    for value in values:
        value.version = version
        plan.rows[id(value)] = list(value.breakdown.all())
    for code, entry in entries.items():
        metric, spec = setting.metrics[code], setting.specs[code]
        fields = {
            "numerator": _int(entry.numerator),
            "denominator": _int(entry.denominator) if metric.unit == Unit.PERCENTAGE else None,
            "date_value": entry.date_value if metric.unit == Unit.DATE else None,
            "explanation": (entry.explanation or "").strip(),
        }
        value = existing.get(metric.pk)
        if value is None:
            value = MetricValue(version=version, metric=metric, **fields)
            rows, _ = _save_breakdown(value, entry, spec, current=())
            plan.created.append(value)
            plan.new_rows += rows
            plan.rows[id(value)] = rows
            continue
        diff = {k: v for k, v in fields.items() if getattr(value, k) != v}
        if value.prefilled_from and (diff or _breakdown_changed(value, entry)):
            diff["prefilled_from"] = ""  # the provider's figure now, not the register's
        _change(value, diff, plan.changed)
        rows, edited = _save_breakdown(value, entry, spec, current=value.breakdown.all())
        plan.new_rows += rows
        plan.changed_rows += edited
        plan.rows[id(value)] += rows
    if replace:
        empty = {"numerator": None, "denominator": None, "date_value": None, "explanation": "", "prefilled_from": ""}
        for value in values:
            if value.metric.code not in entries:
                _change(value, {k: v for k, v in empty.items() if getattr(value, k) != v}, plan.changed)
                spec = rules.MetricSpec(value.metric.code, "", "")
                plan.changed_rows += _save_breakdown(value, rules.Entry(), spec, current=value.breakdown.all())[1]
    return plan


AUDITED_VALUE_FIELDS = ("numerator", "denominator", "date_value", "explanation", "prefilled_from")


def _change(value, diff, changed):
    """Apply `diff` to `value` and note it (with auditlog's {field: [before, after]}) for one bulk update."""
    if not diff:
        return
    changes = {name: [smart_str(getattr(value, name)), smart_str(after)] for name, after in diff.items()}
    for name, after in diff.items():
        setattr(value, name, after)
    changed.append((value, changes))


def _created_changes(value):
    return {"id": ["None", smart_str(value.pk)]} | {
        name: ["None", smart_str(getattr(value, name))] for name in AUDITED_VALUE_FIELDS if getattr(value, name)
    }


def _breakdown_changed(value, entry):
    stored = {(r.dimension, r.category): (r.numerator, r.denominator) for r in value.breakdown.all()}
    stored = {k: v for k, v in stored.items() if v != (None, None)}
    given = {
        (dimension, category): (_int(num), _int(den))
        for dimension, rows in entry.breakdown.items()
        for category, (num, den) in rows.items()
        if (num, den) != (None, None)
    }
    return stored != given


def _int(number):
    return None if number is None else int(number)


def _save_breakdown(value, entry, spec, *, current):
    """The value's breakdown rows as the entry gives them: (new rows, changed rows) for the caller's bulk insert
    and bulk update."""
    rows = {(r.dimension, r.category): r for r in current}
    new, edited = [], []
    for dimension in spec.breakdowns:
        for category, (num, den) in entry.breakdown.get(dimension, {}).items():
            num, den = _int(num), _int(den)
            row = rows.get((dimension, category))
            if row is None:
                if num is not None or den is not None:
                    new.append(NewRow(value, dimension, category, num, den))
            elif (row.numerator, row.denominator) != (num, den):
                row.numerator, row.denominator = num, den
                edited.append(row)
    for (dimension, category), row in rows.items():
        if category not in entry.breakdown.get(dimension, {}) and row.numerator is not None:
            row.numerator = row.denominator = None
            edited.append(row)
    return new, edited


def submission_problems(return_obj):
    """What stops this return being submitted now (errors, unexplained warnings, metrics left blank)."""
    version = reports.working_version(return_obj)
    entries = reports.entries_of(version)
    metrics = [m for m in Metric.objects.filter(active=True) if m.applies_to_kind(return_obj.provider.kind)]
    specs = reports.specs_for_provider(return_obj.provider, metrics)
    problems = rules.validate(
        specs,
        entries,
        previous=reports.previous_entries(return_obj),
        rules=reports.rule_settings(),
        min_count_change=conf.change_min_absolute(),
    )
    blocking = rules.blocking(problems, entries)
    for metric in metrics:
        entry = entries.get(metric.code)
        if metric.unit != Unit.DATE and (entry is None or entry.numerator is None):
            blocking.append(rules.Problem(rules.ERROR, "complete", metric.code, "has no figure"))
    return blocking, problems


def do_submit_return(return_obj, *, acting_user, source=None):
    """Submit the working version: errors and unexplained warnings block it. The version is frozen."""
    if not return_obj.is_editable:
        raise ValidationError(
            {"status": f"This return is {return_obj.get_status_display().lower()}: it cannot be submitted."}
        )
    blocking, _ = submission_problems(return_obj)
    if blocking:
        raise problems_error(blocking)
    now = timezone.now()
    with audited(acting_user):
        version = reports.working_version(return_obj)
        version.submitted_at, version.submitted_by = now, acting_user
        if source:
            version.source = source
        version.save(update_fields=["submitted_at", "submitted_by", "source"])
        fields = {"status": ReturnStatus.SUBMITTED, "last_submitted_at": now}
        if return_obj.first_submitted_at is None:
            fields["first_submitted_at"] = now
        save_fields(return_obj, fields, acting_user=acting_user)
        _store_ratings(return_obj)
    return return_obj


def _store_ratings(return_obj):
    """Store the return's ratings and summary (returns.ratings) and keep the instance's counts current."""
    ratings.rerate_return(return_obj)
    stored = Return.objects.filter(pk=return_obj.pk).values("red_count", "amber_count", "to_rate_count").first()
    for name, value in (stored or {}).items():
        setattr(return_obj, name, value)


def _require_reviewer(acting_user):
    if acting_user is not None and getattr(acting_user, "role", None) not in REVIEWERS:
        raise PermissionDenied("Only the ICB safeguarding team reviews returns.")


def do_return_for_correction(return_obj, *, comment, acting_user):
    """Send a submitted return back to the provider with a comment; a new draft version (a copy) is opened,
    so the submitted version stays as it was."""
    _require_reviewer(acting_user)
    if not (comment or "").strip():
        raise ValidationError({"comment": "Say what the provider must correct."})
    if return_obj.status != ReturnStatus.SUBMITTED:
        raise ValidationError({"status": "Only a submitted return can be returned for correction."})
    with audited(acting_user):
        save_fields(
            return_obj,
            {
                "status": ReturnStatus.RETURNED,
                "review_comment": comment.strip(),
                "reviewed_by": acting_user,
                "reviewed_at": timezone.now(),
            },
            acting_user=acting_user,
        )
        _copy_version(reports.working_version(return_obj))
        _store_ratings(return_obj)
    return return_obj


def _copy_version(version):
    copy = ReturnVersion.objects.create(return_obj=version.return_obj, number=version.number + 1, source=version.source)
    for value in version.values.prefetch_related("breakdown"):
        rows = list(value.breakdown.all())
        value.pk, value.version = None, copy
        value.save()
        BreakdownValue.objects.bulk_create(
            [
                BreakdownValue(
                    value=value,
                    dimension=r.dimension,
                    category=r.category,
                    numerator=r.numerator,
                    denominator=r.denominator,
                )
                for r in rows
            ]
        )
    for evidence in version.evidence.prefetch_related("attachments"):
        files = list(evidence.attachments.all())
        evidence.pk, evidence.version = None, copy
        evidence.save()
        for attachment in files:  # the same stored file: a corrected version carries its evidence forward
            attachment.pk, attachment.evidence = None, evidence
            attachment.save()
    return copy


def do_accept_return(return_obj, *, acting_user):
    _require_reviewer(acting_user)
    if return_obj.status != ReturnStatus.SUBMITTED:
        raise ValidationError({"status": "Only a submitted return can be accepted."})
    with audited(acting_user):
        save_fields(
            return_obj,
            {"status": ReturnStatus.ACCEPTED, "reviewed_by": acting_user, "reviewed_at": timezone.now()},
            acting_user=acting_user,
        )
        _store_ratings(return_obj)
    return return_obj


def do_set_threshold_override(*, contract, metric, effective_from, scheme, reason, acting_user):
    """The ICB's thresholds for `metric` in `contract` from quarter `effective_from` (audited, dated).
    Earlier overrides stay: each return is rated with the scheme in force for its quarter."""
    if acting_user is not None and getattr(acting_user, "role", None) not in OVERRIDE_EDITORS:
        raise PermissionDenied("Only the designated professional or a contract manager sets thresholds.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the thresholds differ for this contract."})
    if metric.unit != Unit.PERCENTAGE:
        raise ValidationError({"metric": "Only percentage metrics have thresholds."})
    parsed = rules.Scheme.from_dict(scheme)
    thresholds = [t for _, t, _ in parsed.bands]
    if any(t < 0 or t > 100 for t in thresholds):
        raise ValidationError({"scheme": "Thresholds are percentages between 0 and 100."})
    with audited(acting_user):
        override = ThresholdOverride(
            contract=contract,
            metric=metric,
            effective_from=effective_from.index,
            scheme=parsed.to_dict(),
            reason=reason.strip(),
            created_by=acting_user,
        )
        override.full_clean()
        override.save()
        _enqueue_rerate(override, acting_user)
    return override


def _enqueue_rerate(override, acting_user):
    """A contract's thresholds changed: the stored job re-rates that provider's returns for that metric from the
    override's quarter on (returns.ratings)."""
    ratings.enqueue_rerate(
        provider_ids=[override.contract.provider_id],
        metric_ids=[override.metric_id],
        from_period=override.effective_from,
        acting_user=acting_user,
    )


def do_archive_threshold_override(override, *, acting_user):
    """Retire an override (kept, with its history): returns are rated by the catalogue or an earlier override."""
    if acting_user is not None and getattr(acting_user, "role", None) not in OVERRIDE_EDITORS:
        raise PermissionDenied("Only the designated professional or a contract manager sets thresholds.")
    with audited(acting_user):
        do_archive(override, acting_user=acting_user)
        _enqueue_rerate(override, acting_user)
    return override


def override_scheme(*, green_above, amber_from, require_breakdown, target=None, gap_rating=None):
    """A bands scheme from the override form: green above X %, amber from Y % (inclusive), red below."""
    if amber_from is not None and green_above is not None and amber_from > green_above:
        raise ValidationError({"amber_from": "Amber must start at or below the green threshold."})
    bands = [["gt", str(green_above), rules.GREEN]]
    if amber_from is not None:
        bands.append(["ge", str(amber_from), rules.AMBER])
    scheme = {
        "kind": "bands",
        "bands": bands,
        "otherwise": rules.RED,
        "require_breakdown": ["professional_group", "level"] if require_breakdown else [],
    }
    if target is not None:
        scheme["target"] = str(target)
    if gap_rating:
        scheme["gap_rating"] = gap_rating
    return scheme


def do_open_metric_action(return_obj, *, metric, rating, title, owner, due_date, success_measure, acting_user):
    """Open a SMART action in the shared tracker for a red or amber metric of a return."""
    from core.actions import do_create_tracked_action

    if rating not in (rules.RED, rules.AMBER):
        raise ValidationError({"title": "Only a red or amber metric opens an action."})
    return do_create_tracked_action(
        source=return_obj,
        organisation=return_obj.provider,
        title=title,
        owner=owner,
        due_date=due_date,
        success_measure=success_measure,
        acting_user=acting_user,
        source_label=f"{return_obj.quarter} return, {metric.code} {metric.title} ({rating})",
    )


def do_save_evidence(return_obj, *, answers, acting_user):
    """Save the provider's evidence for the judged metrics in the return's working version.
    `answers` is {judged metric code: {field code: text}}; unknown metrics or fields are refused."""
    if not return_obj.is_editable:
        raise ValidationError({"status": f"This return is {return_obj.get_status_display().lower()}: it is closed."})
    judged = {j.code: j for j in catalogue.judged_metrics_for(return_obj.provider.kind)}
    errors = {}
    for code, fields in answers.items():
        if code not in judged:
            errors[code] = f"{code} is not a judged metric of this return."
            continue
        allowed = {f["code"] for f in judged[code].evidence_fields}
        for name in set(fields) - allowed:
            errors[f"{code}.{name}"] = f"{code} has no evidence field '{name}'."
    if errors:
        raise ValidationError(errors)
    version = reports.working_version(return_obj)
    with audited(acting_user):
        for code, fields in answers.items():
            cleaned = {name: (text or "").strip() for name, text in fields.items()}
            evidence, _ = JudgementEvidence.objects.get_or_create(version=version, judged_metric=judged[code])
            evidence.answers = {**evidence.answers, **cleaned}  # fields not sent keep what was given
            evidence.save(update_fields=["answers"])
        return_obj.touch()  # a new version of the return, as its figures make one
    return version


def do_attach_evidence(return_obj, *, judged_metric, upload, description="", acting_user):
    """Attach a file as evidence for a judged metric in the return's working version."""
    if not return_obj.is_editable:
        raise ValidationError({"status": f"This return is {return_obj.get_status_display().lower()}: it is closed."})
    problem = uploaded_file_problem(upload, max_bytes=conf.evidence_max_bytes(), extensions=conf.evidence_extensions())
    if problem:
        raise ValidationError({"upload": problem})
    version = reports.working_version(return_obj)
    with audited(acting_user):
        evidence, _ = JudgementEvidence.objects.get_or_create(version=version, judged_metric=judged_metric)
        attachment = JudgementAttachment(
            evidence=evidence,
            original_name=shorten_name(upload.name, DISPLAY_NAME_LENGTH),
            size=upload.size,
            description=(description or "").strip(),
            added_by=acting_user,
        )
        attachment.file.save(stored_name(upload.name), upload, save=False)
        attachment.save()
    return attachment


def do_rate_judged_metric(return_obj, *, judged_metric, rating, reason, acting_user):
    """The ICB rates one judged metric of a submitted return by choosing a descriptor [CPCCG App. 3]; anything
    but green needs a reason. A second rating is a revision: the earlier one is kept."""
    _require_reviewer(acting_user)
    if return_obj.status not in JUDGEABLE_STATUSES:
        raise ValidationError({"status": "Judged metrics are rated once the return has been submitted."})
    if not judged_metric.applies_to_kind(return_obj.provider.kind):
        raise ValidationError({"judged_metric": f"{judged_metric.code} does not apply to this provider."})
    problems = rules.judgement_problems(rating, reason, allowed=tuple(judged_metric.descriptors))
    if problems:
        raise ValidationError(problems)
    with audited(acting_user):
        Return.objects.select_for_update().filter(pk=return_obj.pk).first()  # one rating at a time per return
        latest = (
            JudgedRating.objects.filter(return_obj=return_obj, judged_metric=judged_metric)
            .order_by("-revision")
            .first()
        )
        judgement = JudgedRating.objects.create(
            return_obj=return_obj,
            judged_metric=judged_metric,
            revision=latest.revision + 1 if latest else 1,
            rating=rating,
            descriptor=judged_metric.descriptors[rating],
            reason=(reason or "").strip(),
            rated_by=acting_user,
        )
        _store_ratings(return_obj)  # the judgement caps the figures it names: their combined rating changes
        return judgement


def judged_metric_for(return_obj, code):
    """The active judged metric `code` that applies to the return's provider, or a ValidationError."""
    judged = JudgedMetric.objects.filter(code=code, active=True).first()
    if judged is None or not judged.applies_to_kind(return_obj.provider.kind):
        raise ValidationError({"judged_metric": f"{code} is not a judged metric of this return."})
    return judged
