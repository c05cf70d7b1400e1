"""One filterset per model, shared by the pages and the API."""

import django_filters

from core.filters import ScopedChoicesFilterSet
from governance.choices import CommitteeKind, MonitoringFrequency, PolicyStatus, ReportSubject, RiskStatus
from governance.models import (
    AnnualReport,
    Committee,
    Decision,
    Meeting,
    MonitoringCheck,
    MonitoringCheckRecord,
    Paper,
    Policy,
    PolicyDocument,
    Risk,
)

ARCHIVED = {"field_name": "archived_at", "lookup_expr": "isnull", "exclude": True, "label": "Archived"}


class CommitteeFilter(ScopedChoicesFilterSet):
    kind = django_filters.ChoiceFilter(choices=CommitteeKind.choices)
    archived = django_filters.BooleanFilter(**ARCHIVED)

    class Meta:
        model = Committee
        fields = ["kind", "archived"]


class MeetingFilter(ScopedChoicesFilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    archived = django_filters.BooleanFilter(**ARCHIVED)

    class Meta:
        model = Meeting
        fields = ["committee", "date_from", "date_to", "archived"]


class PaperFilter(ScopedChoicesFilterSet):
    class Meta:
        model = Paper
        fields = ["meeting"]


class DecisionFilter(ScopedChoicesFilterSet):
    class Meta:
        model = Decision
        fields = ["meeting"]


class PolicyFilter(ScopedChoicesFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title")
    status = django_filters.ChoiceFilter(choices=PolicyStatus.choices, empty_label="Any status")
    review_before = django_filters.DateFilter(field_name="next_review_on", lookup_expr="lte", label="Review by")
    archived = django_filters.BooleanFilter(**ARCHIVED)

    class Meta:
        model = Policy
        fields = ["q", "organisation", "status", "review_before", "archived"]


class PolicyDocumentFilter(ScopedChoicesFilterSet):
    class Meta:
        model = PolicyDocument
        fields = ["policy"]


class RiskFilter(ScopedChoicesFilterSet):
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices, empty_label="Any status")
    min_score = django_filters.NumberFilter(
        field_name="current_score", lookup_expr="gte", label="Current score at least"
    )
    archived = django_filters.BooleanFilter(**ARCHIVED)

    class Meta:
        model = Risk
        fields = ["status", "min_score", "archived"]


class AnnualReportFilter(ScopedChoicesFilterSet):
    subject = django_filters.ChoiceFilter(choices=ReportSubject.choices, empty_label="Children and adults")
    received = django_filters.BooleanFilter(field_name="received_on", lookup_expr="isnull", exclude=True)
    archived = django_filters.BooleanFilter(**ARCHIVED)

    class Meta:
        model = AnnualReport
        fields = ["year", "provider", "subject", "received", "archived"]


class MonitoringCheckFilter(ScopedChoicesFilterSet):
    frequency_months = django_filters.ChoiceFilter(
        choices=MonitoringFrequency.choices, empty_label="Any frequency", label="Frequency"
    )
    due_before = django_filters.DateFilter(field_name="next_due_on", lookup_expr="lte", label="Due by")
    archived = django_filters.BooleanFilter(**ARCHIVED)

    class Meta:
        model = MonitoringCheck
        fields = ["frequency_months", "reviewing_committee", "due_before", "archived"]


class MonitoringCheckRecordFilter(ScopedChoicesFilterSet):
    class Meta:
        model = MonitoringCheckRecord
        fields = ["monitoring_check"]
