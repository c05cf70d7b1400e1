"""`{% annual_reports_of organisation %}`: a provider's annual safeguarding reports, late and missing ones
flagged, for the organisation page (shown only to roles that may read them, scoped as everywhere)."""

from django import template
from django.utils import timezone

from governance import reports, rules
from governance.models import ANNUAL_REPORT_READERS, AnnualReport

register = template.Library()


@register.inclusion_tag("governance/includes/annual_reports_section.html", takes_context=True)
def annual_reports_of(context, organisation):
    user = context["request"].user
    if user.role not in ANNUAL_REPORT_READERS:
        return {"show": False}
    queryset = AnnualReport.objects.restrict(user).filter(provider=organisation)
    rows = reports.annual_report_rows(queryset, timezone.localdate())
    return {"show": bool(rows), "rows": rows, "labels": rules.REPORT_LABELS, "tags": rules.REPORT_TAGS}
