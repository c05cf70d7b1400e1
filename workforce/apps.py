from django.apps import AppConfig

from core.choices import ALL_ROLES, ICB_ROLES, Role

MENU_ROLES = frozenset({Role.DESIGNATED, Role.HR, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.BOARD})


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce assurance"
    menu = [
        ("Workforce", "workforce:compliance", MENU_ROLES),
        ("Provider training", "workforce:providers", ALL_ROLES - {Role.AUDITOR}),
        ("My supervision", "workforce:my-sessions", ICB_ROLES - {Role.AUDITOR}),
    ]

    def ready(self):
        from auditlog.registry import auditlog

        from workforce import models

        auditlog.register(models.WorkforcePolicy)
        auditlog.register(models.TnaRequirement)
        auditlog.register(models.ColumnMapping)
        auditlog.register(models.CompetenceMapping)
        auditlog.register(models.StaffMember, exclude_fields=["updated_at"])
        auditlog.register(models.ExtractUpload)
        auditlog.register(models.TrainingRecord)  # an import's rows are logged in bulk (core.audit.log_bulk)
        auditlog.register(models.DbsCheck, mask_fields=["certificate_number"])
        auditlog.register(models.SupervisionAgreement)
        # The session's content is not copied into the audit trail: the auditor sees that it changed, not what.
        auditlog.register(models.SupervisionSession, mask_fields=list(models.SupervisionSession.CONTENT_FIELDS))
        auditlog.register(models.CapacityEntry)
        auditlog.register(models.PopulationFigures)
        auditlog.register(models.FrameworkVersion)
        auditlog.register(models.FrameworkLevel)
        auditlog.register(models.SupervisionRule)
