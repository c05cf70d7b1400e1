from django.apps import AppConfig

from core.choices import Role

# Every role that reads at least one register; the auditor sees the access log only.
CASEWORK_ROLES = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.HR, Role.PROVIDER})
UNMASKED_FIELDS = frozenset({"id", "reference", "created_at", "updated_at", "archived_at", "created_by", "version"})


def redact(value):
    """What the audit trail stores for a restricted field: that it changed, never its value."""
    return "" if value in ("", "None") else "[restricted]"


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Restricted casework registers"
    menu = [
        ("Casework", "casework:index", CASEWORK_ROLES),
        ("What needs doing", "casework:due", CASEWORK_ROLES),
        ("Casework access log", "casework:access-index", frozenset({Role.AUDITOR})),
    ]

    def ready(self):
        from auditlog.registry import auditlog

        from casework import models

        for model in (*models.REGISTER_MODELS, models.EscalationStage, models.InformationRequest):
            masked = [f.name for f in model._meta.concrete_fields if f.name not in UNMASKED_FIELDS]
            reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
            auditlog.register(model, mask_fields=masked, mask_callable="casework.apps.redact", exclude_fields=reverse)
