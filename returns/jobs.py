"""Stored jobs of the returns module (run by `manage.py run_worker`)."""

from core.jobs import register_job


@register_job("returns.assurance_report")
def build_assurance_report(payload):
    """Build the quarterly assurance report for an ICB and quarter into the media storage."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from organisations.models import Organisation
    from returns import quarterly_report
    from returns.rules import Quarter

    icb = Organisation.objects.get(pk=payload["icb"])
    quarter = Quarter.from_index(payload["period"])
    stem = f"returns/reports/safeguarding-assurance-{icb.ods_code or icb.pk}-{quarter.slug}"
    data = quarterly_report.gather(icb, quarter)  # gathered once, from the stored ratings, for both files
    pdf = quarterly_report.assurance_pdf(icb, quarter, data=data)
    xlsx = quarterly_report.assurance_xlsx(icb, quarter, data=data)
    for name, content in ((f"{stem}.pdf", pdf), (f"{stem}.xlsx", xlsx)):
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
    return {"pdf": f"{stem}.pdf", "xlsx": f"{stem}.xlsx", "pdf_sha256": hashlib.sha256(pdf).hexdigest()}


@register_job("returns.rerate")
def rerate(payload):
    """Re-rate the returns a scheme or contract override change affects (returns.ratings.rerate), in the database.
    Payload: any of provider_ids, metric_ids, from_period, return_ids; empty re-rates everything."""
    from returns import ratings

    scope = {key: payload[key] for key in ("return_ids", "provider_ids", "metric_ids", "from_period") if key in payload}
    return ratings.rerate(**scope)
