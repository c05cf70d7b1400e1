import datetime as dt

from django.core import mail

from assurance import reminders
from assurance.models import Cycle
from assurance.tests.factories import assessment_of, open_cycle, submitted
from core.actions import do_add_closure_day
from core.calendar import ENGLAND
from core.choices import Role
from core.reminders import send_due_reminders

DUE = dt.date(2027, 3, 12)  # a Friday


def with_emails(world):
    for user in (world.user(Role.PROVIDER), world.other_provider_user, world.user(Role.DESIGNATED)):
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])


def cycle_due(world, due=DUE):
    cycle = open_cycle(world)
    Cycle.objects.filter(pk=cycle.pk).update(due_date=due)
    cycle.refresh_from_db()
    return cycle


def test_due_soon_goes_ten_working_days_before_to_the_provider_and_designated_professionals(world):
    with_emails(world)
    cycle = cycle_due(world)
    submitted(world, assessment_of(cycle, world.other_provider))
    day = ENGLAND.add_working_days(DUE, -10)
    (due,) = list(reminders.collect(day))
    assert due.key == f"assurance:assessment-due:{assessment_of(cycle, world.provider).pk}"
    assert set(due.recipients) == {"provider.one@example.invalid", "designated@example.invalid"}
    assert list(reminders.collect(day + dt.timedelta(days=1))) == []


def test_the_icbs_closure_days_move_the_due_soon_day(world):
    with_emails(world)
    cycle_due(world)
    plain = ENGLAND.add_working_days(DUE, -10)
    do_add_closure_day(icb=world.icb, date=DUE - dt.timedelta(days=1), reason="Office move", acting_user=None)
    assert list(reminders.collect(plain)) == []
    assert len(list(reminders.collect(plain - dt.timedelta(days=1)))) == 2


def test_overdue_goes_each_working_day_after_the_due_date_until_submitted(world):
    with_emails(world)
    cycle = cycle_due(world)
    monday = DUE + dt.timedelta(days=3)
    keys = {d.key for d in reminders.collect(monday)}
    assert keys == {f"assurance:assessment-overdue:{a.pk}" for a in cycle.assessments.all()}
    assert list(reminders.collect(DUE)) == []  # not late on the due date itself
    assert list(reminders.collect(DUE + dt.timedelta(days=1))) == []  # a Saturday


def test_sending_twice_the_same_day_sends_once(world):
    with_emails(world)
    cycle_due(world)
    monday = DUE + dt.timedelta(days=3)
    first = send_due_reminders(monday)
    assessment_mails = [m for m in mail.outbox if "Self-assessment overdue" in m.subject]
    assert len(assessment_mails) == 4  # two assessments x (provider user + designated professional)
    assert first >= 4
    send_due_reminders(monday)
    assert len([m for m in mail.outbox if "Self-assessment overdue" in m.subject]) == 4
    send_due_reminders(monday + dt.timedelta(days=1))
    assert len([m for m in mail.outbox if "Self-assessment overdue" in m.subject]) == 8
