import datetime as dt

import pytest
from django.utils import timezone

from core import jobs
from core.choices import Role
from reporting import actions
from reporting.models import ReportType

AS_AT = dt.datetime(2026, 5, 2, 9, 0, tzinfo=dt.UTC)


def report_type(code):
    return ReportType.objects.get(code=code)


def new_report(world, code="annual-safeguarding", financial_year=2025, quarter=None, user=None):
    return actions.do_create_report(
        acting_user=user or world.user(Role.DESIGNATED),
        report_type=report_type(code),
        financial_year=financial_year,
        quarter=quarter,
        today=timezone.localdate(),
    )


def built(report, user):
    """Queue the build and run the worker, as `manage.py run_worker` does."""
    job = actions.do_request_build(report, acting_user=user)
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == "done", job.error
    report.refresh_from_db()
    return report


def approved(world, report=None):
    designated, executive = world.user(Role.DESIGNATED), world.user(Role.EXECUTIVE)
    report = report or new_report(world)
    actions.do_save_narrative(report, key="executive-summary", text="Assurance is good.", acting_user=designated)
    built(report, designated)
    actions.do_submit(report, acting_user=designated)
    actions.do_approve(report, acting_user=executive)
    report.refresh_from_db()
    return report


@pytest.fixture
def designated(world):
    return world.user(Role.DESIGNATED)


@pytest.fixture
def executive(world):
    return world.user(Role.EXECUTIVE)
