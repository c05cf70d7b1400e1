from django.db import migrations


def load(apps, schema_editor):
    from reviews.reference import sync_reference_data

    sync_reference_data(
        apps.get_model("reviews", "ReviewKind"),
        apps.get_model("reviews", "MilestoneRule"),
        apps.get_model("reviews", "Theme"),
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
