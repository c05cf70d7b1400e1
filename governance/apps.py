from django.apps import AppConfig

from core.choices import Role


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance: committees, policies, risks and provider annual reports"
    menu = [
        (
            "Governance",
            "governance:index",
            frozenset(
                {
                    Role.DESIGNATED,
                    Role.ADMINISTRATOR,
                    Role.EXECUTIVE,
                    Role.BOARD,
                    Role.CONTRACTS,
                    Role.AUDITOR,
                    Role.PROVIDER,
                }
            ),
        ),
    ]

    def ready(self):
        from auditlog.registry import auditlog

        from governance import models

        for model in (
            models.Committee,
            models.Meeting,
            models.Paper,
            models.Decision,
            models.Policy,
            models.PolicyDocument,
            models.Risk,
            models.RiskScore,
            models.RiskEscalation,
            models.AnnualReport,
            models.MonitoringCheck,
            models.MonitoringCheckRecord,
        ):
            auditlog.register(model)
