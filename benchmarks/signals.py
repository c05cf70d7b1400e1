"""Benchmark of the child-level signals (issue 13, Performance).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vigil_bench .venv/bin/python benchmarks/signals.py \
        [--scale 1.0] [--seed 13]

One year of unscheduled care for a large ICB: 500,000 attendances of 150,000 children, and 50,000 police domestic
abuse notifications (at scale 1.0; synthetic NHS numbers from the test range 999 000 0000-999 999 9999 with a valid
check digit), written as the CSV extracts teams receive, imported through the signals import, then evaluated.
It writes to that database: use a benchmark database, never a live one. Prints one line per figure,
`<figure>: <value> (goal <goal>) ok|MISSED`:
- attendance import rate (rows per second; reported, no goal in the issue);
- time to evaluate every rule over the whole year / a DuckDB window query finding the same children from the same
  rows (goal <= 5x; DuckDB is a benchmark-only dependency, requirements-dev.txt), and whether both found the same
  children;
- the team queue page with 10,000 open review tasks, server time (goal <= 300 ms), and its query count with 1,000
  and with 10,000 open tasks (goal: equal).
"""

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import setup_django

    setup_django()

EVALUATE_GOAL, QUEUE_GOAL_MS = 5.0, 300
YEAR_START = dt.date(2025, 4, 1)
SETTINGS = ("emergency_department", "urgent_treatment_centre", "walk_in_centre", "nhs_111")


def line(figure, value, goal, ok):
    print(f"{figure}: {value} (goal {goal}) {'ok' if ok else 'MISSED'}")


# ------------------------------------------------------------------------------------------------ generator


def nhs_numbers(count, rng):
    """`count` distinct valid NHS numbers from the test range (modulus 11 check digit)."""
    found, seen = [], set()
    while len(found) < count:
        body = [9, 9, 9, *(rng.randrange(10) for _ in range(6))]
        total = sum(d * (10 - i) for i, d in enumerate(body))
        check = 11 - total % 11
        if check == 10:
            continue
        number = "".join(map(str, body)) + str(0 if check == 11 else check)
        if number not in seen:
            seen.add(number)
            found.append(number)
    return found


