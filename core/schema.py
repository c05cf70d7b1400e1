"""The OpenAPI schema's shape: every operation tagged with the module it belongs to, so the API docs read by
module (Organisations, Standards assurance, Quarterly returns...) rather than as one list."""

from django.apps import apps
from drf_spectacular.openapi import AutoSchema


class ModuleAutoSchema(AutoSchema):
    def get_tags(self):
        app_label = type(self.view).__module__.split(".")[0]
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            return super().get_tags()
        return ["Shared: actions, calendar and audit" if app_label == "core" else str(config.verbose_name)]


class SingleObjectSchema(ModuleAutoSchema):
    """For a `list` route that answers one object (a summary, not a list of records)."""

    def _is_list_view(self, serializer=None):
        return False
