"""Governance records are changed through the pages and the API (audited actions); the admin only lists them."""

from django.contrib import admin

from governance.models import Committee


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "icb"]
    readonly_fields = ["icb"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
