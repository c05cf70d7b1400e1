import django_filters
from django.utils import timezone

from core.bounds import BoundedFilterSet
from core.choices import OPEN_STATUSES, ActionSource, ActionStatus
from core.models import TrackedAction


class TrackedActionFilter(BoundedFilterSet):
    """One filterset for the tracker page and /api/v1/actions/."""

    source_kind = django_filters.ChoiceFilter(choices=ActionSource.choices, empty_label="Any source")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, empty_label="Any status")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")

    class Meta:
        model = TrackedAction
        fields = ["organisation", "source_kind", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        late = {"status__in": OPEN_STATUSES, "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
