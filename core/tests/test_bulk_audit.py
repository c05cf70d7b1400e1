"""Audit entries written in bulk (`core.audit.save_entries`; on PostgreSQL from arrays, `core.bulk`) read back exactly
as written, awkward text included, each with its actor, ICB and stamp, and ids in the order of the entries."""

import datetime as dt

import pytest
from auditlog.models import LogEntry

from core.audit import save_entries, unsaved_entries
from core.choices import Role
from core.models import AuditEntryIcb, ClosureDay
from core.testing import make_icb, make_user

pytestmark = pytest.mark.django_db

AWKWARD = ['quote " and backslash \\ and {braces}, commas', "line\nbreak, tab\t", "NULL", "", "Zoë — 75 %"]


def test_entries_written_in_bulk_read_back_as_written():
    icb = make_icb()
    user = make_user(Role.DESIGNATED, icb)
    closures = [
        ClosureDay.objects.create(icb=icb, date=dt.date(2032, 2, n + 1), reason=text) for n, text in enumerate(AWKWARD)
    ]
    rows = [
        (closure, {"reason": [text, f"{text}!"]}, {"how": text})
        for closure, text in zip(closures, AWKWARD, strict=True)
    ]
    entries = save_entries(unsaved_entries(rows, action=LogEntry.Action.UPDATE, actor=user))
    assert [entry.pk for entry in entries] == sorted(entry.pk for entry in entries)  # ids in the order given
    stored = {entry.pk: entry for entry in LogEntry.objects.filter(pk__in=[e.pk for e in entries])}
    for entry, closure, text in zip(entries, closures, AWKWARD, strict=True):
        found = stored[entry.pk]
        assert (found.object_id, found.object_pk, found.object_repr) == (closure.pk, str(closure.pk), str(closure))
        assert (found.action, found.actor, found.actor_email) == (LogEntry.Action.UPDATE, user, user.email)
        assert found.changes == {"reason": [text, f"{text}!"]}
        assert found.additional_data == {"icb": icb.pk, "how": text}
        assert found.timestamp == entry.timestamp and found.cid == entry.cid
    stamps = dict(AuditEntryIcb.objects.filter(entry_id__in=stored).values_list("entry_id", "icb_id"))
    assert stamps == {entry.pk: icb.pk for entry in entries}
