"""Stored jobs of the returns module (run by `manage.py run_worker`)."""

from core.jobs import register_job


@register_job("returns.assurance_report")
def build_assurance_report(payload):
    """Build the quarterly assurance report for an ICB and quarter; returns its checksums."""
    import hashlib

    from organisations.models import Organisation
    from returns import reports
    from returns.rules import Quarter

    icb = Organisation.objects.get(pk=payload["icb"])
    quarter = Quarter.from_index(payload["period"])
    pdf = reports.assurance_pdf(icb, quarter)
    xlsx = reports.assurance_xlsx(icb, quarter)
    return {"pdf_sha256": hashlib.sha256(pdf).hexdigest(), "xlsx_bytes": len(xlsx), "pdf_bytes": len(pdf)}
