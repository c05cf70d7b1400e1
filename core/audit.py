"""The one audit trail (django-auditlog's LogEntry table).

- Changes: every model registered with `auditlog.register` gets a LogEntry with actor,
  timestamp and before/after values for each create, change and archive. Actions run inside
  `core.actions.audited(acting_user)`, which names the actor.
- Views: `log_access(user, obj)` records that a person opened (or exported) a restricted
  record. Later modules call it from their detail views and exports.
- Bulk writes: `log_bulk(items, action=..., actor=...)` (changes computed as a save would) and `log_many` (changes
  given) write the entries a bulk_create/bulk_update
  skipped (auditlog's signals do not fire for them), one per record, in one insert, each stamped with its ICB
  (an import's rows: see workforce.actions.do_import_extract).
- Scope: every entry carries its record's ICB in `additional_data["icb"]` (core.scoping.AuditScopeMixin,
  `log_access`); `stamp_icb` copies it into the indexed `AuditEntryIcb` table, which
  `entries_for_icb` (the auditor's pages) reads.
"""

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import smart_str

from core.bulk import insert_instances, insert_rows
from core.models import AuditEntryIcb
from core.scoping import Access, hidden_by_source, icb_id_of


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


def log_bulk(items, *, action, actor):
    """Audit records written in bulk: `items` are (before or None, after, extra additional data); one entry each,
    with the changes auditlog would have logged for a save (its excluded and masked fields applied), the actor,
    the record's ICB and `extra` (e.g. the import and row). An update that changed nothing logs nothing.
    Returns the entries."""
    json_changes = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    rows = []
    for before, after, extra in items:
        changes = model_instance_diff(before, after, use_json_for_changes=json_changes)
        if before is None or changes:
            rows.append((after, changes, extra))
    return log_many(rows, action=action, actor=actor)


def history_for(instance):
    """Every audit entry for one record, newest first."""
    return (
        LogEntry.objects.get_for_object(instance).select_related("actor", "content_type").order_by("-timestamp", "-pk")
    )


def entries_for_icb(icb_id):
    """The ICB's audit entries through the indexed stamp; order by `NEWEST_FIRST` to page from the index."""
    return LogEntry.objects.filter(icb_stamp__icb_id=icb_id)


NEWEST_FIRST = ("-icb_stamp__timestamp", "-icb_stamp__entry_id")


def stamp_icb(sender, instance, created, raw=False, **kwargs):
    """post_save of LogEntry: record the entry's ICB in its indexed column (entries without one are not stamped)."""
    icb_id = icb_of_entry(instance.additional_data)
    if created and not raw and icb_id is not None:
        AuditEntryIcb.objects.create(entry=instance, icb_id=icb_id, timestamp=instance.timestamp)


def icb_of_entry(additional_data):
    icb_id = additional_data.get("icb") if isinstance(additional_data, dict) else None
    return icb_id if isinstance(icb_id, int) and not isinstance(icb_id, bool) else None


def unreadable_entries(user):
    """A condition on LogEntry: entries about records `user` may not read because of their source
    (a tracked action raised from a serious incident, its progress notes, for the board or the auditor)."""
    condition = Q(pk__in=[])
    for model in apps.get_models():
        access = getattr(model, "access", None)
        if isinstance(access, Access) and access.source:
            hidden = hidden_by_source(model.objects.all(), user).values("pk")
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=hidden)
    return condition


def mark_unreadable(entries, user):
    """The entries as a list, each with `restricted` set when its content must be masked for `user`."""
    entries = list(entries)
    hidden = set(
        LogEntry.objects.filter(pk__in=[entry.pk for entry in entries])
        .filter(unreadable_entries(user))
        .values_list("pk", flat=True)
    )
    for entry in entries:
        entry.restricted = entry.pk in hidden
    return entries


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


def log_many(rows, *, action, actor, batch_size=2000):
    """Audit entries for many records in two INSERTs (a bulk save bypasses django-auditlog's signals): `rows` are
    (instance, changes) or (instance, changes, extra additional data), changes as auditlog writes them
    ({field: [before, after]} as text). Each entry carries the record's ICB and is stamped in AuditEntryIcb, as
    `stamp_icb` does for one."""
    return save_entries(unsaved_entries(rows, action=action, actor=actor), batch_size=batch_size)


def unsaved_entries(rows, *, action, actor):
    """The entries `log_many` writes, not saved yet: a bulk save whose records are created and changed gathers
    both kinds and writes them with one `save_entries`."""
    now, cid, content_types, entries = timezone.now(), get_cid(), {}, []
    person = actor if getattr(actor, "is_authenticated", False) else None
    for instance, changes, *extra in rows:
        model = type(instance)
        content_types.setdefault(model, ContentType.objects.get_for_model(model))
        entries.append(
            LogEntry(
                content_type=content_types[model],
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=smart_str(instance),
                action=action,
                changes=changes,
                actor=person,
                actor_email=getattr(person, "email", None),
                cid=cid,
                timestamp=now,
                additional_data={"icb": icb_id_of(instance), **((extra and extra[0]) or {})},
            )
        )
    return entries


def save_entries(entries, *, batch_size=2000):
    """Insert unsaved entries (`unsaved_entries`) and their AuditEntryIcb stamps: two INSERTs (one per `batch_size`
    entries elsewhere than on PostgreSQL, where each is one statement of arrays: `core.bulk`)."""
    if not entries:
        return []
    if connection.vendor == "postgresql":
        insert_instances(LogEntry, entries)
    else:
        entries = LogEntry.objects.bulk_create(entries, batch_size=batch_size)
    stamps = [
        (entry.pk, icb_of_entry(entry.additional_data), entry.timestamp)
        for entry in entries
        if entry.pk is not None and icb_of_entry(entry.additional_data) is not None
    ]
    if connection.vendor == "postgresql":
        insert_rows(AuditEntryIcb, ("entry_id", "icb_id", "timestamp"), stamps, ("integer", "bigint", "timestamptz"))
    else:
        AuditEntryIcb.objects.bulk_create(
            [AuditEntryIcb(entry_id=pk, icb_id=icb, timestamp=moment) for pk, icb, moment in stamps],
            batch_size=batch_size,
        )
    return entries
