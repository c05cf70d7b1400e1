"""The child-level signals' counts in the quarterly return (issue 13 item 1): nothing typed twice, nothing
person-level reaching the ICB.

- Three count metrics (catalogue version 5, returns migration 0014): SIG-S1 children meeting the unscheduled care
  rule, SIG-REV signal reviews completed within the provider's own timescale, SIG-DA families with repeat domestic
  abuse discussed with the designated nurse; for GP practices, acute and community providers.
- `prefill_signals`: when a return is started, each of them is filled from the provider's signals module
  (`counts_for`, over the signals read side), marked "prefilled from the signals module", unless a figure is
  already there (never overwritten); a provider that keeps no signals in Vigil gets nothing prefilled.
- `shown`: wherever the figures are read (matrix, return page, trend, exports, API for the ICB) 1 to 4 is shown
  as "fewer than 5" (reference part C4: counts per small practice must not identify a child).
"""

from core import suppression
from core.actions import save_fields

SIGNAL_METRICS = ("SIG-S1", "SIG-REV", "SIG-DA")
SIGNALS_MODULE = "signals module"


def suppress(count):
    """1 to N as "fewer than N+1" (core.suppression, the one rule and setting for every count the ICB sees)."""
    return None if count is None else suppression.suppress(count)


def is_suppressed(metric):
    return getattr(metric, "code", metric) in SIGNAL_METRICS


def shown(metric, numerator):
    """A stored figure as it may be shown outside the provider's own form."""
    return suppress(numerator) if is_suppressed(metric) else numerator


def counts_for(provider, quarter):
    """{metric code: count} for `provider`'s quarter from the signals read side, or None when the provider keeps
    no signals in Vigil (then nothing is prefilled)."""
    from django.apps import apps

    if not apps.is_installed("signals"):
        return None
    from signals import quarter_counts

    return quarter_counts.counts(provider, quarter)


def prefill_signals(version, *, acting_user=None):
    """Fill the signals metrics of a return's working version; returns the MetricValues filled."""
    from returns.models import Metric, MetricValue

    return_obj = version.return_obj
    provider = return_obj.provider
    metrics = [
        m for m in Metric.objects.filter(code__in=SIGNAL_METRICS, active=True) if m.applies_to_kind(provider.kind)
    ]
    if not metrics:
        return []
    counts = counts_for(provider, return_obj.quarter)
    if counts is None:
        return []
    existing = {v.metric_id: v for v in version.values.filter(metric__in=metrics)}
    filled = []
    for metric in metrics:
        value = existing.get(metric.pk)
        if value is not None and value.numerator is not None:
            continue  # a figure already there is the provider's: never overwritten
        if value is None:
            value = MetricValue.objects.create(version=version, metric=metric)
        save_fields(
            value, {"numerator": counts.get(metric.code, 0), "prefilled_from": SIGNALS_MODULE}, acting_user=acting_user
        )
        filled.append(value)
    return filled
