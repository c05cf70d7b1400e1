"""The metric catalogue: shipped as versioned data (returns/data/catalogue.json), loaded idempotently."""

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from returns import rules

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.json"


@lru_cache(maxsize=1)
def data():
    return json.loads(CATALOGUE_FILE.read_text())


def expand_kinds(applies_to, groups=None):
    groups = data()["kind_groups"] if groups is None else groups
    kinds = []
    for item in applies_to:
        kinds += groups.get(item, [item])
    return sorted(set(kinds))


def sync_catalogue(metric_model, rule_model, scheme_model=None, catalogue=None):
    """Create missing metrics and rules; update metrics when the file's version is newer. Loading twice
    changes nothing. Takes the model classes so that a data migration can pass its historical models.

    With `scheme_model`, default schemes are dated: a metric's first scheme applies from the beginning; a newer
    catalogue version that changes it adds a scheme from the metric's `scheme_from` quarter (e.g. "2027/28 Q1"),
    so earlier quarters keep their rating (without `scheme_from` the new scheme applies to every quarter).
    `catalogue`: a frozen copy a data migration passes (default: the data file)."""
    catalogue = data() if catalogue is None else catalogue
    version = catalogue["version"]
    changed = 0
    rescheme = []  # (metric id, first quarter) whose stored ratings a new default scheme changes
    for position, row in enumerate(catalogue["metrics"]):
        fields = {
            "title": row["title"],
            "definition": row["definition"],
            "unit": row["unit"],
            "applies_to": expand_kinds(row["applies_to"], catalogue["kind_groups"]),
            "breakdowns": row["breakdowns"],
            "scheme": row["scheme"],
            "source": row["source"],
            "main": row.get("main", False),
            "position": position,
            "catalogue_version": version,
        }
        metric = metric_model.objects.filter(code=row["code"]).first()
        if metric is None:
            metric = metric_model.objects.create(code=row["code"], **fields)
            if scheme_model is not None:
                scheme_model.objects.create(
                    metric=metric, effective_from=0, scheme=row["scheme"], catalogue_version=version
                )
            changed += 1
        elif metric.catalogue_version < version:
            if scheme_model is not None and metric.scheme != row["scheme"]:
                start = rules.Quarter.parse(row["scheme_from"]).index if row.get("scheme_from") else 0
                scheme_model.objects.update_or_create(
                    metric=metric,
                    effective_from=start,
                    defaults={"scheme": row["scheme"], "catalogue_version": version},
                )
                rescheme.append((metric.pk, start))
            for name, value in fields.items():
                setattr(metric, name, value)
            metric.save()
            changed += 1
    for row in catalogue["validation_rules"]:
        parameter = Decimal(row["parameter"]) if row.get("parameter") is not None else None
        _, created = rule_model.objects.get_or_create(
            code=row["code"], defaults={"title": row["title"], "severity": row["severity"], "parameter": parameter}
        )
        changed += created
    _enqueue_rerate(scheme_model, rescheme)
    return changed


def _enqueue_rerate(scheme_model, rescheme):
    """A default scheme changed: queue the stored job that re-rates the values it affects (returns.ratings). A data
    migration (historical models) rates in the migration itself instead: `ratings.rerate(get_model=apps.get_model)`."""
    from returns.models import MetricScheme

    if not rescheme or scheme_model is not MetricScheme:
        return
    from returns import ratings

    ratings.enqueue_rerate(metric_ids=sorted({pk for pk, _ in rescheme}), from_period=min(s for _, s in rescheme))


def dimension_title(code):
    return data()["dimensions"].get(code, {}).get("title", code)


def categories(dimension, local_authorities=()):
    """[(code, label)] of a dimension; the local-authority dimension lists the ICB's local authorities."""
    spec = data()["dimensions"][dimension]["categories"]
    if spec == "local_authorities":
        return [*local_authorities, ("other", "Other or out of area")]
    return [tuple(c) for c in spec]


def local_authorities_for(icb_id):
    from organisations.reports import local_authorities

    return [(org.ods_code or f"LA{org.pk}", org.name) for org in local_authorities(icb_id)]


def specs_for(metrics, local_authorities=()):
    """{code: rules.MetricSpec} for validation."""
    return {
        m.code: rules.MetricSpec(
            code=m.code,
            title=m.title,
            unit=m.unit,
            breakdowns={d: tuple(c for c, _ in categories(d, local_authorities)) for d in m.breakdowns},
        )
        for m in metrics
    }


def metrics_for(kind, metric_model=None):
    from returns.models import Metric

    model = metric_model or Metric
    return [m for m in model.objects.filter(active=True) if m.applies_to_kind(kind)]


JUDGED_FILE = Path(__file__).parent / "data" / "judged_metrics.json"


@lru_cache(maxsize=1)
def judged_data():
    return json.loads(JUDGED_FILE.read_text())


def sync_judged_metrics(judged_model):
    """Create missing judged metrics; update them when the file's version is newer than the row's (so the
    descriptors are loaded once per catalogue version). Loading twice changes nothing. A rating keeps the
    descriptor wording it chose, so a later version never rewrites what was decided."""
    catalogue = judged_data()
    version = catalogue["version"]
    changed = 0
    for position, row in enumerate(catalogue["judged_metrics"]):
        fields = {
            "title": row["title"],
            "source": row["source"],
            "applies_to": expand_kinds(row["applies_to"]),
            "evidence": row["evidence"],
            "descriptors": row["descriptors"],
            "caps": row["caps"],
            "facts": row["facts"],
            "position": position,
            "catalogue_version": version,
        }
        judged = judged_model.objects.filter(code=row["code"]).first()
        if judged is None:
            judged_model.objects.create(code=row["code"], **fields)
            changed += 1
        elif judged.catalogue_version < version:
            judged_model.objects.filter(pk=judged.pk).update(**fields)
            changed += 1
    from returns.models import JudgedMetric

    if changed and judged_model is JudgedMetric:  # what a judgement caps may have changed: re-rate (returns.ratings)
        from returns import ratings

        ratings.enqueue_rerate()
    return changed


def judged_metrics_for(kind):
    from returns.models import JudgedMetric

    return [j for j in JudgedMetric.objects.filter(active=True) if j.applies_to_kind(kind)]
