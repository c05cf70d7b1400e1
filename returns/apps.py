from django.apps import AppConfig

from core.choices import ALL_ROLES, ICB_ROLES


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Quarterly provider returns"
    menu = [
        ("Returns", "returns:list", ALL_ROLES),
        ("RAG matrix", "returns:matrix", ICB_ROLES),
    ]

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from returns import jobs, models  # noqa: F401 - jobs registers the re-rating job

        for model in (
            models.Metric,
            models.MetricScheme,
            models.ValidationRule,
            models.ThresholdOverride,
            models.Return,
            models.ReturnVersion,
            models.MetricValue,
            models.BreakdownValue,
            models.JudgedMetric,
            models.JudgementEvidence,
            models.JudgedRating,
            models.JudgementAttachment,
            models.RatingSettings,
        ):
            auditlog.register(model, exclude_fields=STORED_RATING_FIELDS)
        post_migrate.connect(_check_rating_settings, sender=self)


def _check_rating_settings(using="default", plan=None, **kwargs):
    """After `migrate` (every deployment runs it), as at a worker's start: a changed rating setting queues the
    re-rating it needs. Skipped when migrating backwards or before the table exists."""
    from django.db import connections

    from returns.jobs import rerate_if_settings_changed
    from returns.models import RatingSettings

    if plan and any(backwards for _migration, backwards in plan):
        return
    if RatingSettings._meta.db_table in connections[using].introspection.table_names():
        rerate_if_settings_changed()


# Derived by returns.ratings from audited figures, schemes and judgements: not audited themselves.
STORED_RATING_FIELDS = [
    "numeric_rating",
    "rating",
    "judged_rating",
    "rating_driver",
    "capped_by",
    "target_met",
    "scheme_default",
    "scheme_override",
    "red_count",
    "amber_count",
    "to_rate_count",
]
