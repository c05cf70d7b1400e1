"""One filterset per model, shared by the list page and the API."""

import django_filters
from django.db.models import Q

from core.filters import ScopedChoicesFilterSet
from organisations.choices import ContactService, OrganisationKind, SafeguardingRole
from organisations.models import Contract, Organisation, RoleHolder, SafeguardingContact


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
