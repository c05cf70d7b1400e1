from django.db import migrations


def load(apps, schema_editor):
    from assurance.reference import load_frameworks

    load_frameworks(
        framework_model=apps.get_model("assurance", "Framework"),
        section_model=apps.get_model("assurance", "Section"),
        requirement_model=apps.get_model("assurance", "Requirement"),
    )


class Migration(migrations.Migration):
    dependencies = [("assurance", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
