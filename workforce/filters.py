import django_filters

from core.filters import ScopedChoicesFilterSet
from workforce.choices import StaffStatus
from workforce.models import StaffMember


class StaffFilter(ScopedChoicesFilterSet):
    staff_group = django_filters.CharFilter(lookup_expr="iexact")
    role = django_filters.CharFilter(lookup_expr="icontains")
    status = django_filters.ChoiceFilter(choices=StaffStatus.choices)

    class Meta:
        model = StaffMember
        fields = ["staff_group", "role", "status", "regulated_activity"]
