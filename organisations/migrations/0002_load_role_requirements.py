from django.db import migrations


def load(apps, schema_editor):
    from organisations.reference import sync_role_requirements

    sync_role_requirements(apps.get_model("organisations", "RoleRequirement"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
