from django.db import migrations, models

VERSION = dict(default=1, editable=False, help_text="Goes up by one on every save; a save from an older version is refused.")


class Migration(migrations.Migration):
    """Every editable record carries a version (core.versioning); a policy's own `version` (its document's, e.g.
    2.1) becomes `document_version` so that the record's version can take the name."""

    dependencies = [("governance", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="policy", old_name="version", new_name="document_version"),
        migrations.AlterField(
            model_name="policy",
            name="document_version",
            field=models.CharField(
                "version", max_length=30, help_text="The policy document's own version, e.g. 2.1."
            ),
        ),
        *(
            migrations.AddField(model_name=name, name="version", field=models.PositiveIntegerField(**VERSION))
            for name in ("annualreport", "committee", "decision", "meeting", "paper", "policy", "risk")
        ),
    ]
