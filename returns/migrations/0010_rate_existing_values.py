"""Rate every stored value once (issue 15): reads only read stored ratings from now on.

Uses the historical models through `get_model`, so it runs the same whatever later migrations add. On an empty
database it does nothing."""

from django.db import migrations


def rate_everything(apps, schema_editor):
    from returns import ratings

    if not apps.get_model("returns", "MetricValue").objects.exists():
        return
    ratings.rerate(get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("returns", "0009_stored_ratings")]

    operations = [migrations.RunPython(rate_everything, migrations.RunPython.noop)]
