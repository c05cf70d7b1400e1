import datetime as dt

from django.core import mail

from core.reminders import send_due_reminders
from governance import actions


def test_reminders_for_policy_reviews_risk_reviews_and_annual_reports(world, designated, today):
    world.user("designated").email = "dn@example.invalid"
    world.user("designated").save()
    world.user("provider").email = "lead@example.invalid"
    world.user("provider").save()
    actions.do_add_policy(
        acting_user=designated,
        title="Due soon policy",
        owner="DN",
        document_version="1",
        approved_on=today - dt.timedelta(days=700),
    )
    actions.do_add_policy(
        acting_user=designated, title="In date policy", owner="DN", document_version="1", approved_on=today
    )
    actions.do_add_risk(
        acting_user=designated,
        title="Review soon",
        owner="DN",
        review_date=today + dt.timedelta(days=14),
        initial_likelihood=2,
        initial_consequence=2,
        current_likelihood=2,
        current_consequence=2,
        target_likelihood=1,
        target_consequence=1,
    )
    actions.do_expect_annual_reports(acting_user=designated, year=today.year - 2)
    assert send_due_reminders(today) > 0
    subjects = sorted(message.subject for message in mail.outbox)
    assert "Policy review due soon: Due soon policy" in subjects
    assert not any("In date policy" in s for s in subjects)
    assert any(s.startswith("Risk review due soon: SR") for s in subjects)
    missing = [m for m in mail.outbox if m.subject.startswith("Missing: Provider One")]
    assert {m.to[0] for m in missing} == {"lead@example.invalid", "dn@example.invalid"}
    sent = len(mail.outbox)
    send_due_reminders(today)
    assert len(mail.outbox) == sent
