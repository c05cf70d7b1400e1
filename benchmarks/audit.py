"""Benchmark of the auditor's audit page at national scale, with its data generator.

    .venv/bin/python benchmarks/audit.py [--rows 1000000] [--own 10000]

Loads `--rows` audit entries (default 1,000,000) belonging to 41 other ICBs, plus `--own` entries of the
auditor's ICB, straight into the database (COPY on PostgreSQL, bulk inserts on SQLite), stamping each with
its ICB as the app does (core.AuditEntryIcb). It loads in two steps, a tenth of the rows and then the rest,
and after each step runs (VACUUM) ANALYZE and times the auditor's page (/audit/: first page, a later page, a text
search) through the real view, so the figures show whether the page stays flat as other ICBs' history
grows. It prints the query plan (EXPLAIN) of the page's queries and one line per figure:
`<figure>: <value> (goal <goal>) ok|MISSED`. Later runs reuse the rows already loaded.
Run it against PostgreSQL by setting DATABASE_URL to a benchmark database, never a live one.
"""

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run as a script: set Django up on the benchmark database first
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import setup_django

    setup_django()

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.audit import NEWEST_FIRST, entries_for_icb, unreadable_entries
from core.choices import Role
from core.models import AuditEntryIcb, User
from organisations.choices import OrganisationKind
from organisations.models import Organisation

REGION_NAME = "Audit benchmark region"
OTHER_ICBS = 41
BATCH = 10_000
GOAL_MS = 200
SEARCH_GOAL_MS = 500
SEARCH = "Synthetic record 1234"  # matches one own entry: the search reads every own entry
COLUMNS = (
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes_text",
    "changes",
    "timestamp",
    "additional_data",
)


def icbs(out=print):
    """The auditor's ICB (with an auditor) and the other ICBs, created once."""
    region = Organisation.objects.filter(name=REGION_NAME, kind=OrganisationKind.REGION).first()
    if region is None:
        region = Organisation.objects.create(name=REGION_NAME, kind=OrganisationKind.REGION)
        created = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Audit benchmark ICB {i:02d}", kind=OrganisationKind.ICB, parent=region)
                for i in range(OTHER_ICBS + 1)
            ]
        )
        for icb in created:
            icb.icb = icb
        Organisation.objects.bulk_update(created, ["icb"])
        User.objects.create_user(username="audit.bench.auditor", role=Role.AUDITOR, organisation=created[0])
        out(f"Created {len(created)} ICBs.")
    every = list(Organisation.objects.filter(parent=region, kind=OrganisationKind.ICB).order_by("name"))
    return every[0], every[1:]


def load(own, others, *, own_rows, other_rows, out=print):
    """Top up the audit trail to `own_rows` entries of `own` and `other_rows` entries of `others`."""
    have_own = AuditEntryIcb.objects.filter(icb=own).count()
    have_other = AuditEntryIcb.objects.filter(icb__in=others).count()
    started = time.perf_counter()
    _insert(own, [own], have_own, max(0, own_rows - have_own))
    _insert(own, others, have_other, max(0, other_rows - have_other))
    added = max(0, own_rows - have_own) + max(0, other_rows - have_other)
    if added:
        out(f"Loaded {added:,} audit entries in {time.perf_counter() - started:.1f} s.")
    _analyze()


def _insert(own, icb_list, start, count):
    """`count` synthetic entries spread over two years, each stamped with its ICB (as core.audit.stamp_icb does)."""
    if not count:
        return
    content_type = ContentType.objects.get_for_model(Organisation)
    now = timezone.now()
    with transaction.atomic():
        first_new = (LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for offset in range(0, count, BATCH):
            rows = [_row(content_type.pk, icb_list, start + n, now) for n in range(offset, min(count, offset + BATCH))]
            _write(rows)
        _stamp_from(first_new)


def _row(content_type_id, icb_list, n, now):
    icb = icb_list[n % len(icb_list)]
    changes = {"name": [f"Provider {n}", f"Provider {n} (renamed)"]}
    return (
        content_type_id,
        str(icb.pk),
        icb.pk,
        f"Synthetic record {n}",
        int(LogEntry.Action.UPDATE),
        f"name: Provider {n} -> Provider {n} (renamed)",
        json.dumps(changes),
        now - dt.timedelta(minutes=(n * 7919) % (2 * 365 * 24 * 60)),
        json.dumps({"icb": icb.pk}),
    )


def _write(rows):
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY auditlog_logentry ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                **dict(zip(COLUMNS[:6], row[:6], strict=True)),
                changes=json.loads(row[6]),
                timestamp=row[7],
                additional_data=json.loads(row[8]),
            )
            for row in rows
        ],
        batch_size=2000,
    )


