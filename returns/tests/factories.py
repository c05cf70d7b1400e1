"""Build returns through the real actions: figures for every applicable metric that pass validation."""

import datetime as dt
from decimal import Decimal

from returns import actions, catalogue, rules
from returns.rules import Entry, Quarter

Q = Quarter(2025, 4)  # January to March 2026: ended, due 30 April 2026


def split(num, den, categories, percent=True):
    """Everything in the first category, zeros in the rest: a breakdown that adds up."""
    rows = {c: (Decimal(0), Decimal(0) if percent else None) for c in categories}
    rows[categories[0]] = (Decimal(num), Decimal(den) if percent else None)
    return rows


def entries_for(provider, pct=(80, 100), count=4, overrides=None, broken_down=True):
    authorities = catalogue.local_authorities_for(provider.icb_id)
    entries = {}
    for metric in catalogue.metrics_for(provider.kind):
        if metric.unit == "percentage":
            num, den = (overrides or {}).get(metric.code, pct)
            entry = Entry(numerator=Decimal(num), denominator=Decimal(den))
        elif metric.unit == "count":
            num = (overrides or {}).get(metric.code, count)
            entry = Entry(numerator=Decimal(num))
        elif metric.unit == "yes_no":
            entry = Entry(numerator=Decimal(1))
        else:
            entry = Entry(date_value=dt.date(2025, 8, 20))
        if broken_down:
            for dimension in metric.breakdowns:
                codes = [c for c, _ in catalogue.categories(dimension, authorities)]
                entry.breakdown[dimension] = split(
                    entry.numerator, entry.denominator or 0, codes, metric.unit == "percentage"
                )
        if not broken_down and metric.breakdowns:
            entry.explanation = "Our system cannot break these figures down yet."
        entries[metric.code] = entry
    return entries


def submitted_return(provider, quarter=Q, user=None, **kwargs):
    ret = actions.get_or_start_return(provider=provider, quarter=quarter, acting_user=user)
    actions.do_save_figures(ret, entries=entries_for(provider, **kwargs), acting_user=user)
    return actions.do_submit_return(ret, acting_user=user)


def rating_of(ret, code):
    """The stored rating of `code` in the return's latest submitted version, once the queued re-rating jobs have run;
    it must agree with the rating computed afresh from the rules."""
    from core import jobs
    from returns import reports

    jobs.run_pending()
    ret.refresh_from_db()
    version = reports.latest_submitted_versions([ret])[ret.pk]
    metrics = catalogue.metrics_for(ret.provider.kind)
    fresh = reports.rate_versions([version], reports.SchemeBook([ret.provider_id], metrics), metrics)
    stored = reports.stored_ratings([version], metrics, judged_ids=set())
    assert stored[version.pk][code].rating == fresh[version.pk][code].rating
    return stored[version.pk][code].rating


__all__ = ["Q", "entries_for", "submitted_return", "rating_of", "rules"]
