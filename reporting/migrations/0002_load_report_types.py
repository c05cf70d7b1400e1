from django.db import migrations


def load(apps, schema_editor):
    from reporting.reference import sync_report_types

    sync_report_types(apps.get_model("reporting", "ReportType"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