def _stamp_from(first_pk):
    """Stamp the new rows in one statement (the app stamps each entry as it is written)."""
    postgres = connection.vendor == "postgresql"
    icb_of = "(additional_data->>'icb')::bigint" if postgres else "json_extract(additional_data, '$.icb')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO core_auditentryicb (entry_id, icb_id, timestamp) "
            f"SELECT id, {icb_of}, timestamp FROM auditlog_logentry WHERE id >= %s AND additional_data IS NOT NULL",
            [first_pk],
        )


def _analyze():
    """Fresh statistics, and on PostgreSQL a visibility map too (as autovacuum keeps it on a live database)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def explain(queryset):
    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    return queryset.explain(**options)


def time_page(client, url, repeat=7):
    """Median wall time of the page and median time its SQL took, in ms."""
    client.get(url)  # warm up
    walls, databases = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            walls.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        databases.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    return statistics.median(walls), statistics.median(databases)


def report(label, value_ms, goal_ms, out=print):
    verdict = "ok" if value_ms <= goal_ms else "MISSED"
    out(f"{label}: {value_ms:.0f} ms (goal ≤ {goal_ms} ms) {verdict}")
    return verdict


PAGES = [
    ("first page", "/audit/", GOAL_MS),
    ("page 20", "/audit/?page=20", GOAL_MS),
    # A search reads the ICB's own entries (no text index): its goal is looser, and it must not grow with others'.
    ("text search", f"/audit/?q={SEARCH.replace(' ', '+')}", SEARCH_GOAL_MS),
]


def measure(own, other_rows, out=print):
    auditor = User.objects.get(username="audit.bench.auditor")
    client = Client()
    client.force_login(auditor)
    scale = f"{other_rows:,} other-ICB rows, {AuditEntryIcb.objects.filter(icb=own).count():,} own"
    verdicts = []
    for label, url, goal in PAGES:
        wall, database = time_page(client, url)
        verdicts.append(report(f"auditor page, {label} ({scale}; its SQL {database:.0f} ms)", wall, goal, out))
    return verdicts


def old_json_key_query(own, out=print):
    """For comparison: the former filter on the JSON key, with no index (first page and count)."""
    queryset = LogEntry.objects.filter(additional_data__icb=own.pk).order_by("-timestamp", "-pk")
    started = time.perf_counter()
    list(queryset[:50])
    queryset.count()
    elapsed = (time.perf_counter() - started) * 1000
    out(f"former JSON-key filter, first page and count (for comparison): {elapsed:.0f} ms")


def print_plans(own, out=print):
    page = entries_for_icb(own.pk).select_related("actor", "content_type").order_by(*NEWEST_FIRST)
    out("\nQuery plan, first page of the auditor's page:")
    out(explain(page[:50]))
    out("\nQuery plan, text search (first page):")
    auditor = User.objects.get(username="audit.bench.auditor")
    searched = page.exclude(unreadable_entries(auditor))  # as the page does
    searched = searched.filter(Q(object_repr__icontains=SEARCH) | Q(changes_text__icontains=SEARCH))
    out(explain(searched[:50]))
    out("\nQuery plan, the page count:")
    sql, params = entries_for_icb(own.pk).order_by().values("pk").query.sql_with_params()
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} SELECT COUNT(*) FROM ({sql}) AS entries", params)
        out("\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))


def run(rows=1_000_000, own_rows=10_000, out=print):
    own, others = icbs(out)
    verdicts = []
    for step in (rows // 10, rows):
        load(own, others, own_rows=own_rows, other_rows=step, out=out)
        verdicts += measure(own, step, out)
    old_json_key_query(own, out)
    print_plans(own, out)
    return verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="audit entries of other ICBs (default 1,000,000)")
    parser.add_argument("--own", type=int, default=10_000, help="audit entries of the auditor's ICB")
    args = parser.parse_args()
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")
    out = print
    out(f"Database: {connection.vendor}")
    verdicts = run(rows=args.rows, own_rows=args.own, out=out)
    sys.exit(0 if all(v == "ok" for v in verdicts) else 1)


if __name__ == "__main__":
    main()
