import django_filters

from core.filters import ScopedChoicesFilterSet
from reporting import rules
from reporting.choices import ReportStatus
from reporting.models import NHS_ENGLAND_READERS, Report, ReportType


class ReportFilter(ScopedChoicesFilterSet):
    """One filterset for the report list page and /api/v1/reports/."""

    report_type = django_filters.ModelChoiceFilter(
        queryset=ReportType.objects.all(), to_field_name="code", empty_label="Any report", label="Report"
    )
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, empty_label="Any status")

    class Meta:
        model = Report
        fields = ["report_type", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if getattr(getattr(request, "user", None), "role", None) in NHS_ENGLAND_READERS:
            # NHS England reads regions' reports only: a submitted one went to the national team
            names = dict(ReportStatus.choices)
            choices = [(value, rules.status_name(value, rules.REGION_LEVEL, names)) for value in ReportStatus.values]
            # A new filter, not its `extra`: a field built earlier (the API schema builds the base filters'
            # fields) would be copied with the executive lead's wording.
            self.filters["status"] = django_filters.ChoiceFilter(
                field_name="status", choices=choices, empty_label="Any status", label=self.filters["status"].label
            )
