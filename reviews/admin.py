"""Reference data (review kinds, milestone rules, themes) is edited here; reviews are changed through the pages."""

from django.contrib import admin

from reviews.models import MilestoneRule, ReviewKind, Theme


class MilestoneRuleInline(admin.TabularInline):
    model = MilestoneRule
    extra = 0


@admin.register(ReviewKind)
class ReviewKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "active"]
    inlines = [MilestoneRuleInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]
