"""Bulk writes in one statement: rows inserted from one array per column on PostgreSQL (UNNEST), where Django's
bulk_create prepares every field of every instance in Python, which costs more than the database's work."""

import json

from django.db import connection, models


def insert_rows(model, columns, rows, kinds, *, returning=False):
    """INSERT `rows` (tuples in `columns` order) into `model`'s table: on PostgreSQL in one statement, from one array
    per column (UNNEST: five parameters for five columns however many rows, where bulk_create's preparation of every
    field of every instance costs more than the database's work); elsewhere as VALUES lists. `kinds`: each column's
    SQL type. With `returning`, the new rows' ids in the order of `rows`."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    # table and column names come from the model, every value is a parameter
    into = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)})"
    tail = f" RETURNING {quote('id')}" if returning else ""
    if connection.vendor == "postgresql":
        columns_sql, params = unnest(rows, kinds)
        batches = [(f"{into} SELECT * FROM {columns_sql}{tail}", params)]  # noqa: S608
    else:
        size = max(1, (connection.features.max_query_params or 999) // len(columns))
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        chunks = [rows[start : start + size] for start in range(0, len(rows), size)]
        batches = [
            (f"{into} VALUES {', '.join([row] * len(chunk))}{tail}", [x for r in chunk for x in r]) for chunk in chunks
        ]
    ids = []
    with connection.cursor() as cursor:
        for sql, params in batches:
            cursor.execute(sql, params)
            if returning:
                ids += [found for (found,) in cursor.fetchall()]
    return ids


def unnest(rows, kinds):
    """`UNNEST(...)` of `rows` (tuples; `kinds`: each column's SQL type) and its parameters: one array literal per
    column, so as many parameters as columns however many rows (PostgreSQL)."""
    arrays = ", ".join(f"CAST(%s AS {kind}[])" for kind in kinds)
    return f"UNNEST({arrays})", [array_literal(column) for column in zip(*rows, strict=True)]


def array_literal(items):
    """A PostgreSQL array literal of `items` (None, bool, int, or anything written as its str: text, dates), as one
    text parameter: psycopg's client-side quoting of a Python list costs several times more, element by element.
    Every other element is double-quoted, its backslashes and double quotes escaped (the array input syntax)."""
    out = []
    for item in items:
        if item is None:
            out.append("NULL")
        elif isinstance(item, bool):
            out.append("t" if item else "f")
        elif isinstance(item, int):
            out.append(str(item))
        else:
            out.append('"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(out) + "}"


def insert_instances(model, instances):
    """INSERT unsaved `instances` of `model` with `insert_rows` and give each its new id, as bulk_create does: every
    concrete field but the id, each value prepared as Django saves it (`pre_save`: defaults such as auto_now_add;
    JSON as text)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    rows = [tuple(_prepared(field, field.pre_save(instance, True)) for field in fields) for instance in instances]
    kinds = [field.db_type(connection) for field in fields]
    ids = insert_rows(model, [field.column for field in fields], rows, kinds, returning=True)
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias
    return instances


def _prepared(field, value):
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)
