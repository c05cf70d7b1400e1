from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from core.models import ClosureDay, User


@admin.register(User)
class VigilUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Vigil", {"fields": ("role", "organisation")}),)
    list_display = ["username", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "reason", "icb"]
