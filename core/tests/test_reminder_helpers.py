"""core.working_calendars.Calendars and core.recipients.AddressBook: what reminders across modules share."""

import datetime as dt

import pytest

from core.choices import Role
from core.models import ClosureDay, User
from core.recipients import AddressBook
from core.testing import count_queries
from core.working_calendars import Calendars

pytestmark = pytest.mark.django_db
CLOSED = dt.date(2026, 6, 3)  # a Wednesday


def test_each_icb_has_its_own_closure_days_and_is_loaded_once(world):
    ClosureDay.objects.create(icb=world.icb, date=CLOSED, reason="Synthetic training day")
    calendars = Calendars()
    queries, calendar = count_queries(lambda: calendars[world.icb.pk])
    assert queries == 1 and not calendar.is_working_day(CLOSED)
    assert calendars[world.other_icb.pk].is_working_day(CLOSED)
    assert count_queries(lambda: (calendars[world.icb.pk], calendars[world.other_icb.pk]))[0] == 0


def set_emails(world):
    for role in (Role.DESIGNATED, Role.ADMINISTRATOR, Role.PROVIDER):
        user = world.user(role)
        user.email = f"{role}@example.invalid"
        user.save()
    User.objects.filter(pk=world.user(Role.HR).pk).update(email="hr@example.invalid", is_active=False)
    User.objects.filter(pk=world.user(Role.EXECUTIVE).pk).update(email="")


def test_addresses_by_organisation_and_role_from_one_query(world):
    set_emails(world)
    queries, book = count_queries(AddressBook)
    assert queries == 1
    assert sorted(book.emails(world.icb.pk)) == [
        f"{Role.ADMINISTRATOR}@example.invalid",
        f"{Role.DESIGNATED}@example.invalid",
    ]
    assert book.emails(world.icb.pk, {Role.DESIGNATED}) == [f"{Role.DESIGNATED}@example.invalid"]
    assert book.emails(world.provider.pk) == [f"{Role.PROVIDER}@example.invalid"]
    assert book.emails(world.other_provider.pk, {Role.PROVIDER}) == []


def test_inactive_users_and_users_without_an_address_get_nothing(world):
    set_emails(world)
    book = AddressBook()
    everyone = [email for org in (world.icb.pk, world.provider.pk) for email in book.emails(org)]
    assert "hr@example.invalid" not in everyone and "" not in everyone
