"""Stored jobs: long work kept as rows and run by `manage.py run_worker`, never by threads.

Several workers (processes, or machines over one PostgreSQL), or a cron-started worker overlapping a slow one,
never run the same job twice:
- on PostgreSQL a worker claims the oldest queued job with `SELECT ... FOR UPDATE SKIP LOCKED` and marks it running
  in the same transaction: workers never wait on one another's row and never take the same one;
- on SQLite (one machine; the database file locks as a whole) with a conditional UPDATE (status queued -> running)
  that only one worker can win.
"""

import logging
import traceback

from django.db import connection, transaction
from django.utils import timezone

from core.choices import JobStatus
from core.models import Job

log = logging.getLogger(__name__)
HANDLERS = {}
START_CHECKS = []


def register_job(kind):
    def decorator(handler):
        HANDLERS[kind] = handler
        return handler

    return decorator


def on_worker_start(check):
    """Register a function a worker calls once when it starts (before claiming jobs), e.g. to queue work that a
    changed deployment setting needs."""
    START_CHECKS.append(check)
    return check


def run_start_checks():
    for check in START_CHECKS:
        check()


def enqueue(kind, payload=None, *, acting_user=None):
    if kind not in HANDLERS:
        raise ValueError(f"No job handler is registered for {kind!r}.")
    return Job.objects.create(kind=kind, payload=payload or {}, created_by=acting_user)


def claim_next():
    """Claim the oldest queued job, or return None when there is none."""
    if connection.vendor == "postgresql":
        return _claim_skipping_locked()
    return _claim_by_conditional_update()


def _claim_skipping_locked():
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=JobStatus.QUEUED)
            .order_by("created_at", "pk")
            .first()
        )
        if job is None:
            return None
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _claim_by_conditional_update():
    for job_id in Job.objects.filter(status=JobStatus.QUEUED).values_list("pk", flat=True)[:20]:
        claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
        if claimed:
            return Job.objects.get(pk=job_id)
    return None


def run(job):
    try:
        with transaction.atomic():
            result = HANDLERS[job.kind](job.payload)
    except Exception as error:  # noqa: BLE001 - a failed job is recorded, the worker goes on
        log.exception("job %s failed", job)
        job.status, job.error = JobStatus.FAILED, f"{error}\n{traceback.format_exc()}"
    else:
        job.status, job.result = JobStatus.DONE, result or {}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "error", "finished_at"])
    return job


def run_pending(limit=None):
    """Run queued jobs until none is left (or `limit` have run); returns how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        ran += 1
    return ran
