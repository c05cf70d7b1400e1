"""One filterset per register, shared by the list page and the API: reference or pseudonymous
subject reference, open or closed, organisation, archived."""

import django_filters
from django.db.models import Q

from core.bounds import BoundedFilterSet


class RegisterFilter(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label="Reference")
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open"), ("closed", "Closed")], method="by_status", empty_label="Open and closed"
    )
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = Q(reference__icontains=value)
        for field in queryset.model.pseudonym_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    def by_status(self, queryset, name, value):
        if not value or not hasattr(queryset.model, "closed_on"):
            return queryset
        return queryset.filter(closed_on__isnull=value == "open")


def filter_for(model):
    meta = type("Meta", (), {"model": model, "fields": ["q", "status", "organisation", "archived"]})
    return type(f"{model.__name__}Filter", (RegisterFilter,), {"Meta": meta})
