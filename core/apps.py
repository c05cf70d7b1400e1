from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Vigil core"

    def ready(self):
        from auditlog.registry import auditlog

        from core.models import ActionUpdate, ApiToken, ClosureDay, TrackedAction

        auditlog.register(ClosureDay)
        auditlog.register(TrackedAction)
        auditlog.register(ActionUpdate)
        auditlog.register(ApiToken, exclude_fields=["key_digest", "last_used"])
