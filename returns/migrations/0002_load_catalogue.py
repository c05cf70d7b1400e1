from django.db import migrations


def load(apps, schema_editor):
    from returns.catalogue import sync_catalogue

    sync_catalogue(apps.get_model("returns", "Metric"), apps.get_model("returns", "ValidationRule"))


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
