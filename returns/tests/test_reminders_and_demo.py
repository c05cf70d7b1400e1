"""Reminders for returns due in five working days and overdue; the demo data loads once."""

import datetime as dt

import pytest

from core.choices import Role
from core.models import User
from returns import reminders
from returns.models import Return
from returns.tests.factories import submitted_return


@pytest.fixture
def emails(world):
    for user in User.objects.all():
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    return world


def due(today):
    return {d.key: d for d in reminders.collect(today)}


def test_a_return_due_in_five_working_days_is_reminded_to_the_provider(emails):
    world = emails
    # 2025/26 Q4 is due Thursday 30 April 2026 (Easter skipped).
    soon = due(dt.date(2026, 4, 23))  # 24, 27, 28, 29, 30: five working days
    key = f"returns:due-soon:{world.provider.pk}:2025-26-Q4"
    assert soon[key].recipients == ["provider.one@example.invalid"]
    assert key not in due(dt.date(2026, 4, 22))  # six working days


def test_an_overdue_return_goes_to_the_provider_and_the_icb_team(emails):
    world = emails
    overdue = due(dt.date(2026, 5, 1))
    item = overdue[f"returns:overdue:{world.provider.pk}:2025-26-Q4"]
    assert set(item.recipients) == {
        "provider.one@example.invalid",
        "designated@example.invalid",
        "admin@example.invalid",
    }
    assert f"returns:overdue:{world.provider.pk}:2025-26-Q4" not in due(dt.date(2026, 4, 30))


def test_a_submitted_return_is_not_chased(emails):
    world = emails
    submitted_return(world.provider)
    assert not [k for k in due(dt.date(2026, 5, 1)) if f":{world.provider.pk}:" in k]


def test_the_send_reminders_command_sends_each_reminder_once_a_day(emails):
    from django.core import mail

    from core.reminders import send_due_reminders

    first = send_due_reminders(dt.date(2026, 5, 1))
    assert first >= 3
    assert send_due_reminders(dt.date(2026, 5, 1)) == 0
    assert any("Overdue quarterly safeguarding return" in m.subject for m in mail.outbox)


def test_the_demo_loads_red_amber_late_and_missing_returns_once(db):
    from django.utils import timezone

    from organisations import demo as organisations_demo
    from organisations.models import Organisation
    from returns import demo, reports
    from returns.rules import last_ended_quarter

    organisations_demo.load()
    demo.load()
    count = Return.objects.count()
    demo.load()
    assert Return.objects.count() == count
    icb = Organisation.objects.get(ods_code="QZZ")
    quarter = last_ended_quarter(timezone.localdate())
    matrix = reports.build_matrix(Organisation.objects.filter(icb=icb), Return.objects.all(), quarter, icb_id=icb.pk)
    statuses = {row.provider.ods_code: row.status for row in matrix.rows}
    assert statuses["ZB1"] in {"missing", "not yet due"} and statuses["ZA9"] == "late"
    ratings = {
        (row.provider.ods_code, code): cell.rating for row in matrix.rows for code, cell in row.cells.items() if cell
    }
    assert ratings[("ZA1", "TRN-CH")] == "red"
    assert ratings[("ZA4", "TRN-AD")] == "amber"
    assert ratings[("ZA6", "TRN-MCA")] == "red"
    assert ratings[("ZA2", "CIC-IHA")] == "amber"  # two children without an initial health assessment at 20 days
    assert ratings[("ZA1", "CIC-DENT")] == "red"
    assert ratings[("ZA9", "DOLS-BREACH")] == "none"  # the care home reports DoLS activity, not rated
    assert User.objects.filter(role=Role.DESIGNATED).exists()


def test_the_benchmark_runs_small(db):
    from benchmarks import returns as benchmark

    lines = []
    results = benchmark.run(scale=0.002, xlsx=1, out=lines.append)
    assert results["matrix"][1] < 30 and results["api"][1] < 15
    assert results["xlsx_rows_per_s"] > 0
    assert any(line.startswith("Generated 1 ICBs, 3 providers, 8 quarters") for line in lines)
