from django.contrib import admin

from assurance.models import Framework, Requirement, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    readonly_fields = ["code", "title", "order"]
    can_delete = False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Read-only: framework versions are loaded from data files and never edited (see load_frameworks)."""

    list_display = ["name", "version", "effective_date", "key"]
    inlines = [SectionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["code", "framework", "title"]
    list_filter = ["framework"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
