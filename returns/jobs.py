"""Stored jobs of the returns module (run by `manage.py run_worker`)."""

from django.db import transaction

from core.jobs import on_worker_start, register_job


@register_job("returns.rerate")
def rerate(payload):
    """Re-rate the returns a scheme or contract override change affects (returns.ratings.rerate), in the database.
    Payload: any of provider_ids, metric_ids, from_period, return_ids; empty re-rates everything."""
    from returns import ratings

    scope = {key: payload[key] for key in ("return_ids", "provider_ids", "metric_ids", "from_period") if key in payload}
    return ratings.rerate(**scope)


def _has_gap_band(scheme):
    return any(band[-1] == "gap" for band in (scheme or {}).get("bands", []))


def metrics_rated_with_gap():
    """Ids of the metrics any of whose schemes (default, dated or a contract's override) rates a gap band."""
    from returns.models import Metric, MetricScheme, ThresholdOverride

    ids = {pk for pk, scheme in Metric.objects.values_list("pk", "scheme") if _has_gap_band(scheme)}
    for model in (MetricScheme, ThresholdOverride):
        ids |= {pk for pk, scheme in model.objects.values_list("metric_id", "scheme") if _has_gap_band(scheme)}
    return ids


def metrics_capped_by_judgements():
    from returns.models import JudgedMetric, Metric

    codes = {code for caps in JudgedMetric.objects.values_list("caps", flat=True) for code in caps}
    return set(Metric.objects.filter(code__in=codes).values_list("pk", flat=True))


@on_worker_start
def rerate_if_settings_changed():
    """Queue the re-rating of the metrics a changed RETURNS_MULTI_AGENCY_GAP_RATING or RETURNS_JUDGED_CAPS affects,
    and record the settings now in force. The first record queues nothing: ratings are written with the settings
    of the process that writes them, so a new database is already rated with them. Returns the job or None."""
    from returns import conf, ratings
    from returns.models import RatingSettings

    gap, caps = conf.multi_agency_gap_rating(), conf.judged_caps()
    with transaction.atomic():
        recorded = RatingSettings.objects.select_for_update().first()
        if recorded is None:
            RatingSettings.objects.create(gap_rating=gap, judged_caps=caps)
            return None
        metric_ids = set()
        if recorded.gap_rating != gap:
            metric_ids |= metrics_rated_with_gap()
        if recorded.judged_caps != caps:
            metric_ids |= metrics_capped_by_judgements()
        if (recorded.gap_rating, recorded.judged_caps) == (gap, caps):
            return None
        recorded.gap_rating, recorded.judged_caps = gap, caps
        recorded.save()
        return ratings.enqueue_rerate(metric_ids=metric_ids) if metric_ids else None
