"""Clocks read from the records with the ICB's calendar and the module's settings."""

import datetime as dt
import zoneinfo

import pytest

from casework import actions, reports
from casework.tests import factories
from core.actions import do_add_closure_day
from core.calendar import ENGLAND
from core.choices import Role
from core.models import working_calendar

LONDON = zoneinfo.ZoneInfo("Europe/London")
FRIDAY_AFTERNOON = dt.datetime(2026, 11, 20, 15, 30, tzinfo=LONDON)


def clock(record, label, calendar=ENGLAND):
    return next(c for c in reports.clocks_for(record, calendar) if c.label.startswith(label))


def test_a_referral_follow_up_is_48_hours_by_default(world):
    referral = factories.referral(world, telephoned_at=FRIDAY_AFTERNOON)
    assert clock(referral, "Send the written follow-up").due == dt.datetime(2026, 11, 23, 15, 30, tzinfo=LONDON)


def test_the_follow_up_hours_are_a_setting(world, settings):
    settings.VIGIL = {**settings.VIGIL, "CASEWORK_REFERRAL_FOLLOW_UP_HOURS": 24}
    referral = factories.referral(world, telephoned_at=dt.datetime(2026, 11, 18, 9, 0, tzinfo=LONDON))
    assert clock(referral, "Send the written follow-up").due == dt.datetime(2026, 11, 19, 9, 0, tzinfo=LONDON)


def test_the_outcome_chase_counts_the_icbs_closure_days(world):
    referral = factories.referral(world, telephoned_at=FRIDAY_AFTERNOON)
    do_add_closure_day(icb=world.icb, date=dt.date(2026, 11, 24), reason="Staff training day", acting_user=None)
    due = clock(referral, "Chase the outcome", working_calendar(world.icb.pk)).due
    assert due == dt.date(2026, 11, 26)


def test_the_meeting_clock_follows_the_day_kind_setting(world, settings):
    concern = factories.concern(world, return_deadline=dt.date(2026, 11, 20))
    assert clock(concern, "Hold the health professionals meeting").due == dt.date(2026, 11, 30)
    settings.VIGIL = {**settings.VIGIL, "CASEWORK_CHN_MEETING_DAY_KIND": "working"}
    assert clock(concern, "Hold the health professionals meeting").due == dt.date(2026, 12, 4)


def test_an_information_request_is_done_once_returned(world):
    concern = factories.concern(world)
    request = actions.do_request_information(
        concern, agency=world.other_provider, requested_on=dt.date(2026, 11, 20), acting_user=None
    )
    assert not clock(concern, "Information from").done
    actions.do_record_information_returned(request, returned_on=dt.date(2026, 11, 25), acting_user=None)
    concern = type(concern).objects.prefetch_related("requests__agency").get(pk=concern.pk)
    assert clock(concern, "Information from").done == dt.date(2026, 11, 25)


def test_the_due_list_puts_overdue_first(world):
    factories.allegation(world, made_on=dt.date(2026, 11, 2))
    factories.advice(world, follow_up_on=dt.date(2026, 12, 30))
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    statuses = [item.status for item in reports.due_items(world.user(Role.DESIGNATED), now)]
    assert statuses == ["overdue", "overdue", "due"]


@pytest.mark.parametrize("role", [Role.BOARD, Role.CONTRACTS, Role.AUDITOR])
def test_roles_that_read_no_register_have_nothing_due(world, role):
    factories.allegation(world, made_on=dt.date(2026, 11, 2))
    assert reports.due_items(world.user(role)) == []
