"""The restricted registers are deliberately not in the Django admin, because the admin would show their content
without logging the view. They are read and changed only through the casework pages and API, which log every view
and export. Only the reference data of escalation procedures is here: which ICBs follow which procedure."""

from django.contrib import admin

from casework.models import EscalationProcedure


@admin.register(EscalationProcedure)
class EscalationProcedureAdmin(admin.ModelAdmin):
    """Choose the ICBs that follow each procedure; the procedures themselves are shipped data."""

    list_display = ["name", "code", "source"]
    readonly_fields = ["code", "name", "source", "definition"]
    filter_horizontal = ["icbs"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "icbs":
            from organisations.choices import OrganisationKind
            from organisations.models import Organisation

            kwargs["queryset"] = Organisation.objects.filter(kind=OrganisationKind.ICB)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
