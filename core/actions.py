"""Shared pieces for every app's actions.py.

An action is a function `do_something(..., *, acting_user)` that changes state: it runs in
one transaction, with the acting user named as the audit actor, so the LogEntry rows that
django-auditlog writes land in the same transaction as the change.
"""

import contextlib

from auditlog.context import auditlog_value, set_actor
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import rules
from core.choices import ActionSource, ActionStatus
from core.models import ACTION_VERIFIERS, STANDALONE_ACTION_ROLES, ActionUpdate, ClosureDay, TrackedAction


@contextlib.contextmanager
def audited(acting_user, *, savepoint=True):
    """A transaction (a savepoint inside one) whose audit entries name `acting_user`. `savepoint=False`: for a
    caller that already holds a transaction and lets every error out of it (it rolls back the whole), two round
    trips fewer (SAVEPOINT, RELEASE)."""
    with transaction.atomic(savepoint=savepoint), acting_as(acting_user):
        yield


@contextlib.contextmanager
def acting_as(acting_user):
    """django-auditlog's `set_actor`, nestable. Its context is one variable that an inner `set_actor` overwrites and
    does not restore: the outer block's later entries (an action's, or the request's of AuditlogMiddleware) lost
    their actor, and the outer receiver, disconnected by the inner one's id, stayed connected for good (one more
    receiver for every LogEntry save, per request). The outer context is restored when the inner block ends."""
    outer = auditlog_value.get(None)
    try:
        with set_actor(acting_user):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


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


# The action tracker: one set of actions for assessments, returns, reviews, incidents, inspections.


def do_create_tracked_action(*, source, organisation, acting_user, source_label=None, **smart):
    """Open a SMART action against `source` (a real record) for `organisation`.

    The provenance comes from the source, never from a client: its kind is the source model's
    `action_source_kind`, its label the caller's description of that record (or the record itself).
    Missing SMART fields (title, owner, due_date, success_measure) are refused together, each named.
    """
    kind = getattr(source, "action_source_kind", ActionSource.OTHER)
    return _create_action(source, kind, source_label or str(source), organisation, acting_user, **smart)


def do_create_standalone_action(*, organisation, arising_from, occasion, acting_user, **smart):
    """An action from an inspection or visit, raised directly in the tracker by the ICB: its source is
    the organisation, its kind inspection or other, and `occasion` says which inspection or visit."""
    if getattr(acting_user, "role", None) not in STANDALONE_ACTION_ROLES:
        raise PermissionDenied("Only the ICB safeguarding team raises an action from an inspection or visit.")
    problems = rules.standalone_source_problems(arising_from=arising_from, occasion=occasion)
    return _create_action(
        organisation, arising_from, (occasion or "").strip(), organisation, acting_user, problems=problems, **smart
    )


def _create_action(
    source,
    kind,
    label,
    organisation,
    acting_user,
    *,
    title="",
    owner="",
    due_date=None,
    success_measure="",
    problems=None,
):
    problems = {
        **(problems or {}),
        **rules.smart_action_problems(
            title=title, owner=owner, due_date=due_date, success_measure=success_measure, today=timezone.localdate()
        ),
    }
    if problems:
        raise ValidationError(problems)
    with audited(acting_user):
        action = TrackedAction(
            source_type=ContentType.objects.get_for_model(source),
            source_id=source.pk,
            source_kind=kind,
            source_label=label[:250],
            organisation=organisation,
            title=title.strip(),
            owner=owner.strip(),
            due_date=due_date,
            success_measure=success_measure.strip(),
            created_by=acting_user,
        )
        action.full_clean()
        action.save()
    return action


def _move(action, target, *, note, acting_user, **fields):
    if problem := rules.transition_problem(action.status, target):
        raise ValidationError({"status": problem})
    with audited(acting_user):
        save_fields(action, {"status": target, **fields}, acting_user=acting_user)
        ActionUpdate.objects.create(action=action, author=acting_user, note=note, status=target)
    return action


def do_record_progress(action, *, note, acting_user):
    """A progress note; an open action moves to 'in progress'."""
    if not (note or "").strip():
        raise ValidationError({"note": "Write what has happened."})
    if action.status == ActionStatus.OPEN:
        return _move(action, ActionStatus.IN_PROGRESS, note=note, acting_user=acting_user)
    if action.status == ActionStatus.VERIFIED:
        raise ValidationError({"note": "This action is verified and closed."})
    with audited(acting_user):
        ActionUpdate.objects.create(action=action, author=acting_user, note=note, status=action.status)
    return action


def do_complete_action(action, *, evidence, acting_user):
    if not (evidence or "").strip():
        raise ValidationError({"evidence": "Describe or link the evidence that the action is complete."})
    return _move(
        action,
        ActionStatus.COMPLETED,
        note=evidence,
        acting_user=acting_user,
        evidence=evidence.strip(),
        completed_at=timezone.now(),
    )


def do_verify_action(action, *, acting_user, note="Verified by the ICB."):
    """The ICB confirms the evidence: the action is closed."""
    if getattr(acting_user, "role", None) not in ACTION_VERIFIERS:
        raise PermissionDenied("Only a designated professional can verify an action.")
    return _move(
        action,
        ActionStatus.VERIFIED,
        note=note,
        acting_user=acting_user,
        verified_at=timezone.now(),
        verified_by=acting_user,
    )


def do_reopen_action(action, *, note, acting_user):
    """The ICB is not satisfied with the evidence: back to 'in progress', with the reason."""
    if not (note or "").strip():
        raise ValidationError({"note": "Say why the evidence is not enough."})
    return _move(action, ActionStatus.IN_PROGRESS, note=note, acting_user=acting_user, completed_at=None)


def do_carry_over_action(action, *, to_source, note, acting_user):
    """Move an open action to a newer record of the same kind (last year's assessment answer to this year's),
    with a note in its thread: the action keeps its history, owner and due date."""
    with audited(acting_user):
        save_fields(
            action,
            {
                "source_type": ContentType.objects.get_for_model(to_source),
                "source_id": to_source.pk,
                "source_label": str(to_source)[:250],
            },
            acting_user=acting_user,
        )
        ActionUpdate.objects.create(action=action, author=acting_user, note=note, status=action.status)
    return action


def do_create_api_token(user, *, name, acting_user):
    """Make a token for `user`; returns (token, key). The key is never stored, so show it now or never."""
    from core import tokens
    from core.models import ApiToken

    if ApiToken.objects.filter(user=user).count() >= tokens.max_tokens_per_user():
        raise ValidationError(
            {"name": f"You already have {tokens.max_tokens_per_user()} tokens. Revoke one you no longer use."}
        )
    key = tokens.new_key()
    now = timezone.now()
    with audited(acting_user):
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_digest=tokens.digest(key),
            key_prefix=key[: tokens.PREFIX_LENGTH],
            created=now,
            expires=rules.token_expiry(now, tokens.token_days()),
        )
    return token, key


def do_rotate_api_token(token, *, acting_user):
    """Replace `token` by a new one with the same name and a fresh expiry; the old key stops working."""
    with audited(acting_user):
        user, name = token.user, token.name
        token.delete()
        return do_create_api_token(user, name=name, acting_user=acting_user)


def do_revoke_api_token(token, *, acting_user):
    with audited(acting_user):
        token.delete()
