import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core import actions, jobs
from core.choices import JobStatus, Role
from core.models import Job, SentReminder
from core.reminders import send_due_reminders


@pytest.fixture
def handlers():
    calls = []

    @jobs.register_job("test.echo")
    def echo(payload):
        calls.append(payload)
        return {"echo": payload["word"]}

    @jobs.register_job("test.boom")
    def boom(payload):
        raise RuntimeError("broken on purpose")

    yield calls
    jobs.HANDLERS.pop("test.echo")
    jobs.HANDLERS.pop("test.boom")


class TestJobs:
    def test_a_job_runs_once_and_keeps_its_result(self, db, handlers):
        job = jobs.enqueue("test.echo", {"word": "hello"})
        assert jobs.run_pending() == 1
        assert jobs.run_pending() == 0
        job.refresh_from_db()
        assert (job.status, job.result, handlers) == (JobStatus.DONE, {"echo": "hello"}, [{"word": "hello"}])

    def test_a_claimed_job_cannot_be_claimed_again(self, db, handlers):
        jobs.enqueue("test.echo", {"word": "x"})
        first = jobs.claim_next()
        assert first.status == JobStatus.RUNNING
        assert jobs.claim_next() is None

    def test_a_failing_job_is_recorded_and_the_worker_goes_on(self, db, handlers):
        jobs.enqueue("test.boom")
        jobs.enqueue("test.echo", {"word": "after"})
        call_command("run_worker", "--once", stdout=StringIO())
        statuses = list(Job.objects.order_by("pk").values_list("status", flat=True))
        assert statuses == [JobStatus.FAILED, JobStatus.DONE]
        assert "broken on purpose" in Job.objects.get(kind="test.boom").error

    def test_unknown_job_kind_is_refused(self, db):
        with pytest.raises(ValueError, match="No job handler"):
            jobs.enqueue("test.nothing")


def action_mails():
    """Other modules remind too (returns due, assessments due): these tests look at actions only."""
    return [m for m in mail.outbox if m.subject.startswith("Overdue safeguarding action")]


class TestReminders:
    def overdue_action(self, world):
        action = actions.do_create_tracked_action(
            source=world.provider,
            organisation=world.provider,
            title="Train reception staff",
            owner="Lead",
            due_date=timezone.localdate(),
            success_measure="All trained",
            acting_user=None,
        )
        action.due_date = timezone.localdate() - dt.timedelta(days=3)
        action.save(update_fields=["due_date"])
        return action

    def test_overdue_actions_are_sent_once_a_day_per_address(self, world):
        world.user(Role.PROVIDER).email = "lead@provider.example"
        world.user(Role.PROVIDER).save()
        world.user(Role.DESIGNATED).email = "designated@icb.example"
        world.user(Role.DESIGNATED).save()
        self.overdue_action(world)
        today = timezone.localdate()
        send_due_reminders(today)
        first = action_mails()
        send_due_reminders(today)
        assert sorted(m.to[0] for m in first) == ["designated@icb.example", "lead@provider.example"]
        assert action_mails() == first
        assert "Train reception staff" in first[0].body
        send_due_reminders(today + dt.timedelta(days=1))
        assert len(action_mails()) == 4

    def test_the_command_reports_what_it_sent(self, world):
        world.user(Role.DESIGNATED).email = "designated@icb.example"
        world.user(Role.DESIGNATED).save()
        self.overdue_action(world)
        first, second = StringIO(), StringIO()
        call_command("send_reminders", stdout=first)
        call_command("send_reminders", stdout=second)
        assert SentReminder.objects.filter(key__startswith="core:action-overdue:").count() == 1
        assert "reminder(s) sent" in first.getvalue()
        assert second.getvalue().startswith("0 reminder(s) sent")
