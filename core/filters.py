import django_filters
from django.db.models import Q
from django.utils import timezone
from django_filters.filters import QuerySetRequestMixin

from core.bounds import BoundedValuesMixin
from core.choices import OPEN_STATUSES, ActionSource, ActionStatus
from core.models import TrackedAction


class ScopedChoicesFilterSet(BoundedValuesMixin, django_filters.FilterSet):
    """The base of every filterset, for the pages and the API alike (pass `request=`).

    Every choice of a related record (an organisation, a cycle, a review...) is limited to what the
    requesting user may view: the records `restrict` gives them, or the ones their own (already scoped)
    records point at. So an id of another ICB's record answers exactly like an id that does not exist:
    the same 400 in the API, ignored on a page. Reference data without an `access` (kinds, themes,
    frameworks) is shared by every ICB and left as it is.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if isinstance(filter_, QuerySetRequestMixin) and filter_.queryset is not None:
                filter_.queryset = self._visible(filter_.get_queryset(request), filter_.field_name, user)

    def _visible(self, choices, field_name, user):
        access = getattr(choices.model, "access", None)
        if access is None:
            return choices
        visible = Q(pk__in=self.queryset.values(field_name)) if self.queryset is not None else Q(pk__in=[])
        if getattr(user, "role", None) in access.view:
            visible |= Q(pk__in=choices.model.objects.restrict(user).values("pk"))
        return choices.filter(visible)


class TrackedActionFilter(ScopedChoicesFilterSet):
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
