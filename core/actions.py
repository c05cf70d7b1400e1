"""Shared pieces for every app's actions.py.

An action is a function `do_something(..., *, acting_user)` that changes state: it runs in
one transaction, with the acting user named as the audit actor, so the LogEntry rows that
django-auditlog writes land in the same transaction as the change.
"""

import contextlib

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from core.models import ClosureDay


@contextlib.contextmanager
def audited(acting_user):
    with transaction.atomic(), set_actor(acting_user):
        yield


def save_fields(instance, fields, *, acting_user):
    """Set `fields` (a dict) on `instance` and save only those, audited."""
    with audited(acting_user):
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save(update_fields=list(fields) or None)
    return instance


def do_archive(instance, *, acting_user):
    """Archive instead of delete: the record and its history stay."""
    if instance.archived_at is None:
        save_fields(instance, {"archived_at": timezone.now()}, acting_user=acting_user)
    return instance


def do_add_closure_day(*, icb, date, reason, acting_user):
    with audited(acting_user):
        closure = ClosureDay(icb=icb, date=date, reason=reason)
        closure.full_clean()
        closure.save()
    return closure
