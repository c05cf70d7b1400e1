from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0011_children_in_care_and_dols_metrics"),
        ("reporting", "0003_from_returns_narratives"),  # the narratives are copied to the reporting app first
    ]

    operations = [migrations.DeleteModel(name="ReportNarrative")]
