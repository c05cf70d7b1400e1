"""Reference data (framework versions and levels, supervision rules) is edited here; the ICB's records
are changed through the pages, which audit every change."""

from django.contrib import admin

from workforce.models import FrameworkLevel, FrameworkVersion, SupervisionRule


class FrameworkLevelInline(admin.TabularInline):
    model = FrameworkLevel
    extra = 0


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "topic", "effective_from", "effective_to"]
    inlines = [FrameworkLevelInline]


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "supervisee_group", "unit", "amount", "source"]
