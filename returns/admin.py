from django.contrib import admin

from returns.models import Metric, MetricScheme, Return, ThresholdOverride, ValidationRule


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "unit", "main", "active", "catalogue_version"]
    list_filter = ["unit", "main", "active"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "severity", "parameter", "active"]


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ["provider", "period", "status", "due_date", "first_submitted_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Return._meta.fields]


@admin.register(ThresholdOverride)
class ThresholdOverrideAdmin(admin.ModelAdmin):
    list_display = ["contract", "metric", "effective_from", "created_by", "created_at"]
    readonly_fields = [f.name for f in ThresholdOverride._meta.fields]


@admin.register(MetricScheme)
class MetricSchemeAdmin(admin.ModelAdmin):
    list_display = ["metric", "effective_from", "catalogue_version", "created_at"]
