from django.contrib import admin

from organisations.models import Contract, Organisation, RoleHolder, RoleRequirement


class NoDeleteAdmin(admin.ModelAdmin):
    """Records with history are archived, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteAdmin):
    list_display = ["name", "ods_code", "kind", "parent", "archived_at"]
    list_filter = ["kind"]
    search_fields = ["name", "ods_code"]


@admin.register(Contract)
class ContractAdmin(NoDeleteAdmin):
    list_display = ["reference", "provider", "start_date", "end_date", "safeguarding_schedule_included"]


@admin.register(RoleHolder)
class RoleHolderAdmin(NoDeleteAdmin):
    list_display = ["organisation", "role", "holder_name", "archived_at"]


@admin.register(RoleRequirement)
class RoleRequirementAdmin(admin.ModelAdmin):
    list_display = ["kind", "role", "condition", "source"]
    list_filter = ["kind", "condition"]
