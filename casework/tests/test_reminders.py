"""Reminders: due-today and overdue clocks to the register's editors, never the record's content."""

import datetime as dt

import pytest
from django.core import mail

from casework import reminders
from casework.tests import factories
from core.reminders import send_due_reminders

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def emails(world):
    for user in [*world.users.values(), world.other_provider_user]:
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    return world


def test_an_allegation_from_friday_is_due_on_monday_to_its_editors(emails):
    world = emails
    allegation = factories.allegation(world, made_on=dt.date(2026, 11, 20))
    due = [d for d in reminders.collect(MONDAY) if d.key.startswith(f"casework:allegations:{allegation.pk}:")]
    assert {d.key.rsplit(":", 1)[1] for d in due} == {"inform-the-lado", "inform-the-designated-nurse-or-doctor"}
    assert set(due[0].recipients) == {"designated@example.invalid", "hr@example.invalid", "executive@example.invalid"}
    assert "Invented Staffmember" not in due[0].subject + due[0].body
    assert "Due today" in due[0].subject


def test_nothing_is_sent_before_the_due_day(emails):
    factories.allegation(emails, made_on=dt.date(2026, 11, 20))
    assert [d for d in reminders.collect(dt.date(2026, 11, 21)) if d.key.startswith("casework:allegations")] == []


def test_a_routed_allegation_reminds_only_hr_and_the_executive(emails):
    factories.allegation(emails, made_on=dt.date(2026, 11, 20), concerns_designated_professional=True)
    due = [d for d in reminders.collect(MONDAY) if d.key.startswith("casework:allegations")]
    assert due and all(set(d.recipients) == {"hr@example.invalid", "executive@example.invalid"} for d in due)


def test_provider_registers_remind_the_providers_own_users_only(emails):
    world = emails
    factories.escalation(world, stages=[dt.date(2026, 11, 16)] * 3)
    due = [d for d in reminders.collect(MONDAY) if d.key.startswith("casework:escalations") and "designated" in d.key]
    assert len(due) == 1 and "provider.one@example.invalid" in due[0].recipients
    assert "provider.two@example.invalid" not in due[0].recipients
    assert due[0].subject.startswith("Overdue:")


def test_the_shared_command_sends_each_reminder_once_a_day(emails):
    factories.allegation(emails, made_on=dt.date(2026, 11, 20))
    first = send_due_reminders(MONDAY)
    assert send_due_reminders(MONDAY) == 0
    ours = [m for m in mail.outbox if "(ALG-" in m.subject]
    assert len(ours) == 6  # two clocks, each to the designated professional, HR and the executive lead
    assert len(mail.outbox) == first
