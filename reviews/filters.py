"""One filterset per model, shared by the pages and the API."""

import django_filters
from django.db.models import Q

from core.bounds import out_of_range
from core.filters import ScopedChoicesFilterSet
from reviews.choices import ACTIVE_STATUSES, ContributionKind, ContributionStatus, ReviewStatus
from reviews.models import (
    Contribution,
    LearningEntry,
    NonParticipation,
    Recommendation,
    Review,
    ReviewKind,
    SafeguardingEnquiry,
    Theme,
)


class ReviewFilter(ScopedChoicesFilterSet):
    q = django_filters.CharFilter(method="search", label="Reference or subject")
    kind = django_filters.ModelChoiceFilter(
        queryset=ReviewKind.objects.all(), to_field_name="code", empty_label="All kinds"
    )
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, empty_label="Any status")
    theme = django_filters.ModelChoiceFilter(field_name="themes", queryset=Theme.objects.all(), empty_label="Any theme")
    active = django_filters.BooleanFilter(method="filter_active", label="Open or under way")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Review
        fields = ["q", "kind", "status", "theme", "active", "archived", "lead_partnership"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(subject_reference__icontains=value)
        digits = value[1:]
        if value.upper().startswith("R") and digits.isascii() and digits.isdigit() and not out_of_range(digits):
            condition |= Q(pk=int(digits))
        return queryset.filter(condition)

    def filter_active(self, queryset, name, value):
        return queryset.filter(status__in=ACTIVE_STATUSES) if value else queryset.exclude(status__in=ACTIVE_STATUSES)


class ContributionFilter(ScopedChoicesFilterSet):
    review = django_filters.NumberFilter(field_name="involvement__review")
    organisation = django_filters.NumberFilter(field_name="involvement__organisation")
    kind = django_filters.ChoiceFilter(choices=ContributionKind.choices)
    status = django_filters.ChoiceFilter(choices=ContributionStatus.choices)

    class Meta:
        model = Contribution
        fields = ["review", "organisation", "kind", "status"]


class RecommendationFilter(ScopedChoicesFilterSet):
    class Meta:
        model = Recommendation
        fields = ["review", "organisations"]


class LearningFilter(ScopedChoicesFilterSet):
    class Meta:
        model = LearningEntry
        fields = ["review", "briefing_issued"]


class NonParticipationFilter(ScopedChoicesFilterSet):
    escalated = django_filters.BooleanFilter(field_name="escalated_on", lookup_expr="isnull", exclude=True)
    resolved = django_filters.BooleanFilter(field_name="resolved_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = NonParticipation
        fields = ["review", "organisation", "escalated", "resolved"]


class EnquiryFilter(ScopedChoicesFilterSet):
    concluded = django_filters.BooleanFilter(field_name="concluded_on", lookup_expr="isnull", exclude=True)
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = SafeguardingEnquiry
        fields = ["local_authority", "reviews", "concluded", "archived"]
