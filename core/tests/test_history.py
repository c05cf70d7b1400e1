"""Audit entries in human terms (core.history): labels, formatted values, no internal ids or "None", times to the
minute, linked records named in one query per model, masked values and restricted entries kept hidden."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import actions as tracker
from core.audit import history_for
from core.choices import Role
from core.history import NOT_SET, Change, readable
from returns.tests.factories import Q, submitted_return


def changes_of(instance):
    """{label: its newest change}."""
    newest = {}
    for entry in readable(history_for(instance)):
        for change in entry.readable_changes:
            newest.setdefault(change.label, change)
    return newest


def open_action(world):
    return tracker.do_create_tracked_action(
        source=world.provider,
        organisation=world.provider,
        title="Write the policy",
        owner="Named nurse",
        due_date=dt.date(2026, 12, 31),
        success_measure="Policy ratified",
        acting_user=world.user(Role.DESIGNATED),
    )


class TestReadableChanges:
    def test_a_return_names_its_quarter_and_status_and_hides_bookkeeping(self, world):
        ret = submitted_return(world.provider, user=world.user(Role.PROVIDER))
        changes = changes_of(ret)
        assert changes["Quarter"].after == Q.label
        assert changes["Status"].after == "Submitted"
        assert changes["Provider"].after == str(world.provider)
        labels = set(changes)
        assert not labels & {"Id", "Version", "Versions", "Period", "period", "Created at"}
        every_value = [v for c in changes.values() for v in (c.before, c.after)]
        assert not any(value in ("None", "returns.ReturnVersion.None") for value in every_value)

    def test_dates_read_as_days_and_times_to_the_minute(self, world):
        ret = submitted_return(world.provider, user=world.user(Role.PROVIDER))
        changes = changes_of(ret)
        assert changes["Due date"].after == f"{ret.due_date.day} {ret.due_date:%b %Y}"
        submitted = timezone.localtime(ret.last_submitted_at)
        assert changes["Last submitted at"].after == f"{submitted.day} {submitted:%b %Y %H:%M}"

    def test_a_creation_lists_what_it_set_with_linked_records_by_name(self, world):
        changes = changes_of(open_action(world))
        assert changes["Organisation"] == Change("Organisation", "", str(world.provider))
        assert changes["Due date"].after == "31 Dec 2026"
        assert not any(change.after == NOT_SET for change in changes.values())

    def test_a_change_from_blank_reads_not_set_and_lists_only_what_differs(self, world):
        action = open_action(world)
        tracker.do_complete_action(action, evidence="Policy ratified at Board", acting_user=world.user(Role.DESIGNATED))
        completed = readable(history_for(action))[0]
        by_label = {change.label: change for change in completed.readable_changes}
        assert by_label["Evidence"] == Change("Evidence", NOT_SET, "Policy ratified at Board")
        assert by_label["Status"].after == "Completed (evidence given)"
        assert "Organisation" not in by_label and "Title" not in by_label

    def test_a_masked_value_stays_masked(self, world):
        from casework.tests import factories

        allegation = factories.allegation(world, acting_user=world.user(Role.HR))
        changes = changes_of(allegation)
        assert changes["Name of the person the allegation is about"].after == "[restricted]"
        assert "Invented Staffmember" not in str(changes)

    def test_a_restricted_entry_shows_no_changes(self, world):
        action = open_action(world)
        entries = list(history_for(action))
        for entry in entries:
            entry.restricted = True
        assert all(entry.readable_changes == [] for entry in readable(entries))


def test_linked_records_are_named_with_one_query_per_model(world):
    def queries_to_read(count):
        for _ in range(count):
            open_action(world)
        entries = list(LogEntry.objects.select_related("actor", "content_type").order_by("-pk")[:count])
        with CaptureQueriesContext(connection) as context:
            readable(entries)
        return len(context.captured_queries)

    assert queries_to_read(1) == queries_to_read(8)


@pytest.mark.parametrize("role", [Role.DESIGNATED, Role.AUDITOR])
def test_history_pages_show_labels_not_field_names(world, client_for, role):
    ret = submitted_return(world.provider, user=world.user(Role.PROVIDER))
    client = client_for(world.user(role))
    page = client.get(f"/returns/{ret.pk}/" if role == Role.DESIGNATED else "/audit/").content.decode()
    assert f"<strong>Quarter</strong>: {Q.label}" in page
    assert "<strong>period</strong>" not in page and "None →" not in page and "→ None" not in page
