"""Evaluation opens the right review tasks, never twice for the same evidence, adds a new attendance to the open
task; routing, repeat domestic abuse, CP-IS and children in care; outcomes, a referral opening casework's clocks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.models import Referral
from casework.reports import referral_clocks
from casework.tests.factories import local_authority
from core.calendar import WorkingCalendar
from core.testing import count_queries
from signals import actions, imports, rules
from signals.models import ReviewTask, SignalRule, TaskEvidence
from signals.tests.factories import (
    BORN,
    attendance_rows,
    csv_file,
    days_before_today,
    evaluate,
    import_attendances,
    import_notifications,
    nhs_numbers,
)


class TestUnscheduledCare:
    def test_three_attendances_open_one_task_with_its_evidence_and_never_twice(self, world, user):
        a, b = nhs_numbers(2)
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(200, 100, 10)))
        import_attendances(world.provider, user, attendance_rows(b, BORN, days_before_today(100, 10)))
        assert evaluate(world, user)["S1"] == {"opened": 1, "added": 0}
        task = ReviewTask.objects.get(signal="S1")
        assert task.child.nhs_number == a and task.status == "open"
        assert task.evidence.count() == 3
        assert task.window_start == days_before_today(200)[0]
        assert evaluate(world, user)["S1"] == {"opened": 0, "added": 0}
        assert ReviewTask.objects.filter(signal="S1").count() == 1

    def test_a_new_attendance_inside_the_open_window_is_added_to_the_task(self, world, user):
        a = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(60, 50, 40)))
        evaluate(world, user)
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(2)))
        assert evaluate(world, user)["S1"] == {"opened": 0, "added": 1}
        task = ReviewTask.objects.get(signal="S1")
        assert task.evidence.count() == 4 and task.evidence.filter(added_later=True).count() == 1

    def test_after_the_review_a_new_attendance_opens_a_new_task(self, world, user):
        a = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(60, 50, 40)))
        evaluate(world, user)
        actions.do_record_outcome(ReviewTask.objects.get(), outcome="nfa", acting_user=user)
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(2)))
        assert evaluate(world, user)["S1"]["opened"] == 1
        newest = ReviewTask.objects.filter(status="open").get()
        assert newest.evidence.count() == 4

    def test_the_due_date_follows_the_providers_timescale_on_the_one_calendar(self, world, user):
        rule = actions.ensure_rules(world.provider)["S1"]
        assert rule.timescale is None  # the provider writes its own time frame [DUDLEY 13.3]
        actions.do_update_rule(rule, timescale=5, timescale_unit="working_days", acting_user=user)
        a = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(30, 20, 10)))
        evaluate(world, user)
        task = ReviewTask.objects.get()
        assert task.due_on == WorkingCalendar().add_working_days(timezone.localdate(), 5)

    def test_queries_do_not_grow_with_the_number_of_children(self, world, user):
        numbers = nhs_numbers(12)
        actions.ensure_rules(world.provider)
        import_attendances(world.provider, user, attendance_rows(numbers[0], BORN, days_before_today(30, 20, 10)))
        small, _ = count_queries(lambda: evaluate(world, user))
        rows = [r for n in numbers[1:] for r in attendance_rows(n, BORN, days_before_today(31, 21, 11))]
        import_attendances(world.provider, user, rows)
        large, result = count_queries(lambda: evaluate(world, user))
        assert result["S1"]["opened"] == 11
        assert large <= small  # the first also looks up content types once

    def test_the_window_holds_its_first_day_in_the_database_as_in_the_rule(self, world, user):
        inside, outside = nhs_numbers(2)
        today = timezone.localdate()
        first = rules.window_start(today, 12)  # 12 calendar months before today, clamped
        import_attendances(world.provider, user, attendance_rows(inside, BORN, [first, *days_before_today(100, 0)]))
        late = [first - dt.timedelta(days=1), *days_before_today(100, 0)]
        import_attendances(world.provider, user, attendance_rows(outside, BORN, late))
        assert evaluate(world, user)["S1"] == {"opened": 1, "added": 0}
        assert ReviewTask.objects.get(signal="S1").child.nhs_number == inside

    def test_children_over_many_chunks_open_one_task_each_and_a_second_run_reads_no_record(
        self, world, user, monkeypatch
    ):
        monkeypatch.setattr(actions, "CHUNK", 4)  # two subjects a chunk
        numbers = nhs_numbers(7)
        rows = [r for n in numbers for r in attendance_rows(n, BORN, days_before_today(30, 20, 10))]
        import_attendances(world.provider, user, rows)
        assert evaluate(world, user)["S1"] == {"opened": 7, "added": 0}
        queries, result = count_queries(lambda: evaluate(world, user))
        assert result["S1"] == {"opened": 0, "added": 0} and ReviewTask.objects.filter(signal="S1").count() == 7
        assert queries <= 12  # a lock, the rules, one query per rule: no record is read again


class TestDomesticAbuse:
    def test_more_than_three_in_six_months_for_a_household_and_routing_by_age(self, world, user):
        baby, pupil, teen = nhs_numbers(3)
        days = days_before_today(150, 100, 50)
        rows = [(day, "HH-7", f"P{i}", "medium", n, age) for i, day in enumerate(days) for n, age in ((baby, 1),)]
        rows.append((days[0], "HH-7", "P0", "medium", pupil, 9))
        rows.append((days[0], "HH-7", "P0", "medium", teen, 16))
        import_notifications(world.provider, user, rows)
        result = evaluate(world, user)
        assert result["S3"]["opened"] == 0  # three notifications: not more than three
        assert result["S2"]["opened"] == 5
        owners = {tuple(t.owners) for t in ReviewTask.objects.filter(signal="S2")}
        assert owners == {("health_visitor", "gp"), ("gp", "school_health"), ("gp",)}
        import_notifications(world.provider, user, [(days_before_today(5)[0], "HH-7", "P9", "high", baby, 1)])
        result = evaluate(world, user)
        assert result["S3"]["opened"] == 1 and result["S2"]["opened"] == 1
        task = ReviewTask.objects.get(signal="S3")
        assert task.household.key == "HH-7" and task.owners == ["designated_nurse"]
        assert task.evidence.count() == 4

    def test_routing_uses_the_date_of_birth_when_known(self, world, user):
        child = nhs_numbers(1)[0]
        day = days_before_today(20)[0]
        born = day.replace(year=day.year - 5)  # fifth birthday on the notification date
        upload = csv_file(
            ("Notification date", "Household", "Severity", "NHS number", "Age", "Date of birth"),
            [(day, "HH-1", "standard", child, 4, born)],
        )
        imports.do_import(
            organisation=world.provider, feed="domestic_abuse", upload=upload, name="n.csv", acting_user=user
        )
        evaluate(world, user)
        assert ReviewTask.objects.get(signal="S2").owners == ["gp", "school_health"]


class TestFlags:
    def test_a_flagged_childs_attendance_and_a_child_coming_into_care(self, world, user):
        child = nhs_numbers(1)[0]
        start = days_before_today(40)[0]
        upload = csv_file(("NHS number", "Flag", "Start date"), [(child, "in care", start)])
        imports.do_import(organisation=world.provider, feed="cpis", upload=upload, name="f.csv", acting_user=user)
        import_attendances(world.provider, user, attendance_rows(child, BORN, days_before_today(50, 10)))
        result = evaluate(world, user)
        assert result["S5"]["opened"] == 1  # only the attendance while flagged
        s5 = ReviewTask.objects.get(signal="S5")
        assert TaskEvidence.objects.filter(task=s5, flag__isnull=False).count() == 1
        s13 = ReviewTask.objects.get(signal="S13")
        assert s13.due_on == WorkingCalendar().add_working_days(start, 20)
        assert evaluate(world, user) == {k: {"opened": 0, "added": 0} for k in result}


class TestOutcomes:
    @pytest.fixture
    def task(self, world, user):
        a = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(30, 20, 10)))
        evaluate(world, user)
        return ReviewTask.objects.get()

    def test_an_outcome_closes_the_task_once(self, world, user, task):
        actions.do_record_outcome(task, outcome="designated", notes="Discussed.", acting_user=user)
        task.refresh_from_db()
        assert (task.status, task.outcome, task.completed_by) == ("done", "designated", user)
        with pytest.raises(ValidationError) as error:
            actions.do_record_outcome(task, outcome="nfa", acting_user=user)
        assert "outcome" in error.value.message_dict

    def test_bad_outcomes_name_their_field(self, world, user, task):
        with pytest.raises(ValidationError) as error:
            actions.do_record_outcome(
                task, outcome="maybe", completed_on=timezone.localdate() + dt.timedelta(days=1), acting_user=user
            )
        assert set(error.value.message_dict) == {"outcome", "completed_on"}
        with pytest.raises(ValidationError) as error:
            actions.do_record_outcome(task, outcome="referral", acting_user=user)
        assert set(error.value.message_dict) == {"referral"}
        with pytest.raises(ValidationError) as error:
            actions.do_record_outcome(
                task, outcome="referral", referral={"referred_by": "Named nurse"}, acting_user=user
            )
        assert "local_authority" in error.value.message_dict
        task.refresh_from_db()
        assert task.status == "open" and not Referral.objects.exists()

    def test_a_referral_opens_caseworks_clocks_under_a_pseudonymous_reference(self, world, user, task):
        referral = {
            "local_authority": local_authority(world),
            "referred_by": "Named nurse",
            "category": "neglect",
            "route": "telephone",
            "family_told": True,
        }
        actions.do_record_outcome(task, outcome="referral", referral=referral, acting_user=user)
        task.refresh_from_db()
        made = Referral.objects.get()
        assert task.referral == made and made.organisation == world.provider
        assert made.subject_reference == f"Signals review {task.pk}"
        assert task.child.nhs_number not in made.subject_reference
        clocks = [c.label for c in referral_clocks(made, WorkingCalendar())]
        assert "Send the written follow-up" in clocks and "Chase the outcome of the referral" in clocks


class TestRules:
    def test_defaults_are_the_sourced_ones_and_settings_are_checked(self, world, user):
        rules_ = actions.ensure_rules(world.provider)
        assert (rules_["S1"].threshold, rules_["S1"].window_months) == (3, 12)
        assert (rules_["S3"].threshold, rules_["S3"].window_months) == (4, 6)
        assert rules_["S13"].timescale == 20 and rules_["S6"].threshold is None
        assert SignalRule.objects.filter(organisation=world.provider).count() == len(rules_)
        with pytest.raises(ValidationError) as error:
            actions.do_update_rule(
                rules_["S2"], parameters={"age_bands": [{"from": 5, "to": 3, "owners": []}]}, acting_user=user
            )
        assert "age_bands" in error.value.message_dict
        with pytest.raises(ValidationError):
            actions.do_update_rule(rules_["S1"], signal="S3", acting_user=user)
        rules_["S6"].refresh_from_db()
        actions.do_update_rule(rules_["S6"], threshold=2, window_months=6, acting_user=user)
        assert SignalRule.objects.get(pk=rules_["S6"].pk).threshold == 2


class TestJobs:
    def test_evaluation_runs_as_a_stored_job(self, world, user):
        from core import jobs
        from signals.jobs import enqueue_evaluation

        a = nhs_numbers(1)[0]
        import_attendances(world.provider, user, attendance_rows(a, BORN, days_before_today(30, 20, 10)))
        job = enqueue_evaluation(world.provider, acting_user=user)
        assert jobs.run_pending() == 1
        job.refresh_from_db()
        assert job.status == "done" and job.result["results"]["S1"] == {"opened": 1, "added": 0}

    def test_owners_must_be_known(self, world, user):
        rule = actions.ensure_rules(world.provider)["S1"]
        with pytest.raises(ValidationError) as error:
            actions.do_update_rule(rule, owners=["gp", "someone"], acting_user=user)
        assert "owners" in error.value.message_dict
