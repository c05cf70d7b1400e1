from django.db import migrations


def load(apps, schema_editor):
    from returns.catalogue import sync_judged_metrics

    sync_judged_metrics(apps.get_model("returns", "JudgedMetric"))


class Migration(migrations.Migration):
    dependencies = [("returns", "0005_judged_metrics")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
