"""Audit entries in human terms: field labels, formatted values, no internal ids or "None", times to the minute.

`readable(entries)` gives each entry a `readable_changes` list of `Change(label, before, after)`: a creation lists the
values it set (no "before"), a change only what differs. Linked records are named
with one query per linked model for the whole list, never one per row. Values that django-auditlog masked on
saving (casework identifiers, DBS certificate numbers, supervision content) stay masked; entries marked
`restricted` by `core.audit.mark_unreadable` get no changes at all.

A model may name its own label and formatter for a field whose stored value is an internal code
(`audit_formatters = {"period": ("Quarter", callable)}`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

NOT_SET = "not set"
LONGEST = 200
# Bookkeeping a person never edits: shown nowhere in a history.
INTERNAL_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "created_by", "search_text"})


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def readable(entries):
    """The entries as a list, each with `changes` in human terms."""
    entries = list(entries)
    names = _linked_names(entries)
    for entry in entries:
        entry.readable_changes = [] if getattr(entry, "restricted", False) else _changes_of(entry, names)
    return entries


def _changes_of(entry, names):
    model = entry.content_type.model_class() if entry.content_type_id else None
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        field = _field(model, name)
        if name in INTERNAL_FIELDS or field is False:
            continue
        if isinstance(values, dict):
            changes.append(_m2m_change(field, name, values))
            continue
        before, after = (list(values) + [None, None])[:2]
        label, formatter = _presentation(model, field, name, names)
        before, after = formatter(before), formatter(after)
        if before == after:
            continue
        changes.append(Change(label, "" if entry.action == entry.Action.CREATE else before, after))
    return changes


def _field(model, name):
    """The model field; None when the model or field is unknown (shown as stored); False for what is never shown:
    a reverse relation, or the content type and id behind a generic link (the record names its source in words)."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.auto_created and not field.concrete or name in _generic_link_fields(model):
        return False
    return field


def _generic_link_fields(model):
    return {
        name
        for link in model._meta.private_fields
        if isinstance(link, GenericForeignKey)
        for name in (link.ct_field, link.fk_field)
    }


def _label(field, name):
    label = getattr(field, "verbose_name", None) or name.replace("_", " ")
    return capfirst(str(label))


def _m2m_change(field, name, values):
    objects = ", ".join(str(item) for item in values.get("objects", [])) or NOT_SET
    if values.get("operation") == "delete":
        return Change(_label(field, name), objects, "removed")
    return Change(_label(field, name), "", f"added: {objects}" if values.get("operation") == "add" else objects)


def _presentation(model, field, name, names):
    """(label, formatter) of one field: the model's own for an internal code, else from the field."""
    custom = getattr(model, "audit_formatters", {}).get(name)
    if custom is not None:
        label, convert = custom
        return label, lambda value: NOT_SET if _blank(value) else _short(convert(value))
    return _label(field, name), _formatter(field, names)


def _formatter(field, names):
    if field is None:
        return _plain
    if field.choices:
        choices = {str(key): str(label) for key, label in field.flatchoices}
        return lambda value: NOT_SET if _blank(value) else choices.get(str(value), _plain(value))
    if isinstance(field, models.ForeignKey):
        linked = names.get(field.related_model, {})
        return lambda value: NOT_SET if _blank(value) else linked.get(str(value), "a record no longer held")
    if isinstance(field, models.BooleanField):
        return lambda value: NOT_SET if _blank(value) else ("Yes" if str(value) == "True" else "No")
    if isinstance(field, models.DateTimeField):
        return _when
    if isinstance(field, models.DateField):
        return _day
    return _plain


def _blank(value):
    return value is None or str(value) in ("", "None")


def _short(text):
    text = str(text)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def _plain(value):
    return NOT_SET if _blank(value) else _short(value)


def _day(value):
    try:
        return format_date(dt.date.fromisoformat(str(value)[:10]), "j M Y")
    except ValueError:
        return _plain(value)


def _when(value):
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return _plain(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return format_date(moment, "j M Y H:i")


def _linked_names(entries):
    """{related model: {pk as text: its name}} for every foreign key value in the entries.

    A name is the one the audit trail last recorded for that record (its own entries' `object_repr`), so naming
    costs one query and never runs a model's `__str__` (which may follow further links); records never audited
    (user accounts) are read directly, one query per such model.
    """
    wanted = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if isinstance(field, models.ForeignKey) and isinstance(values, list):
                wanted[field.related_model].update(str(v) for v in values if not _blank(v))
    recorded = _recorded_names(wanted)
    names = {}
    for related, keys in wanted.items():
        names[related] = recorded.get(related, {})
        unrecorded = [key for key in keys - names[related].keys() if key.isdigit()]
        if unrecorded:
            names[related].update({str(obj.pk): _short(obj) for obj in related._base_manager.filter(pk__in=unrecorded)})
    return names


def _recorded_names(wanted):
    """{model: {pk: the newest name the audit trail holds}} in one query (joined to content types, not looked up)."""
    from auditlog.models import LogEntry

    if not wanted:
        return {}
    condition = Q()
    by_label = {}
    for related, keys in wanted.items():
        app_label, model_name = related._meta.app_label, related._meta.model_name
        by_label[(app_label, model_name)] = related
        condition |= Q(content_type__app_label=app_label, content_type__model=model_name, object_pk__in=keys)
    rows = LogEntry.objects.filter(condition).order_by("timestamp", "pk")
    names = defaultdict(dict)
    for app_label, model_name, pk, text in rows.values_list(
        "content_type__app_label", "content_type__model", "object_pk", "object_repr"
    ):
        names[by_label[(app_label, model_name)]][pk] = _short(text)  # the newest name wins
    return names
