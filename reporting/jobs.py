"""Stored jobs of the reporting module (run by `manage.py run_worker`)."""

from core.jobs import register_job


@register_job("reporting.build")
def build_report(payload):
    """Build a draft report's snapshot, draft PDF and XLSX appendix into storage."""
    from reporting import actions
    from reporting.models import Report

    return actions.build(Report.objects.get(pk=payload["report"]))
