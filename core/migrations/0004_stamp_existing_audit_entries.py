"""Stamp every audit entry written before AuditEntryIcb existed with the ICB its additional_data names."""

from django.db import migrations

BATCH = 5000


def icb_of_entry(data):  # a frozen copy of core.audit.icb_of_entry
    icb_id = data.get("icb") if isinstance(data, dict) else None
    return icb_id if isinstance(icb_id, int) and not isinstance(icb_id, bool) else None


def stamp_existing_entries(apps, schema_editor):
    log_entry = apps.get_model("auditlog", "LogEntry")
    stamp = apps.get_model("core", "AuditEntryIcb")
    rows = log_entry.objects.filter(icb_stamp__isnull=True).values_list("pk", "additional_data", "timestamp")
    batch = []
    for pk, data, timestamp in rows.iterator(chunk_size=BATCH):
        icb_id = icb_of_entry(data)
        if icb_id is not None:
            batch.append(stamp(entry_id=pk, icb_id=icb_id, timestamp=timestamp))
        if len(batch) >= BATCH:
            stamp.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    stamp.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_entry_icb"),
    ]

    operations = [
        migrations.RunPython(stamp_existing_entries, migrations.RunPython.noop),
    ]