def generate(folder, *, scale=1.0, seed=13):
    """The attendance and domestic abuse extracts (CSV, the shapes the imports read); returns their paths and the
    children's numbers. A few children attend often (a skewed distribution), as in real data."""
    rng = random.Random(seed)
    n_children, n_attendances, n_notifications = int(150_000 * scale), int(500_000 * scale), int(50_000 * scale)
    numbers = nhs_numbers(n_children, rng)
    births = {n: YEAR_START - dt.timedelta(days=rng.randrange(1, 17 * 365)) for n in numbers}
    attendances = Path(folder) / "attendances.csv"
    with attendances.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["NHS number", "Date of birth", "Arrival", "Setting"])
        for _ in range(n_attendances):
            number = numbers[
                min(int(rng.paretovariate(1.2)) - 1, n_children - 1)
                if rng.random() < 0.3
                else rng.randrange(n_children)
            ]
            arrival = dt.datetime.combine(YEAR_START, dt.time()) + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            if arrival.date() < births[number]:
                arrival = dt.datetime.combine(births[number], dt.time(12))
            writer.writerow(
                [number, births[number].isoformat(), arrival.strftime("%Y-%m-%d %H:%M"), rng.choice(SETTINGS)]
            )
    households = max(1, n_notifications // 4)
    notifications = Path(folder) / "domestic_abuse.csv"
    with notifications.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Notification date", "Household", "Police reference", "Severity", "NHS number", "Age"])
        for i in range(n_notifications):
            household = rng.randrange(households)
            day = YEAR_START + dt.timedelta(days=rng.randrange(365))
            severity = rng.choice(["standard", "medium", "high"])
            for k in range(1 + household % 3):  # one row per child named in the notification
                child = numbers[(household * 7 + k) % n_children]
                age = (day - births[child]).days // 365
                if 0 <= age < 18 and births[child] <= day:
                    writer.writerow([day.isoformat(), f"HH-{household:06d}", f"PR{i:07d}", severity, child, age])
    return attendances, notifications, numbers


# ------------------------------------------------------------------------------------------ DuckDB reference


WINDOW_SQL = (
    "SELECT DISTINCT child FROM (SELECT child, count(*) OVER (PARTITION BY child ORDER BY day "
    "RANGE BETWEEN INTERVAL {months} MONTH PRECEDING AND CURRENT ROW) AS n FROM {rows}) AS w WHERE n >= {at_least}"
)


def held_rows(provider):
    """(child id, local day of arrival) of every attendance the provider holds: the rows evaluation reads."""
    from django.utils import timezone

    from signals.models import Attendance

    tz = timezone.get_current_timezone()
    return [
        (child, moment.astimezone(tz).date())
        for child, moment in Attendance.objects.filter(organisation=provider).values_list("child_id", "arrived_at")
    ]


def duckdb_children(rows, folder, at_least=3, months=12):
    """(seconds, set of child ids): the children with at least `at_least` attendances in a rolling `months` window
    ending on one of their attendance days, by one DuckDB window query over the rows the database holds (loaded
    into DuckDB first; the load is not timed, the query is timed warm)."""
    import duckdb

    path = Path(folder) / "held.csv"
    with path.open("w", newline="") as out:
        csv.writer(out).writerows([("child", "day"), *rows])
    duck = duckdb.connect()
    duck.execute(f"CREATE TABLE a AS SELECT child::BIGINT AS child, day::DATE AS day FROM read_csv_auto('{path}')")
    sql = WINDOW_SQL.format(months=months, at_least=at_least, rows="a")
    duck.execute(sql).fetchall()  # warm
    started = time.perf_counter()
    found = {row[0] for row in duck.execute(sql).fetchall()}
    return time.perf_counter() - started, found


def database_children(provider, at_least=3, months=12):
    """(seconds, set of child ids) of the same window query in the app's PostgreSQL database (warm), or None on
    SQLite (no month intervals): what the database alone takes, the floor of any evaluation in it."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    rows = (
        "(SELECT child_id AS child, (arrived_at AT TIME ZONE %s)::date AS day FROM signals_attendance "
        "WHERE organisation_id = %s) AS a"
    )
    sql = WINDOW_SQL.format(months=f"'{months}'", at_least=at_least, rows=rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, [settings.TIME_ZONE, provider.pk])  # warm
        started = time.perf_counter()
        cursor.execute(sql, [settings.TIME_ZONE, provider.pk])
        found = {row[0] for row in cursor.fetchall()}
    return time.perf_counter() - started, found


# ------------------------------------------------------------------------------------------------- the app


def split_by_month(path, column="Arrival"):
    """The extract as one CSV per month (the import refuses more than SIGNALS_IMPORT_MAX_ROWS rows a file)."""
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = header.index(column)
        months = {}
        for row in reader:
            months.setdefault(row[at][:7], []).append(row)
    paths = []
    for month, rows in sorted(months.items()):
        out = path.with_name(f"{path.stem}-{month}.csv")
        with out.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        paths.append(out)
    return paths


def organisation_and_user(name="Signals bench trust"):
    from core.choices import Role
    from core.models import User
    from organisations.choices import OrganisationKind
    from organisations.models import Organisation

    icb = Organisation.objects.filter(name="Signals bench ICB", kind=OrganisationKind.ICB).first()
    if icb is None:
        icb = Organisation.objects.create(name="Signals bench ICB", kind=OrganisationKind.ICB)
        icb.icb = icb
        icb.save(update_fields=["icb"])
    provider, _ = Organisation.objects.get_or_create(
        name=name, defaults={"kind": OrganisationKind.TRUST_ACUTE, "parent": icb, "icb": icb}
    )
    user = User.objects.filter(username=f"bench.signals.{provider.pk}").first() or User.objects.create_user(
        username=f"bench.signals.{provider.pk}", password=None, role=Role.PROVIDER, organisation=provider
    )
    return provider, user


def analyse():
    """PostgreSQL: ANALYZE the tables, as autovacuum does after a large import (the benchmark server runs with
    autovacuum off, and a planner without statistics takes 73 rows for 500,000). Not timed."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


WRITES = ("INSERT", "UPDATE")


@contextmanager
def time_split():
    """Where an evaluation's wall time goes: {"reading": s, "writing": s, "commit": s}, from the statements it
    runs (a statement that inserts or updates is writing, S2's single statement included; the rest, the temporary
    tables of the window rules included, is reading) and its commit (the deferred foreign-key checks of the rows
    written). The rest of the wall time is Python."""
    from django.db import connection

    split = {"reading": 0.0, "writing": 0.0, "commit": 0.0}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = "writing" if any(word in sql.upper() for word in WRITES) else "reading"
            split[kind] += time.perf_counter() - started

    commit = connection.commit

    def timed_commit():
        started = time.perf_counter()
        commit()
        split["commit"] += time.perf_counter() - started

    connection.commit = timed_commit
    try:
        with connection.execute_wrapper(timed):
            yield split
    finally:
        del connection.commit


def print_split(split, total):
    python = total - sum(split.values())
    print(
        f"  of which: reading in the database {split['reading']:.2f} s, writing tasks, evidence and audit entries "
        f"{split['writing']:.2f} s, commit (deferred foreign-key checks) {split['commit']:.2f} s, "
        f"Python (the exact window rule, rows) {python:.2f} s"
    )


def bench_import_and_evaluate(provider, user, attendances, notifications, folder):
    """Import both extracts, evaluate every rule, compare with DuckDB."""
    from auditlog.models import LogEntry

    from signals import actions, imports  # the core's import and evaluation (signals branch)
    from signals.models import ReviewTask, TaskEvidence

    rows = sum(1 for _ in attendances.open()) - 1
    started = time.perf_counter()
    for path in split_by_month(attendances):  # an extract of a year is received month by month (import limits)
        with path.open("rb") as handle:
            imports.do_import(
                organisation=provider, feed="attendances", upload=handle, name=path.name, acting_user=user
            )
    seconds = time.perf_counter() - started
    line("attendance import rate", f"{rows / seconds:,.0f} rows/s ({rows:,} rows in {seconds:.1f} s)", "reported", True)
    for path in split_by_month(notifications, column="Notification date"):
        with path.open("rb") as handle:
            imports.do_import(
                organisation=provider, feed="domestic_abuse", upload=handle, name=path.name, acting_user=user
            )

    analyse()
    written = {model: model.objects.count() for model in (ReviewTask, TaskEvidence, LogEntry)}
    with time_split() as split:
        started = time.perf_counter()
        results = actions.do_evaluate(provider, acting_user=user)
        evaluate = time.perf_counter() - started
    written = {model.__name__: model.objects.count() - n for model, n in written.items()}
    scan, found = duckdb_children(held_rows(provider), folder)
    ratio = evaluate / scan if scan else float("inf")
    line(
        "evaluate every rule over the year / DuckDB window query",
        f"{ratio:.1f}x ({evaluate:.2f} s / {scan:.3f} s)",
        f"<= {EVALUATE_GOAL:.0f}x",
        ratio <= EVALUATE_GOAL,
    )
    opened = ", ".join(f"{code} {r['opened']:,}" for code, r in results.items() if r["opened"])
    print(f"  evaluation wrote {', '.join(f'{n:,} {name}' for name, n in written.items())} (tasks opened: {opened})")
    print_split(split, evaluate)
    in_database = database_children(provider)
    if in_database is not None:
        print(f"  the same window query in PostgreSQL: {in_database[0]:.3f} s ({in_database[0] / scan:.1f}x DuckDB)")
    ids = set(ReviewTask.objects.filter(organisation=provider, signal="S1").values_list("child_id", flat=True))
    same = ids == found and (in_database is None or in_database[1] == found)
    line("children found by S1 equal the DuckDB window query", f"{len(ids):,} vs {len(found):,}", "equal", same)
    started = time.perf_counter()
    again = actions.do_evaluate(provider, acting_user=user)
    seconds = time.perf_counter() - started
    quiet = all(r == {"opened": 0, "added": 0} for r in again.values())
    line("evaluating again with nothing new", f"{seconds:.2f} s", "nothing opened", quiet)


def open_tasks(provider, total):
    """Open S1 review tasks of `provider` up to `total`, one child each (bulk-created: the queue is what is timed)."""
    from signals.choices import Signal
    from signals.models import Child, ReviewTask, SignalRule

    held = ReviewTask.objects.filter(organisation=provider, status="open").count()
    if held >= total:
        return
    rule, _ = SignalRule.objects.get_or_create(organisation=provider, signal=Signal.S1, defaults={"threshold": 3})
    rng = random.Random(total)
    children = []
    for number in nhs_numbers(total - held, rng):
        child = Child(organisation=provider, date_of_birth=YEAR_START - dt.timedelta(days=rng.randrange(6000)))
        child.set_nhs_number(number)
        children.append(child)
    children = Child.objects.bulk_create(children, batch_size=2000, ignore_conflicts=True)
    children = Child.objects.filter(organisation=provider, tasks__isnull=True)[: total - held]
    today = dt.date.today()
    ReviewTask.objects.bulk_create(
        [
            ReviewTask(
                organisation=provider,
                rule=rule,
                signal=Signal.S1,
                child=child,
                dedup_key=f"bench:{child.pk}",
                owners=["safeguarding_team"],
                opened_on=today - dt.timedelta(days=i % 40),
                due_on=today + dt.timedelta(days=(i % 60) - 30),
            )
            for i, child in enumerate(children)
        ],
        batch_size=2000,
    )


def bench_queue(provider, user):
    """The queue page with 1,000 and 10,000 open tasks: server time and query count."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.testing import force_login_with_second_factor

    client = Client()
    force_login_with_second_factor(client, user)
    counts = {}
    for size in (1_000, 10_000):
        open_tasks(provider, size)
        client.get("/signals/")  # warm
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/signals/")
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        counts[size] = len(queries)
    line("queue page with 10,000 open tasks", f"{elapsed:.0f} ms", f"<= {QUEUE_GOAL_MS} ms", elapsed <= QUEUE_GOAL_MS)
    line(
        "queue page queries at 1,000 and 10,000 open tasks",
        f"{counts[1_000]} and {counts[10_000]}",
        "equal",
        counts[1_000] == counts[10_000],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    provider, user = organisation_and_user()
    with tempfile.TemporaryDirectory() as tmp:
        attendances, notifications, _numbers = generate(tmp, scale=args.scale, seed=args.seed)
        bench_import_and_evaluate(provider, user, attendances, notifications, tmp)
    # The queue is timed for its own trust, so it holds exactly 1,000 then 10,000 open tasks (the evaluated trust
    # holds as many as the evaluation opened: 169,679 at scale 1).
    bench_queue(*organisation_and_user("Signals bench queue trust"))


if __name__ == "__main__":
    main()
