"""No lost update: every editable record carries a version, and a save from a stale copy is refused.

`Versioned` adds an integer `version`. Every save of an existing row first claims it with
`UPDATE ... SET version = version WHERE pk = %s AND version = %s` (the version the editor read,
held on the instance): no row means someone saved meanwhile, and `StaleEdit` is raised; one row
locks it until the transaction ends, so the save that follows bumps the version and no other
writer can slip in between. Pages and the API set `instance.version` to the version the person
started from (hidden form field, `If-Match`, or the version the request itself read).
See docs/concurrency.md.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db import models, transaction
from django.db.models import F
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


class StaleEdit(Exception):
    """The record was saved by someone else since `expected_version` was read."""

    def __init__(self, instance, expected_version):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(
            f"{instance._meta.verbose_name} {instance.pk} changed since version {expected_version}: "
            "someone else saved it meanwhile."
        )

    def current(self):
        """The record as it is saved now."""
        return type(self.instance)._base_manager.get(pk=self.instance.pk)


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up by one on every save; a save from an older version is refused."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        expected = self.version
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):  # one transaction, no extra savepoint
            claim(self, expected)
            self.version = expected + 1
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version = expected
                raise
        return None

    def touch(self):
        """A new version without another change: a form that edits this record's children
        (a return's figures, an assessment's answers) guards and marks the record itself."""
        self.save(update_fields=["version"])


def bump(instance):
    """`touch` in one statement, for a bulk save that writes its audit entries itself (returns'
    do_save_figures): the version goes up by one if it is still the one on the instance, else `StaleEdit`
    (the row is then locked until the transaction ends, as by `claim`). Returns the change as auditlog
    records it, for the caller's audit entry."""
    model, expected = type(instance), instance.version
    if not model._base_manager.filter(pk=instance.pk, version=expected).update(version=expected + 1):
        raise StaleEdit(instance, expected)
    instance.version = expected + 1
    return {"version": [str(expected), str(expected + 1)]}


def claim(instance, expected_version):
    """Lock the row if it is still at `expected_version`; `StaleEdit` if it is not.

    `version = version` (not `+ 1`) so that the save that follows changes the version and the
    audit trail records it, which is how `changes_since` finds who saved meanwhile."""
    model = type(instance)
    if not model._base_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version")):
        raise StaleEdit(instance, expected_version)


@dataclass(frozen=True)
class Change:
    """A field whose saved value differs from what the person submitted."""

    name: str
    label: str
    saved: object
    yours: object
    by: str = ""
    at: object = None


def saved_by_since(instance, expected_version):
    """Who saved `instance` after `expected_version`, newest first: {field name: (actor, timestamp)}."""
    from core.audit import history_for

    latest = {}
    for entry in history_for(instance):
        if _new_version(entry) is None or _new_version(entry) <= expected_version:
            continue
        for name in entry.changes_dict:
            latest.setdefault(name, (str(entry.actor or "the system"), entry.timestamp))
    return latest


def _new_version(entry):
    change = entry.changes_dict.get("version")
    try:
        return int(change[1])
    except (TypeError, ValueError, IndexError):
        return None


def changes_since(current, expected_version, submitted, labels):
    """The submitted fields (`{name: value}`) whose saved value is now different, with who saved it."""
    savers = saved_by_since(current, expected_version)
    changes = []
    for name, yours in submitted.items():
        saved, yours = _comparable(getattr(current, name, None)), _comparable(yours)
        if saved != yours:
            by, at = savers.get(name, ("", None))
            changes.append(Change(name, labels.get(name, name), saved, yours, by, at))
    return changes


def _comparable(value):
    if hasattr(value, "all") and hasattr(value, "model"):  # a many-to-many manager or a queryset
        return sorted(str(item) for item in value.all())
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(item) for item in value)
    return value


def guarded(record, expected_version, perform):
    """Run `perform()` (an action) only if `record` is still at `expected_version`, and leave the record
    at a new version whether or not the action saved it (it may have changed only its children)."""
    if expected_version is None:
        return perform()
    model = type(record)
    with transaction.atomic():
        claim(record, expected_version)
        record.version = expected_version
        result = perform()
        if model._base_manager.filter(pk=record.pk, version=expected_version).exists():
            record.version = expected_version
            record.touch()
    return result


STALE_BUTTON_MESSAGE = (
    "Someone else saved this record at the same moment, so nothing was changed: check it and try again."
)


class StaleEditMiddleware:
    """A page that saves without a form (a button: submit, accept, archive) and meets a save made at the
    same moment: nothing is changed, and the person is sent back with a message instead of a server error.
    Edit forms handle StaleEdit themselves (core.views.ActionFormView); the API answers 412."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StaleEdit):
            return None
        messages.error(
            request,
            "Someone else saved this record at the same moment, so nothing was changed: check it and try again.",
        )
        back = request.META.get("HTTP_REFERER", "")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(back if safe else "/")
