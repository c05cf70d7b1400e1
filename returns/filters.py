"""One filterset for returns, shared by the list page and the API."""

import django_filters

from core.bounds import BoundedFilterSet
from organisations.choices import OrganisationKind
from returns import rules
from returns.choices import ReturnStatus
from returns.models import Return


class ReturnFilter(BoundedFilterSet):
    quarter = django_filters.CharFilter(method="filter_quarter", label="Quarter (e.g. 2026/27 Q2)")
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(
        field_name="provider__kind", choices=OrganisationKind.choices, empty_label="All kinds", label="Provider kind"
    )

    class Meta:
        model = Return
        fields = ["quarter", "status", "kind", "provider"]

    def filter_quarter(self, queryset, name, value):
        try:
            return queryset.filter(period=rules.Quarter.parse(value).index)
        except ValueError:
            return queryset.none()
