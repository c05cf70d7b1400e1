from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations, contracts and role holders"

    def ready(self):
        from auditlog.registry import auditlog

        from organisations import models

        auditlog.register(models.Organisation)
        auditlog.register(models.Contract, m2m_fields={"associate_commissioners"})
        auditlog.register(models.RoleHolder)
        auditlog.register(models.RoleRequirement)
