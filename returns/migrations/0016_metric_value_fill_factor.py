"""Half of each page of returns_metricvalue left free (PostgreSQL's fill factor 50): a re-rating rewrites every rating
field of the values it changes, and with room on the same page PostgreSQL writes the new row versions there without
touching the table's seven indexes (a HOT update). The bulk re-rating of every value took 8.9 s with full pages and
about 2 s with room (docs/returns.md). Pages already written keep their fill until rewritten (a re-rating moves
their rows; `VACUUM FULL returns_metricvalue` applies it at once). Nothing to do on SQLite."""

from django.db import migrations

TABLE = "returns_metricvalue"


def set_fill_factor(apps, schema_editor):
    # no schema editor: core.testing.replay_data_migrations, which reloads reference data (none here)
    if schema_editor is not None and schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 50)")


def reset_fill_factor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("returns", "0015_rating_settings")]

    operations = [migrations.RunPython(set_fill_factor, reset_fill_factor, elidable=False)]
