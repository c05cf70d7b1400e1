import django_filters

from core.filters import ScopedChoicesFilterSet
from reporting.choices import ReportStatus
from reporting.models import Report, ReportType


class ReportFilter(ScopedChoicesFilterSet):
    """One filterset for the report list page and /api/v1/reports/."""

    report_type = django_filters.ModelChoiceFilter(
        queryset=ReportType.objects.all(), to_field_name="code", empty_label="Any report", label="Report"
    )
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, empty_label="Any status")

    class Meta:
        model = Report
        fields = ["report_type", "status"]
