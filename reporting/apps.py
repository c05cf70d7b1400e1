from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Minimal stand-in so the render branch's tests run; the reporting branch's apps.py wins on merge."""

    name = "reporting"
    verbose_name = "Reports: board-grade reports from every module"
