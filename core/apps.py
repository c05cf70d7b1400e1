from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Vigil core"

    def ready(self):
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from core.audit import stamp_icb
        from core.models import ActionUpdate, ApiToken, ClosureDay, TrackedAction

        post_save.connect(stamp_icb, sender=LogEntry, dispatch_uid="core.audit.stamp_icb")
        auditlog.register(ClosureDay)
        auditlog.register(TrackedAction)
        auditlog.register(ActionUpdate)
        auditlog.register(ApiToken, exclude_fields=["key_digest", "last_used"])
