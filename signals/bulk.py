"""PostgreSQL's set-based writes of an evaluation (signals.actions.do_evaluate): review tasks, their evidence and
their audit entries, one statement each whatever the number of rows, and no model instance per row.

Values travel as comma-joined text that the database splits (`string_to_array(..., ',', '')`, an empty item being
NULL): psycopg then sends one string per column, where dumping Python lists as array literals was most of an
evaluation's Python time. Only ids, dates and dedup keys (`S1:child:12:attendance:345`) travel so, none of which
holds a comma. The audit entries are built in SQL from the evidence just written, with the content
`core.audit.log_many` gives them (tested against it): one per task, its creation naming its evidence, an
addition to a held task an update entry. SQLite takes the ORM path in signals.actions.
"""

import json

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.models import AuditEntryIcb
from signals.models import ReviewTask, TaskEvidence

EVIDENCE_COLUMNS = ("attendance", "notification", "missed_appointment", "flag")


def joined(values):
    """One text for `string_to_array(%s, ',', '')`: None becomes the empty item (NULL)."""
    return ",".join("" if value is None else str(value) for value in values)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def insert_tasks(rule, organisation, *, opened_on, now, rows):
    """Insert the rule's new tasks; `rows` are (child id, household id, dedup key, owners, fired on, due on,
    window start, window end). Returns {dedup key: task id}. One statement."""
    if not rows:
        return {}
    index = {owners: number for number, owners in enumerate(dict.fromkeys(tuple(row[3]) for row in rows))}
    owner_lists = [json.dumps(list(owners)) for owners in index]
    columns = list(zip(*rows, strict=True))
    columns[3] = [index[tuple(owners)] for owners in columns[3]]
    types = ("bigint", "bigint", "text", "int", "date", "date", "date", "date")
    arrays = ", ".join(f"string_to_array(%s, ',', '')::{kind}[]" for kind in types)
    sql = f"""
        INSERT INTO {_table(ReviewTask)} (version, organisation_id, rule_id, signal, child_id, household_id, dedup_key,
            owners, opened_on, fired_on, due_on, window_start, window_end, status, outcome, outcome_notes,
            created_at, updated_at)
        SELECT 1, %s, %s, %s, c, h, k, (%s::jsonb) -> o, %s, f, d, s, e, 'open', '', '', %s, %s
        FROM unnest({arrays}) WITH ORDINALITY AS u(c, h, k, o, f, d, s, e, n)
        ORDER BY n
        RETURNING id, dedup_key
    """  # noqa: S608 - quoted table names only; every value is a parameter
    params = [organisation.pk, rule.pk, rule.signal, f"[{','.join(owner_lists)}]", opened_on, now, now]
    params.extend(joined(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: pk for pk, key in cursor.fetchall()}


def insert_evidence(rows, *, now):
    """Insert evidence rows (task id, evidence field, record id, added later) in their order; returns the first and
    last id written (None when none): the evaluation holds the organisation's lock, so the evidence of its tasks
    between them is exactly what it wrote. One statement."""
    if not rows:
        return None
    task_ids, names, record_ids, later = zip(*rows, strict=True)
    per_column = [
        joined(record if name == column else None for name, record in zip(names, record_ids, strict=True))
        for column in EVIDENCE_COLUMNS
    ]
    arrays = ", ".join(["string_to_array(%s, ',', '')::bigint[]"] * (1 + len(EVIDENCE_COLUMNS)))
    columns = ", ".join(f"{name}_id" for name in EVIDENCE_COLUMNS)
    sql = f"""
        WITH written AS (
            INSERT INTO {_table(TaskEvidence)} (task_id, {columns}, added_at, added_later)
            SELECT t, a, m, p, f, %s, l
            FROM unnest({arrays}, string_to_array(%s, ',')::boolean[]) WITH ORDINALITY AS u(t, a, m, p, f, l, n)
            ORDER BY n
            RETURNING id
        )
        SELECT min(id), max(id) FROM written
    """  # noqa: S608
    flags = joined("t" if value else "f" for value in later)
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, joined(task_ids), *per_column, flags])
        return cursor.fetchone()


DESCRIBED = " ".join(
    f"WHEN e.{name}_id IS NOT NULL THEN '{name.replace('_', ' ')} ' || e.{name}_id" for name in EVIDENCE_COLUMNS
)


def audit_evidence(tasks, written, *, organisation, signal, actor, now):
    """One audit entry per task of `tasks` (ids: the created ones in order, then the held ones given more
    evidence), as `log_many` writes them: a created task names its evidence ({"signal": ["", S], "evidence":
    ["", "attendance 12, ..."]}), a held task given more evidence is updated ({"evidence": ["", "added ..."]}).
    Their evidence is that among `written` (the first and last evidence id of this write: another organisation's
    evaluation may take ids in between, never for these tasks, which the organisation's lock keeps to this one).
    Stamped with the ICB (AuditEntryIcb) as `save_entries` does. One statement; the tasks are looked up by id
    (not by a range the planner must guess: its statistics predate the rows just written)."""
    if written is None or not tasks:
        return
    person = actor if getattr(actor, "is_authenticated", False) else None
    icb_id = organisation.icb_id
    stamp = (
        f"INSERT INTO {_table(AuditEntryIcb)} (entry_id, icb_id, timestamp) SELECT id, %s, timestamp FROM entries"  # noqa: S608
        if isinstance(icb_id, int)
        else "SELECT count(*) FROM entries"
    )
    sql = f"""
        WITH touched AS (
            SELECT * FROM unnest(string_to_array(%s, ',')::bigint[]) WITH ORDINALITY AS n(id, position)
        ), described AS (
            SELECT n.id AS task_id, n.position, bool_or(e.added_later) AS later,
                string_agg(CASE {DESCRIBED} END, ', ' ORDER BY e.id) AS evidence
            FROM touched n JOIN {_table(TaskEvidence)} e ON e.task_id = n.id AND e.id BETWEEN %s AND %s
            GROUP BY n.id, n.position
        ), entries AS (
            INSERT INTO {_table(LogEntry)} (content_type_id, object_pk, object_id, object_repr, action, changes,
                changes_text, actor_id, actor_email, cid, timestamp, additional_data)
            SELECT %s, t.id::text, t.id, 'Review task ' || t.id || ' (' || t.signal || ')',
                CASE WHEN d.later THEN %s ELSE %s END,
                CASE WHEN d.later THEN jsonb_build_object('evidence', jsonb_build_array('', 'added ' || d.evidence))
                    ELSE jsonb_build_object('signal', jsonb_build_array('', t.signal),
                        'evidence', jsonb_build_array('', d.evidence)) END,
                '', %s, %s, %s, %s, %s::jsonb
            FROM described d JOIN {_table(ReviewTask)} t ON t.id = d.task_id
            ORDER BY d.position
            RETURNING id, timestamp
        )
        {stamp}
    """  # noqa: S608
    params = [
        tasks if isinstance(tasks, str) else joined(tasks),
        *written,
        ContentType.objects.get_for_model(ReviewTask).pk,
        LogEntry.Action.UPDATE,
        LogEntry.Action.CREATE,
        getattr(person, "pk", None),
        getattr(person, "email", None),
        get_cid(),
        now,
        json.dumps({"icb": icb_id, "how": f"evaluation of {signal}"}),
    ]
    if isinstance(icb_id, int):
        params.append(icb_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
