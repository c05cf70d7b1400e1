from django.apps import AppConfig

from core.choices import ALL_ROLES, ICB_ROLES


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations, contracts and role holders"
    menu = [
        ("Organisations", "organisations:list", ALL_ROLES),
        ("Role gaps", "organisations:gaps", ICB_ROLES),
        ("Contracts", "organisations:contracts", ALL_ROLES),
        ("Commissioning", "organisations:commissioning", ICB_ROLES),
        ("Specifications", "organisations:specifications", ALL_ROLES),
        ("Safeguarding contacts", "organisations:contacts", ALL_ROLES),
    ]

    def ready(self):
        from auditlog.registry import auditlog

        from organisations import models

        auditlog.register(models.Organisation)
        auditlog.register(models.Contract, m2m_fields={"associate_commissioners"})
        auditlog.register(models.RoleHolder)
        auditlog.register(models.RoleRequirement)
        for model in (
            models.CommissioningEvent,
            models.DesignatedConsultation,
            models.ServiceSpecification,
            models.Subcontractor,
            models.AssociateNotification,
            models.ModernSlaveryStatement,
            models.SupplierDueDiligence,
        ):
            auditlog.register(model)
        auditlog.register(models.SafeguardingContact)
