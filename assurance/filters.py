"""One filterset per model, shared by the pages and the API."""

import django_filters

from assurance.choices import AssessmentStatus, InspectionBody, InspectionKind, NoticeKind, RegulatorRating
from assurance.models import Assessment, CqcRegistration, Cycle, Evidence, Inspection, RegulatoryNotice, Response
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


class InspectionFilter(ScopedChoicesFilterSet):
    """The inspection register: by organisation, inspecting body, kind, rating and investigation."""

    body = django_filters.ChoiceFilter(choices=InspectionBody.choices, empty_label="Any body")
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, empty_label="Any kind")
    rating = django_filters.ChoiceFilter(choices=RegulatorRating.choices, empty_label="Any rating")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Inspection
        fields = ["organisation", "body", "kind", "rating", "investigation", "archived"]


class RegulatoryNoticeFilter(ScopedChoicesFilterSet):
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, empty_label="Any kind")
    in_force = django_filters.BooleanFilter(field_name="lifted_on", lookup_expr="isnull", label="In force")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = RegulatoryNotice
        fields = ["provider", "kind", "in_force", "archived"]


class CqcRegistrationFilter(ScopedChoicesFilterSet):
    current_rating = django_filters.ChoiceFilter(choices=RegulatorRating.choices, empty_label="Any rating")
    archived = django_filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = CqcRegistration
        fields = ["provider", "current_rating", "archived"]
