"""The one audit trail (django-auditlog's LogEntry table).

- Changes: every model registered with `auditlog.register` gets a LogEntry with actor,
  timestamp and before/after values for each create, change and archive. Actions run inside
  `core.actions.audited(acting_user)`, which names the actor.
- Views: `log_access(user, obj)` records that a person opened (or exported) a restricted
  record. Later modules call it from their detail views and exports.
"""

from auditlog.models import LogEntry

from core.scoping import icb_id_of


def log_access(user, instance, *, how="view", remote_addr=None):
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user if user.is_authenticated else None,
        remote_addr=remote_addr,
        additional_data={"how": how, "icb": icb_id_of(instance)},
        changes={},
    )


def history_for(instance):
    """Every audit entry for one record, newest first."""
    return (
        LogEntry.objects.get_for_object(instance).select_related("actor", "content_type").order_by("-timestamp", "-pk")
    )


def entries_for_icb(icb_id):
    return LogEntry.objects.filter(additional_data__icb=icb_id)


_THE_USER = object()


def log_sign_in(request, user, how, *, actor=_THE_USER):
    """Record a sign-in step (`how`: "password", "single sign-on", "second factor", ...) against the
    user, in their ICB's audit trail. The actor is the user, unless someone else (or the system: None)
    acted on their account."""
    icb_id = user.organisation.icb_id if user.organisation_id else None
    return LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user if actor is _THE_USER else actor,
        remote_addr=request.META.get("REMOTE_ADDR") if request else None,
        additional_data={"how": f"sign-in: {how}", "icb": icb_id},
        changes={},
    )
