"""The ICB of an audit entry is a real indexed column (core.AuditEntryIcb), written for every entry
that carries an ICB, filled for older entries by a data migration, and read by the auditor's pages."""

import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps

from core import actions
from core.audit import entries_for_icb, icb_of_entry, log_access
from core.choices import Role
from core.models import AuditEntryIcb
from core.testing import make_provider

migration = importlib.import_module("core.migrations.0004_stamp_existing_audit_entries")


def test_every_audited_change_and_access_is_stamped_with_its_icb(world):
    closure = actions.do_add_closure_day(
        icb=world.icb, date="2026-12-29", reason="Closed", acting_user=world.user(Role.DESIGNATED)
    )
    log_access(world.user(Role.DESIGNATED), closure)
    entries = LogEntry.objects.get_for_object(closure)
    assert entries.count() == 2
    for entry in entries:
        assert (entry.icb_stamp.icb_id, entry.icb_stamp.timestamp) == (world.icb.pk, entry.timestamp)


def test_an_entry_without_an_icb_is_not_stamped(world):
    region = world.icb.parent
    entry = LogEntry.objects.get_for_object(region).get()
    assert entry.additional_data == {"icb": None}
    assert not AuditEntryIcb.objects.filter(entry=entry).exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [({"icb": 7}, 7), ({"icb": None}, None), ({"icb": "7"}, None), ({"icb": True}, None), (None, None), ([], None)],
)
def test_the_icb_of_an_entry(data, expected):
    assert icb_of_entry(data) == expected
    assert migration.icb_of_entry(data) == expected  # the migration's frozen copy agrees


def test_entries_for_icb_reads_the_stamp_and_never_another_icbs(world):
    make_provider(world.other_icb, name="Elsewhere Two")
    own = set(entries_for_icb(world.icb.pk).values_list("pk", flat=True))
    other = set(entries_for_icb(world.other_icb.pk).values_list("pk", flat=True))
    assert own and other and not own & other
    assert own == set(LogEntry.objects.filter(additional_data__icb=world.icb.pk).values_list("pk", flat=True))


def test_the_data_migration_stamps_older_entries_once(world):
    expected = set(AuditEntryIcb.objects.values_list("entry_id", "icb_id", "timestamp"))
    AuditEntryIcb.objects.all().delete()  # as before the stamp existed
    migration.stamp_existing_entries(apps, None)
    assert set(AuditEntryIcb.objects.values_list("entry_id", "icb_id", "timestamp")) == expected
    migration.stamp_existing_entries(apps, None)  # idempotent
    assert AuditEntryIcb.objects.count() == len(expected)


def test_the_auditors_page_lists_own_icb_entries_newest_first(world, client_for):
    make_provider(world.other_icb, name="Elsewhere Three")
    listed = list(client_for(world.user(Role.AUDITOR)).get("/audit/").context["page"].object_list)
    assert listed and all(entry.icb_stamp.icb_id == world.icb.pk for entry in listed)
    keys = [(e.icb_stamp.timestamp, e.pk) for e in listed]
    assert keys == sorted(keys, reverse=True)
    assert "Elsewhere Three" not in str([e.object_repr for e in listed])
