from django.db import migrations


def load(apps, schema_editor):
    from workforce.reference import sync_reference_data

    sync_reference_data(
        apps.get_model("workforce", "FrameworkVersion"),
        apps.get_model("workforce", "FrameworkLevel"),
        apps.get_model("workforce", "SupervisionRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
