"""Benchmark of ICB staff training compliance: an ESR-shaped extract of 10,000 staff × 12 competences.

    .venv/bin/python benchmarks/workforce.py [--staff 10000]

Generates the extract (CSV, 120,000 rows, synthetic keys), imports it through the real action
(read, check every row, store all-or-nothing), then prints:
- the import rate (rows a second);
- the time and query count of the compliance page for the designated professional;
- the ratio of Vigil's compliance computation to a DuckDB query computing the same counts from the same rows
  (the counts are compared: a difference stops the run).
Each figure is printed as `<figure>: <value> (goal <goal>) ok|MISSED`. Run it against PostgreSQL by setting
DATABASE_URL to a benchmark database (it writes rows), never a live one.
"""

import argparse
import csv
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import setup_django

    setup_django()

from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.choices import Role
from core.testing import force_login_with_second_factor
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from workforce import actions, conf, reference, reports, rules
from workforce.models import ExtractUpload, StaffMember, TnaRequirement, WorkforcePolicy

ICB_NAME = "Workforce benchmark ICB"
GOALS = {  # figure: (goal, comparison)
    "import rate (rows/s)": (2000, ">="),
    "compliance page (ms)": (3000, "<="),
    "compliance page queries": (25, "<="),
    "compliance / DuckDB time ratio": (40, "<="),
}


def report(figure, value):
    goal, comparison = GOALS[figure]
    met = value >= goal if comparison == ">=" else value <= goal
    print(f"{figure}: {value:,.1f} (goal {comparison} {goal:,}) {'ok' if met else 'MISSED'}")


def benchmark_icb():
    from core.models import User
    from core.testing import make_user

    icb = Organisation.objects.filter(name=ICB_NAME, kind=OrganisationKind.ICB).first()
    if icb is None:
        from organisations import actions as organisation_actions

        region = organisation_actions.do_create_organisation(
            kind=OrganisationKind.REGION, name=f"{ICB_NAME} region", acting_user=None
        )
        icb = organisation_actions.do_create_organisation(
            kind=OrganisationKind.ICB, parent=region, name=ICB_NAME, ods_code="QWB", acting_user=None
        )
    users = {}
    for role in (Role.HR, Role.DESIGNATED):
        username = f"bench.workforce.{role}"
        users[role] = User.objects.filter(username=username).first() or make_user(role, icb, username=username)
    return icb, users


def extract_csv(staff, today):
    chance = random.Random(7)  # noqa: S311 - synthetic benchmark data
    groups = [row["staff_group"] for row in reference.data("tna_defaults")["rows"]]
    competences = reference.default_competences()[:12]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(rules.DEFAULT_HEADERS.values()))
    for number in range(staff):
        group = groups[number % len(groups)]
        start = today - dt.timedelta(days=chance.randint(1, 4000))
        for name, _topic, _level in competences:
            completed = max(start, today - dt.timedelta(days=chance.randint(0, 1400)))
            writer.writerow(
                [
                    f"B{number:06d}",
                    "",
                    f"Role {number % 40}",
                    group,
                    start.isoformat(),
                    name,
                    completed.isoformat(),
                    "",
                    chance.choice(["1", "4", "8", "30"]),
                    "",
                    "",
                ]
            )
    return buffer.getvalue().encode("utf-8")


