"""Nested audited blocks: each entry names the actor of the block it was written in, and no audit receiver is left
connected after the blocks end (django-auditlog's set_actor alone loses the outer actor and leaks a receiver)."""

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db.models.signals import pre_save

from core.actions import audited
from core.choices import Role
from core.models import ClosureDay
from core.testing import make_icb, make_user

pytestmark = pytest.mark.django_db


def _closure(icb, day, reason):
    closure = ClosureDay.objects.create(icb=icb, date=dt.date(2031, 1, day), reason=reason)
    return LogEntry.objects.get_for_object(closure).get(action=LogEntry.Action.CREATE)


def test_an_entry_after_an_inner_block_names_the_outer_actor_and_no_receiver_is_left():
    icb = make_icb()
    outer_user, inner_user = make_user(Role.DESIGNATED, icb), make_user(Role.ADMINISTRATOR, icb)
    before = len(pre_save.receivers)
    with audited(outer_user):
        first = _closure(icb, 2, "Before the inner block")
        with audited(inner_user):
            inner = _closure(icb, 3, "Inside the inner block")
        after = _closure(icb, 6, "After the inner block")
    assert (first.actor, inner.actor, after.actor) == (outer_user, inner_user, outer_user)
    assert len(pre_save.receivers) == before


def test_a_request_context_keeps_its_actor_after_an_action_inside_it():
    """AuditlogMiddleware wraps each request in set_actor: an action inside must not take the request's actor away
    from what the request saves afterwards, nor leave the request's receiver connected."""
    icb = make_icb()
    user = make_user(Role.DESIGNATED, icb)
    before = len(pre_save.receivers)
    for request in range(3):
        with set_actor(user, remote_addr="192.0.2.10"):
            with audited(user):
                _closure(icb, 10 + 2 * request, "In an action")
            later = _closure(icb, 11 + 2 * request, "Saved by the request after the action")
            assert (later.actor, later.remote_addr) == (user, "192.0.2.10")
    assert len(pre_save.receivers) == before
