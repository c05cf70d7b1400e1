from django.apps import AppConfig

from core.choices import ALL_ROLES, ICB_ROLES


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Standards assurance"
    menu = [
        ("Assessments", "assurance:assessments", ALL_ROLES),
        ("Assurance cycles", "assurance:cycles", ICB_ROLES),
        ("Assurance roll-up", "assurance:rollup", ICB_ROLES),
        ("ICB duties", "assurance:icb-duties", ICB_ROLES),
        ("Inspections and regulators", "assurance:inspections", ALL_ROLES),
    ]

    def ready(self):
        from auditlog.registry import auditlog

        from assurance import models

        auditlog.register(models.Cycle)
        auditlog.register(models.Assessment)
        auditlog.register(models.Response)
        auditlog.register(models.Evidence, exclude_fields=["file"])
        auditlog.register(models.ReviewComment)
        auditlog.register(models.ChildrenInCareSpecification)
        auditlog.register(models.FundingPanelAssurance)
        auditlog.register(models.CqcRegistration)
        auditlog.register(models.Inspection)
        auditlog.register(models.RegulatoryNotice)