def duckdb_counts(icb, as_of):
    """The same compliance counts by SQL in DuckDB, from the same rows (people, completions, TNA, validity)."""
    import duckdb

    policy = WorkforcePolicy.objects.get(icb=icb)
    framework = reports.framework_for(policy)
    validity = {(r.topic, r.level): framework.validity(r.topic, r.level, as_of) for r in framework.in_force(as_of)}
    hours_needed = (
        [(t, lv, framework.hours_required(t, lv, as_of) or 0) for t, lv in validity] if policy.check_hours else []
    )
    window_start = rules.add_months(as_of, -int(conf.setting("WORKFORCE_HOURS_WINDOW_MONTHS")))
    people = list(StaffMember.objects.filter(icb=icb).values_list("staff_key", "staff_group", "start_date", "status"))
    completions = list(
        actions.TrainingRecord.objects.filter(staff__icb=icb).values_list(
            "staff__staff_key", "topic", "level", "completed_on", "hours"
        )
    )
    tna = [
        (r.staff_group, r.topic, r.level)
        for r in TnaRequirement.objects.filter(icb=icb, effective_to__isnull=True)
        if r.level
    ]
    grace = conf.setting("WORKFORCE_GRACE")
    db = duckdb.connect()
    tables = {
        "people": ("key VARCHAR, staff_group VARCHAR, start_date DATE, status VARCHAR", people),
        "completions": ("key VARCHAR, topic VARCHAR, level INT, completed_on DATE, hours DECIMAL(6, 2)", completions),
        "hours_needed": ("topic VARCHAR, level INT, hours DECIMAL(6, 1)", hours_needed),
        "tna": ("staff_group VARCHAR, topic VARCHAR, level INT", tna),
        "validity": ("topic VARCHAR, level INT, months INT", [(t, lv, m) for (t, lv), m in validity.items()]),
        "grace": ("level INT, unit VARCHAR, amount INT", [(int(lv), u, a) for lv, (u, a) in grace.items()]),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, (columns, rows) in tables.items():
            path = Path(folder) / f"{name}.csv"
            with path.open("w", newline="") as file:
                csv.writer(file).writerows(rows)
            db.execute(f"CREATE TABLE {name}({columns})")
            db.execute(f"COPY {name} FROM '{path}' (HEADER false)")
    excluded = list(policy.excluded_statuses) or [""]
    query = """
        WITH req AS (
            SELECT p.key, p.staff_group, t.topic, t.level FROM people p
            JOIN tna t USING (staff_group) LEFT JOIN grace g ON g.level = t.level
            WHERE p.start_date <= $as_of AND NOT list_contains($excluded, p.status)
              AND $as_of >= CASE g.unit WHEN 'weeks' THEN p.start_date + to_weeks(g.amount)
                                         WHEN 'months' THEN p.start_date + to_months(g.amount)
                                         ELSE p.start_date END
        ), best AS (
            SELECT r.key, r.topic, r.level, max(c.completed_on + to_months(v.months)) AS until
            FROM req r JOIN completions c ON c.key = r.key AND c.topic = r.topic AND c.level >= r.level
                 AND c.completed_on <= $as_of
            JOIN validity v ON v.topic = c.topic AND v.level = c.level
            GROUP BY r.key, r.topic, r.level
        ), short AS (  -- below the framework's hours over the window (reference A1.8, hours)
            SELECT r.key, r.topic, r.level FROM req r JOIN hours_needed h ON h.topic = r.topic AND h.level = r.level
            LEFT JOIN completions c ON c.key = r.key AND c.topic = r.topic AND c.level >= r.level
                 AND c.completed_on > $window_start AND c.completed_on <= $as_of
            WHERE h.hours > 0 GROUP BY r.key, r.topic, r.level, h.hours HAVING coalesce(sum(c.hours), 0) < h.hours
        )
        SELECT r.topic, r.level, r.staff_group,
               count(b.until) FILTER (WHERE b.until >= $as_of AND s.key IS NULL) AS num, count(*) AS den
        FROM req r LEFT JOIN best b USING (key, topic, level) LEFT JOIN short s USING (key, topic, level)
        GROUP BY r.topic, r.level, r.staff_group
    """
    started = time.perf_counter()
    rows = db.execute(query, {"as_of": as_of, "excluded": excluded, "window_start": window_start}).fetchall()
    elapsed = time.perf_counter() - started
    return {(t, lv, g): (int(n), int(d)) for t, lv, g, n, d in rows}, elapsed


def run(staff):
    today = timezone.localdate()
    icb, users = benchmark_icb()
    actions.TrainingRecord.objects.filter(staff__icb=icb).delete()
    StaffMember.objects.filter(icb=icb).delete()
    ExtractUpload.objects.filter(icb=icb).delete()
    actions.ensure_icb_defaults(icb)
    data = extract_csv(staff, today)
    rows = data.count(b"\n") - 1
    print(f"Extract: {staff:,} staff, {rows:,} rows, {len(data) / 1e6:.1f} MB")
    started = time.perf_counter()
    actions.do_import_extract(icb=icb, upload=io.BytesIO(data), name="bench.csv", acting_user=users[Role.HR])
    report("import rate (rows/s)", rows / (time.perf_counter() - started))

    client = force_login_with_second_factor(Client(), users[Role.DESIGNATED])
    client.get("/workforce/")  # warm caches (templates, the working calendar)
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get("/workforce/")
        page_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    report("compliance page (ms)", page_ms)
    report("compliance page queries", len(queries.captured_queries))

    started = time.perf_counter()
    result = reports.compliance_for(icb.pk, today)
    vigil_seconds = time.perf_counter() - started
    expected, duck_seconds = duckdb_counts(icb, today)
    vigil = {key: (c.numerator, c.denominator) for key, c in result.cells.items()}
    if vigil != expected:
        different = sorted(set(vigil.items()) ^ set(expected.items()))[:5]
        raise SystemExit(f"Vigil and DuckDB disagree: {different}")
    print(
        f"Vigil compliance computation: {vigil_seconds * 1000:.1f} ms; DuckDB query: {duck_seconds * 1000:.1f} ms "
        f"({len(vigil)} cells, identical counts)"
    )
    report("compliance / DuckDB time ratio", vigil_seconds / duck_seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--staff", type=int, default=10000)
    args = parser.parse_args()
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")
    run(args.staff)


if __name__ == "__main__":
    main()
