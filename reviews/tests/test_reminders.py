import datetime as dt

from django.core import mail

from core.reminders import send_due_reminders
from reviews import actions
from reviews.reminders import collect

WEDNESDAY = dt.date(2026, 6, 10)


def with_emails(world):
    for user in world.users.values():
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    world.other_provider_user.email = "provider.two@example.invalid"
    world.other_provider_user.save(update_fields=["email"])


def test_milestones_due_within_five_working_days_and_overdue_ones_are_collected(world, open_review):
    with_emails(world)
    # Panel notification due 5 working days after awareness.
    soon = open_review(incident_date=None, notification_date=None, awareness_date=WEDNESDAY)  # due Wed 17 June
    later = open_review(incident_date=None, notification_date=None, awareness_date=WEDNESDAY + dt.timedelta(days=1))
    late = open_review(incident_date=None, notification_date=None, awareness_date=dt.date(2026, 6, 1))  # due 8 June
    keys = {due.key: due for due in collect(WEDNESDAY)}
    assert f"reviews:milestone-due:{soon.pk}:panel_notified" in keys
    assert f"reviews:milestone-overdue:{late.pk}:panel_notified" in keys
    assert not any(key.split(":")[2] == str(later.pk) for key in keys if key.startswith("reviews:milestone"))
    due = keys[f"reviews:milestone-due:{soon.pk}:panel_notified"]
    assert sorted(due.recipients) == ["admin@example.invalid", "designated@example.invalid"]
    assert "17 June 2026" in due.body


def test_contributions_due_soon_or_overdue_go_to_the_organisation_and_the_icb(world, open_review):
    with_emails(world)
    review = open_review(incident_date=None, notification_date=None)
    (due_soon,) = actions.do_add_contributions(
        review, organisation=world.provider, kinds=["chronology"], due_date=dt.date(2026, 6, 17), acting_user=None
    )
    (too_far,) = actions.do_add_contributions(
        review, organisation=world.provider, kinds=["agency_report"], due_date=dt.date(2026, 6, 18), acting_user=None
    )
    (overdue,) = actions.do_add_contributions(
        review, organisation=world.other_provider, kinds=["chronology"], due_date=dt.date(2026, 6, 9), acting_user=None
    )
    (done,) = actions.do_add_contributions(
        review,
        organisation=world.other_provider,
        kinds=["agency_report"],
        due_date=dt.date(2026, 6, 1),
        acting_user=None,
    )
    actions.do_update_contribution(done, status="submitted", submitted_on=dt.date(2026, 6, 1), acting_user=None)
    keys = {due.key: due for due in collect(WEDNESDAY) if due.key.startswith("reviews:contribution")}
    assert set(keys) == {f"reviews:contribution-due:{due_soon.pk}", f"reviews:contribution-overdue:{overdue.pk}"}
    assert "provider.one@example.invalid" in keys[f"reviews:contribution-due:{due_soon.pk}"].recipients
    assert "provider.two@example.invalid" in keys[f"reviews:contribution-overdue:{overdue.pk}"].recipients
    assert "designated@example.invalid" in keys[f"reviews:contribution-overdue:{overdue.pk}"].recipients
    assert too_far.pk not in {int(k.rsplit(":", 1)[1]) for k in keys}


def test_the_reminder_command_sends_each_only_once_a_day(world, open_review):
    with_emails(world)
    review = open_review(incident_date=None, notification_date=None)
    actions.do_add_contributions(
        review, organisation=world.provider, kinds=["chronology"], due_date=dt.date(2026, 6, 9), acting_user=None
    )
    first = send_due_reminders(WEDNESDAY)
    assert first >= 3 and any("Overdue: Chronology" in m.subject for m in mail.outbox)
    assert send_due_reminders(WEDNESDAY) == 0
