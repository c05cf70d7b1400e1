"""Shared set-up for benchmark scripts: a dedicated database, timing and query counting.

Run a benchmark with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/vigil_bench .venv/bin/python benchmarks/X.py`
(the database is created if missing and migrated). Without DATABASE_URL a SQLite file
var/bench.sqlite3 is used. Never point it at a database holding real data: it writes rows.
"""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    sys.path.insert(0, str(ROOT))
    # The suite's settings: production settings over plain http with the plain static storage, so pages
    # render in-process without collectstatic and the test client is not redirected to https.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    (ROOT / "var").mkdir(exist_ok=True)
    _create_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_postgres_database(url):
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def measured(label, results):
    """Time a block and count its queries; the figures go into `results[label]`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
    results[label] = (elapsed, len(queries.captured_queries))
    print(f"{label:<55} {elapsed * 1000:10.1f} ms {len(queries.captured_queries):6d} queries")


def api_client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
