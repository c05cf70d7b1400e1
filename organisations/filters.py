"""One filterset per model, shared by the list page and the API."""

import django_filters
from django.db.models import Q

from core.filters import ScopedChoicesFilterSet
from organisations.choices import (
    PROVIDER_KINDS,
    CommissioningKind,
    CommissioningStage,
    ContactService,
    NotificationReason,
    OrganisationKind,
    SafeguardingRole,
    ScheduleAudience,
    SpecificationKind,
)
from organisations.models import (
    AssociateNotification,
    CommissioningEvent,
    Contract,
    Organisation,
    RoleHolder,
    SafeguardingContact,
    ServiceSpecification,
    Subcontractor,
    SupplierDueDiligence,
)
from organisations.rules import CHECKLIST_FIELDS


class OrganisationFilter(ScopedChoicesFilterSet):
    q = django_filters.CharFilter(method="search", label="Name or ODS code")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, empty_label="All kinds")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "parent", "archived"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(ods_code__iexact=value)) if value else queryset


class ContractFilter(ScopedChoicesFilterSet):
    safeguarding_schedule_included = django_filters.BooleanFilter()

    class Meta:
        model = Contract
        fields = ["provider", "lead_commissioner", "safeguarding_schedule_included"]


class RoleHolderFilter(ScopedChoicesFilterSet):
    role = django_filters.ChoiceFilter(choices=SafeguardingRole.choices)
    vacant = django_filters.BooleanFilter(method="filter_vacant")

    class Meta:
        model = RoleHolder
        fields = ["organisation", "role", "vacant"]

    def filter_vacant(self, queryset, name, value):
        return queryset.filter(holder_name="") if value else queryset.exclude(holder_name="")


# --- Commissioning with safeguarding in it ------------------------------------------------------------------------


def _provider_filter(field_name):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Organisation.objects.filter(kind__in=PROVIDER_KINDS), label="Provider"
    )


class CommissioningEventFilter(ScopedChoicesFilterSet):
    kind = django_filters.ChoiceFilter(choices=CommissioningKind.choices, empty_label="All kinds")
    stage = django_filters.ChoiceFilter(choices=CommissioningStage.choices, empty_label="All stages")
    provider = _provider_filter("provider")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = CommissioningEvent
        fields = ["kind", "stage", "provider", "archived"]


class ServiceSpecificationFilter(ScopedChoicesFilterSet):
    provider = _provider_filter("contract__provider")
    kind = django_filters.ChoiceFilter(choices=SpecificationKind.choices, empty_label="Specifications and SLAs")
    audience = django_filters.ChoiceFilter(choices=ScheduleAudience.choices, empty_label="Children and adults")
    incomplete = django_filters.BooleanFilter(method="filter_incomplete", label="Missing checklist items")

    class Meta:
        model = ServiceSpecification
        fields = ["provider", "kind", "audience", "incomplete"]

    def filter_incomplete(self, queryset, name, value):
        complete = Q(**dict.fromkeys(CHECKLIST_FIELDS, True))
        return queryset.exclude(complete) if value else queryset.filter(complete)


class SubcontractorFilter(ScopedChoicesFilterSet):
    provider = _provider_filter("contract__provider")

    class Meta:
        model = Subcontractor
        fields = ["provider"]


class AssociateNotificationFilter(ScopedChoicesFilterSet):
    provider = _provider_filter("contract__provider")
    reason = django_filters.ChoiceFilter(choices=NotificationReason.choices, empty_label="Any reason")
    notified = django_filters.BooleanFilter(field_name="notified_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = AssociateNotification
        fields = ["provider", "reason", "notified"]


class SupplierDueDiligenceFilter(ScopedChoicesFilterSet):
    provider = _provider_filter("contract__provider")

    class Meta:
        model = SupplierDueDiligence
        fields = ["provider"]


class SafeguardingContactFilter(ScopedChoicesFilterSet):
    """The contacts directory: by organisation, service, or a word of the team or notes."""

    q = django_filters.CharFilter(method="search", label="Team, organisation or notes")
    service = django_filters.ChoiceFilter(choices=ContactService.choices, empty_label="Every service")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = SafeguardingContact
        fields = ["q", "organisation", "service", "archived"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(
            Q(team__icontains=value) | Q(organisation__name__icontains=value) | Q(notes__icontains=value)
        )
