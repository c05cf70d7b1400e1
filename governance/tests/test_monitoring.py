"""The monitoring schedule [DDICB Monitoring and Review of Policy]: recurring internal checks (team structure
every quarter, governance forums every six months, the training programme yearly, policies on the website,
Board oversight), each with owner, frequency, reviewing forum and reminders, and a record of each check done.
A check is overdue from the day after its next due date."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.choices import Role
from core.reminders import send_due_reminders
from core.testing import count_queries
from governance import actions, reports, rules
from governance.models import MonitoringCheck, MonitoringCheckRecord

DAYS = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))


def add_check(user, today, **fields):
    return actions.do_add_monitoring_check(
        acting_user=user,
        **{
            "title": "Governance forums reporting",
            "owner": "Assistant Director for Safeguarding Adults",
            "frequency_months": 6,
            "first_due_on": today,
            **fields,
        },
    )


# ------------------------------------------------------------------------------------------------ rules


class TestNextCheckDate:
    def test_never_done_is_due_on_its_first_date(self):
        assert rules.next_check_date(dt.date(2026, 4, 1), None, 3) == dt.date(2026, 4, 1)

    def test_done_is_due_the_frequency_later_clamped_to_the_month_end(self):
        assert rules.next_check_date(dt.date(2026, 1, 1), dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
        assert rules.next_check_date(dt.date(2026, 1, 1), dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
        assert rules.next_check_date(dt.date(2026, 1, 1), dt.date(2026, 5, 15), 12) == dt.date(2027, 5, 15)

    @pytest.mark.parametrize("months", [0, -3, None, True, 2.5])
    def test_an_unusable_frequency_is_refused(self, months):
        with pytest.raises(ValueError, match="at least 1 month"):
            rules.next_check_date(dt.date(2026, 1, 1), None, months)

    @given(done=DAYS, months=st.sampled_from([3, 6, 12, 24]))
    def test_the_next_check_is_exactly_the_frequency_later(self, done, months):
        due = rules.next_check_date(dt.date(2019, 1, 1), done, months)
        assert (due.year - done.year) * 12 + due.month - done.month == months
        assert due.day == done.day or (due.day < done.day and (due + dt.timedelta(days=1)).day == 1)


class TestOverdue:
    def test_the_boundaries(self):
        due = dt.date(2026, 6, 30)
        assert rules.check_state(due, dt.date(2026, 6, 15), 14) == rules.IN_DATE
        assert rules.check_state(due, dt.date(2026, 6, 16), 14) == rules.DUE_SOON
        assert rules.check_state(due, due, 14) == rules.DUE_SOON  # on the due day: not yet overdue
        assert rules.check_state(due, dt.date(2026, 7, 1), 14) == rules.OVERDUE

    @given(due=DAYS, offset=st.integers(-400, 400), window=st.integers(0, 60))
    def test_overdue_exactly_when_today_is_after_the_due_date(self, due, offset, window):
        today = due + dt.timedelta(days=offset)
        state = rules.check_state(due, today, window)
        assert (state == rules.OVERDUE) == (today > due)
        assert (state == rules.DUE_SOON) == (due - dt.timedelta(days=window) <= today <= due)


# ---------------------------------------------------------------------------------------------- actions


def test_a_check_done_moves_the_next_due_date(world, designated, today):
    check = add_check(designated, today - dt.timedelta(days=40), frequency_months=3)
    assert check.next_due_on == today - dt.timedelta(days=40) and check.state == rules.OVERDUE
    record = actions.do_record_check_done(
        check, acting_user=designated, done_on=today, done_by="AD", outcome="assured", findings="Team in place."
    )
    check.refresh_from_db()
    assert check.next_due_on == rules.next_check_date(None, today, 3) and check.state != rules.OVERDUE
    assert record.recorded_by == designated and list(check.records.all()) == [record]


def test_an_earlier_check_recorded_late_does_not_move_the_date_back(world, designated, today):
    check = add_check(designated, today, frequency_months=12)
    actions.do_record_check_done(
        check, acting_user=designated, done_on=today, done_by="AD", outcome="assured", findings="Done."
    )
    actions.do_record_check_done(
        check,
        acting_user=designated,
        done_on=today - dt.timedelta(days=200),
        done_by="AD",
        outcome="gaps",
        findings="An older check, entered late.",
    )
    check.refresh_from_db()
    assert check.next_due_on == rules.next_check_date(None, today, 12)


def test_changing_the_frequency_recomputes_the_due_date(world, designated, today):
    check = add_check(designated, today, frequency_months=6)
    actions.do_record_check_done(
        check, acting_user=designated, done_on=today, done_by="AD", outcome="assured", findings="Done."
    )
    actions.do_update_monitoring_check(check, acting_user=designated, frequency_months=3)
    check.refresh_from_db()
    assert check.next_due_on == rules.next_check_date(None, today, 3)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"done_on": None}, "done_on"),
        ({"done_on": "tomorrow"}, "done_on"),
        ({"findings": "  "}, "findings"),
        ({"done_by": ""}, "done_by"),
        ({"outcome": "fine"}, "outcome"),
    ],
)
def test_a_bad_check_record_is_refused_naming_the_field(world, designated, today, fields, field):
    check = add_check(designated, today)
    values = {"done_on": today, "done_by": "AD", "outcome": "assured", "findings": "Done.", **fields}
    if values["done_on"] == "tomorrow":
        values["done_on"] = today + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        actions.do_record_check_done(check, acting_user=designated, **values)
    assert field in error.value.message_dict
    assert not MonitoringCheckRecord.objects.exists()


def test_a_frequency_of_zero_or_another_icbs_committee_is_refused(world, designated, today, foreign):
    from governance.models import Committee

    with pytest.raises(ValidationError) as error:
        add_check(designated, today, frequency_months=0)
    assert "frequency_months" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_check(designated, today, reviewing_committee=Committee.objects.get(pk=foreign["committee"]))
    assert "reviewing_committee" in error.value.message_dict
    assert not MonitoringCheck.objects.filter(icb=world.icb).exists()


# --------------------------------------------------------------------------------------- read side, pages


def test_rows_take_a_fixed_number_of_queries(world, designated, today):
    for number in range(2):
        check = add_check(designated, today, title=f"Check {number}")
        actions.do_record_check_done(
            check, acting_user=designated, done_on=today, done_by="AD", outcome="assured", findings="Done."
        )
    few, _ = count_queries(lambda: reports.monitoring_rows(MonitoringCheck.objects.all(), today))
    for number in range(4):
        check = add_check(designated, today, title=f"More {number}")
        actions.do_record_check_done(
            check, acting_user=designated, done_on=today, done_by="AD", outcome="gaps", findings="Gap."
        )
    many, rows = count_queries(lambda: reports.monitoring_rows(MonitoringCheck.objects.all(), today))
    assert many == few and len(rows) == 6


def test_the_schedule_page_the_home_page_and_the_index_show_an_overdue_check(world, designated, client_for, today):
    add_check(designated, today - dt.timedelta(days=1), title="Team structure review", frequency_months=3)
    add_check(designated, today + dt.timedelta(days=90), title="Training programme review", frequency_months=12)
    client = client_for(designated)
    page = client.get("/governance/monitoring/").content.decode()
    assert "Team structure review" in page and "Check overdue" in page and "Training programme review" in page
    home = client.get("/").content.decode()
    assert "Monitoring check overdue: Team structure review" in home and "Training programme review" not in home
    index = client.get("/governance/").content.decode()
    assert "Monitoring checks overdue (1)" in index
    provider_home = client_for(world.user(Role.PROVIDER)).get("/").content.decode()
    assert "Team structure review" not in provider_home


def test_recording_a_check_from_the_page(world, designated, client_for, today):
    check = add_check(designated, today - dt.timedelta(days=3))
    client = client_for(designated)
    refused = client.post(f"/governance/monitoring/{check.pk}/record/", {"done_on": today, "outcome": "assured"})
    assert refused.status_code == 200 and "Write what the check found" in refused.content.decode()
    done = client.post(
        f"/governance/monitoring/{check.pk}/record/",
        {"done_on": today, "done_by": "AD", "outcome": "gaps", "findings": "Board paper late."},
    )
    assert done.status_code == 302
    detail = client.get(f"/governance/monitoring/{check.pk}/").content.decode()
    assert "Board paper late." in detail and "Check overdue" not in detail


def test_adding_a_check_from_the_page(world, designated, client_for, today):
    response = client_for(designated).post(
        "/governance/monitoring/add/",
        {
            "title": "Policies on the website",
            "owner": "Safeguarding administration team",
            "frequency_months": 24,
            "first_due_on": today,
        },
    )
    assert response.status_code == 302
    assert MonitoringCheck.objects.get().next_due_on == today


# ------------------------------------------------------------------------------------------------- API


def test_the_api_adds_a_check_and_records_it_done(world, records, today):
    api = world.api(Role.ADMINISTRATOR)
    created = api.post(
        "/api/v1/monitoring-checks/",
        {
            "title": "Board oversight",
            "owner": "Executive Director of Nursing",
            "frequency_months": 12,
            "first_due_on": (today - dt.timedelta(days=1)).isoformat(),
            "reviewing_committee": records["committee"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "overdue" and body["last_done_on"] is None
    refused = api.post(
        f"/api/v1/monitoring-checks/{body['id']}/record/",
        {"done_on": today.isoformat(), "done_by": "", "outcome": "assured", "findings": "x"},
        format="json",
    )
    assert refused.status_code == 400 and "done_by" in refused.json()
    done = api.post(
        f"/api/v1/monitoring-checks/{body['id']}/record/",
        {
            "done_on": today.isoformat(),
            "done_by": "EDN",
            "outcome": "assured",
            "findings": "Reported to Board.",
            "reported_to": records["meeting"],
        },
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["state"] != "overdue" and done.json()["last_done_on"] == today.isoformat()
    listed = api.get("/api/v1/monitoring-check-records/", {"monitoring_check": body["id"]}).json()["results"]
    assert [r["findings"] for r in listed] == ["Reported to Board."]


def test_the_api_refuses_a_frequency_of_zero(world):
    response = world.api(Role.DESIGNATED).post(
        "/api/v1/monitoring-checks/",
        {"title": "x", "owner": "y", "frequency_months": 0, "first_due_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "frequency_months" in response.json()


# ----------------------------------------------------------------------------------------------- reminders


def test_reminders_for_checks_due_soon_and_overdue(world, designated, today):
    designated.email = "dn@example.invalid"
    designated.save()
    add_check(designated, today - dt.timedelta(days=1), title="Overdue check")
    add_check(designated, today + dt.timedelta(days=14), title="Soon check")
    add_check(designated, today + dt.timedelta(days=15), title="Later check")
    add_check(designated, today + dt.timedelta(days=30), title="Own window check", reminder_days=30)
    send_due_reminders(today)
    subjects = {m.subject for m in mail.outbox}
    assert "Monitoring check overdue: Overdue check" in subjects
    assert "Monitoring check due soon: Soon check" in subjects
    assert "Monitoring check due soon: Own window check" in subjects
    assert not any("Later check" in s for s in subjects)


@pytest.mark.parametrize("months", [None, 5, 99999999])
def test_only_the_schedules_frequencies_are_accepted(world, designated, today, months):
    with pytest.raises(ValidationError) as error:
        add_check(designated, today, frequency_months=months)
    assert error.value.message_dict == {"frequency_months": ["Choose how often: every 3, 6, 12 or 24 months."]}
    check = add_check(designated, today)
    with pytest.raises(ValidationError) as error:
        actions.do_update_monitoring_check(check, acting_user=designated, frequency_months=months)
    assert "frequency_months" in error.value.message_dict


def test_a_blank_first_due_date_on_the_edit_page_is_a_form_error(world, designated, client_for, today):
    check = add_check(designated, today)
    response = client_for(designated).post(
        f"/governance/monitoring/{check.pk}/edit/",
        {
            "title": check.title,
            "owner": check.owner,
            "frequency_months": 6,
            "first_due_on": "",
            "version": check.version,
        },
    )
    assert response.status_code == 200 and "Enter the date the first check is due" in response.content.decode()
