from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting: board-grade reports, approval and frozen versions"

    def ready(self):
        from auditlog.registry import auditlog

        from reporting import jobs, models  # noqa: F401 - jobs registers the build job

        for model in (models.Report, models.ReportNarrative, models.ReportFile):
            auditlog.register(model)
