from django.apps import AppConfig

from core.choices import ALL_ROLES, ICB_ROLES


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Statutory reviews and learning"
    menu = [
        ("Reviews", "reviews:list", ALL_ROLES),
        ("Learning", "reviews:learning", ICB_ROLES),
        ("Section 42 enquiries", "reviews:enquiries", ICB_ROLES),
    ]

    def ready(self):
        from auditlog.registry import auditlog

        from reviews import models

        auditlog.register(models.Review, m2m_fields={"themes", "linked_reviews"}, exclude_fields=["updated_at"])
        auditlog.register(models.Involvement)
        auditlog.register(models.Contribution)
        auditlog.register(models.Recommendation, m2m_fields={"organisations"})
        auditlog.register(models.LearningEntry)
        auditlog.register(models.ReviewKind)
        auditlog.register(models.MilestoneRule)
        auditlog.register(models.Theme)
        auditlog.register(models.NonParticipation)
        auditlog.register(models.SafeguardingEnquiry, m2m_fields={"reviews"}, exclude_fields=["updated_at"])
