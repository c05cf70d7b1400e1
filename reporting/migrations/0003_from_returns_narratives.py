"""The returns module's quarterly report moves here (#11 item 12): each narrative written for it becomes the executive
summary of a draft quarterly assurance report for the same ICB and quarter, before returns drops its table."""

import datetime as dt

from django.db import migrations


def quarter_bounds(index):
    import calendar

    fy, q = index // 4, index % 4 + 1
    month = 4 + 3 * (q - 1)
    year = fy + (month > 12)
    month = (month - 1) % 12 + 1
    end_month = month + 2
    return dt.date(year, month, 1), dt.date(year, end_month, calendar.monthrange(year, end_month)[1])


def copy(apps, schema_editor):
    try:
        old = apps.get_model("returns", "ReportNarrative")
    except LookupError:  # replayed after returns dropped the table (core.testing.replay_data_migrations)
        return
    report_type = apps.get_model("reporting", "ReportType").objects.filter(code="quarterly-assurance").first()
    if report_type is None:
        return
    Report = apps.get_model("reporting", "Report")
    Narrative = apps.get_model("reporting", "ReportNarrative")
    for narrative in old.objects.all():
        start, end = quarter_bounds(narrative.period)
        report, _ = Report.objects.get_or_create(
            organisation_id=narrative.icb_id,
            report_type=report_type,
            period_start=start,
            number=1,
            defaults={"period_end": end, "created_by_id": narrative.author_id},
        )
        Narrative.objects.get_or_create(
            report=report,
            key="executive-summary",
            defaults={"text": narrative.text, "updated_by_id": narrative.author_id},
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_load_report_types"), ("returns", "0011_children_in_care_and_dols_metrics")]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
