"""One filterset per model, shared by the pages and the API."""

import django_filters

from assurance.choices import AssessmentStatus
from assurance.models import Assessment, Cycle, Response
from core.bounds import BoundedFilterSet


class AssessmentFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices, empty_label="Any status")

    class Meta:
        model = Assessment
        fields = ["status", "cycle", "organisation"]


class CycleFilter(BoundedFilterSet):
    class Meta:
        model = Cycle
        fields = ["framework"]


class ResponseFilter(BoundedFilterSet):
    class Meta:
        model = Response
        fields = ["assessment", "rating", "review_decision"]
