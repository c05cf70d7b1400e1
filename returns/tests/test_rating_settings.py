"""A changed rating setting re-rates what it affects (issue 15 item 1): RETURNS_MULTI_AGENCY_GAP_RATING and
RETURNS_JUDGED_CAPS are read when a process starts; a worker's start (and `migrate`) compares them with the settings
the stored ratings were computed with and queues the re-rating of the affected metrics only."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import Job
from returns import apps as returns_apps
from returns import ratings
from returns.jobs import rerate_if_settings_changed
from returns.models import JudgedMetric, Metric, RatingSettings
from returns.tests.factories import rating_of, submitted_return


@pytest.fixture
def vigil(settings):
    def change(**values):
        settings.VIGIL = {**(getattr(settings, "VIGIL", None) or {}), **values}

    return change


@pytest.fixture
def recorded(db):
    RatingSettings.objects.all().delete()
    Job.objects.filter(kind=ratings.RERATE_JOB).delete()
    assert rerate_if_settings_changed() is None  # the first record queues nothing
    return RatingSettings.objects.get()


def test_the_first_record_holds_the_settings_in_force(recorded):
    assert (recorded.gap_rating, recorded.judged_caps) == ("red", True)
    assert not Job.objects.filter(kind=ratings.RERATE_JOB).exists()


def test_unchanged_settings_queue_nothing(recorded):
    assert rerate_if_settings_changed() is None
    assert not Job.objects.filter(kind=ratings.RERATE_JOB).exists()


def test_a_changed_gap_rating_re_rates_the_gap_metric_only(world, recorded, vigil):
    ret = submitted_return(world.provider, overrides={"MAM": (68, 100)})  # 68 %: in the 60-75 % gap
    assert rating_of(ret, "MAM") == "red"
    vigil(RETURNS_MULTI_AGENCY_GAP_RATING="amber")
    job = rerate_if_settings_changed()
    assert job.payload == {"metric_ids": [Metric.objects.get(code="MAM").pk]}
    assert RatingSettings.objects.get().gap_rating == "amber"
    assert rating_of(ret, "MAM") == "amber"  # runs the job; stored agrees with fresh
    assert rerate_if_settings_changed() is None  # recorded: not queued twice


def test_turning_judged_caps_off_re_rates_the_capped_metrics_only(recorded, vigil):
    vigil(RETURNS_JUDGED_CAPS=False)
    job = rerate_if_settings_changed()
    named = {code for caps in JudgedMetric.objects.values_list("caps", flat=True) for code in caps}
    queued = set(Metric.objects.filter(pk__in=job.payload["metric_ids"]).values_list("code", flat=True))
    assert queued == named and 0 < len(queued) < Metric.objects.count()
    assert RatingSettings.objects.get().judged_caps is False


def test_a_worker_checks_the_settings_when_it_starts(recorded, vigil):
    vigil(RETURNS_MULTI_AGENCY_GAP_RATING="amber")
    call_command("run_worker", "--once", stdout=StringIO())
    assert RatingSettings.objects.get().gap_rating == "amber"
    assert Job.objects.get(kind=ratings.RERATE_JOB).status == "done"


def test_migrate_checks_the_settings_but_not_when_migrating_backwards(recorded, vigil):
    vigil(RETURNS_MULTI_AGENCY_GAP_RATING="amber")
    returns_apps._check_rating_settings(plan=[(object(), True)])
    assert RatingSettings.objects.get().gap_rating == "red"
    returns_apps._check_rating_settings(plan=[(object(), False)])
    assert RatingSettings.objects.get().gap_rating == "amber"
