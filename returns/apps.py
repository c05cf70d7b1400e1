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
        ):
            auditlog.register(model, exclude_fields=STORED_RATING_FIELDS)


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
