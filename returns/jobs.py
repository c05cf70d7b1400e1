"""Stored jobs of the returns module (run by `manage.py run_worker`)."""

from core.jobs import register_job


@register_job("returns.rerate")
def rerate(payload):
    """Re-rate the returns a scheme or contract override change affects (returns.ratings.rerate), in the database.
    Payload: any of provider_ids, metric_ids, from_period, return_ids; empty re-rates everything."""
    from returns import ratings

    scope = {key: payload[key] for key in ("return_ids", "provider_ids", "metric_ids", "from_period") if key in payload}
    return ratings.rerate(**scope)
