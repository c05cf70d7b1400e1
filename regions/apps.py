from django.apps import AppConfig

from core.choices import REGIONAL_ROLES


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = "Regional and national roll-ups"
    serves_nhs_england = True  # its home panels are the ones NHS England's roles see (core.home)
    menu = [("Regions", "regions:index", REGIONAL_ROLES)]

    def ready(self):
        from auditlog.registry import auditlog

        from regions.models import AssuranceReturn

        auditlog.register(AssuranceReturn)
