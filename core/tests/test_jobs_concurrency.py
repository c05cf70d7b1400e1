"""Several workers over one database: every stored job runs exactly once (core.jobs.claim_next)."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import jobs
from core.choices import JobStatus
from core.models import Job

JOBS, WORKERS = 40, 4


@pytest.fixture
def counting_handler():
    ran, lock = [], threading.Lock()

    def handler(payload):
        with lock:
            ran.append(payload["n"])
        return {"n": payload["n"]}

    jobs.register_job("test.count")(handler)
    yield ran
    jobs.HANDLERS.pop("test.count", None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads with their own connections need a server")
def test_four_concurrent_workers_run_every_job_exactly_once(counting_handler):
    for n in range(JOBS):
        jobs.enqueue("test.count", {"n": n})
    barrier, counts, errors = threading.Barrier(WORKERS), [], []

    def worker():
        try:
            barrier.wait()
            counts.append(jobs.run_pending())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(counting_handler) == list(range(JOBS))  # every job ran, none twice
    assert sum(counts) == JOBS
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
def test_a_worker_claims_with_skip_locked_on_postgresql(counting_handler):
    jobs.enqueue("test.count", {"n": 1})
    with CaptureQueriesContext(connection) as queries:
        job = jobs.claim_next()
    assert job.status == JobStatus.RUNNING
    assert any("FOR UPDATE SKIP LOCKED" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_a_claimed_job_is_not_claimed_again(counting_handler):
    jobs.enqueue("test.count", {"n": 1})
    assert jobs.claim_next() is not None
    assert jobs.claim_next() is None
