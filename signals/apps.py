from django.apps import AppConfig

# Audit entries of person-level records say what changed and when, never the value (an NHS number, a date of
# birth, an outcome): the auditor reads the access log, not the content.
UNMASKED_FIELDS = frozenset(
    {"id", "organisation", "created_at", "updated_at", "archived_at", "version", "status", "signal", "upload"}
)


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = "Child-level safeguarding signals"

    def ready(self):
        from auditlog.registry import auditlog

        from signals import jobs, models  # noqa: F401 - registers the stored jobs

        for model in models.PERSON_LEVEL_MODELS:
            masked = [f.name for f in model._meta.concrete_fields if f.name not in UNMASKED_FIELDS]
            reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
            auditlog.register(model, mask_fields=masked, mask_callable="casework.apps.redact", exclude_fields=reverse)
        # The evaluation marker is bookkeeping of the evaluation, not a setting: not audited (nor versioned).
        auditlog.register(models.SignalRule, exclude_fields=["updated_at", "evaluated_up_to"])
        auditlog.register(models.GpCodePair)
