"""One filterset per model, shared by the pages and the API."""

import django_filters

from assurance.choices import AssessmentStatus
from assurance.models import Assessment, Cycle, Evidence, Response
from core.filters import ScopedChoicesFilterSet


class AssessmentFilter(ScopedChoicesFilterSet):
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices, empty_label="Any status")

    class Meta:
        model = Assessment
        fields = ["status", "cycle", "organisation"]


class CycleFilter(ScopedChoicesFilterSet):
    class Meta:
        model = Cycle
        fields = ["framework"]


class ResponseFilter(ScopedChoicesFilterSet):
    class Meta:
        model = Response
        fields = ["assessment", "rating", "review_decision"]


class EvidenceFilter(ScopedChoicesFilterSet):
    class Meta:
        model = Evidence
        fields = ["response"]
