"""Benchmark of stored ratings (issue 15): bulk re-rating, the largest ICB's matrix, XLSX import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vigil_bench .venv/bin/python benchmarks/ratings.py \
        [--scale 1.0] [--largest 600] [--smallest 36] [--only import]

Uses the national generator of benchmarks/returns.py (42 ICBs, 1,500 providers, 8 quarters at scale 1.0; it
writes to that database, so use a benchmark database, never a live one), adds two ICBs of `--smallest` and
`--largest` providers (GP practices among them) with a quarter of returns, runs ANALYZE, then prints one line per
figure, `<figure>: <value> (goal <goal>) ok|MISSED`:
- bulk re-rating of every value in the database (returns.ratings.rerate) / a DuckDB scan computing the same bands
  over the same rows exported to Parquet (goal <= 5x; DuckDB is a benchmark-only dependency);
- the largest ICB's matrix page, server time (goal <= 300 ms), and its query count at both sizes (goal: equal);
- XLSX import of one return / an openpyxl read-only parse of the same file (goal <= 2x);
- (the quarterly report job for the largest ICB is benchmarks/reporting.py, with each part's time).
"""

import argparse
import csv
import io
import sys
import tempfile
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import setup_django

    setup_django()

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import returns as returns_benchmark  # the generator (benchmarks/returns.py), not the app
from core.calendar import ENGLAND
from core.choices import Role
from core.models import User
from core.testing import force_login_with_second_factor
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from returns import catalogue, conf, ratings, reports, rules
from returns.choices import ReturnStatus
from returns.models import BreakdownValue, Metric, MetricValue, Return, ReturnVersion

RERATE_GOAL, MATRIX_GOAL_MS, IMPORT_GOAL = 5.0, 300, 2.0


def line(figure, value, goal, ok):
    print(f"{figure}: {value} (goal {goal}) {'ok' if ok else 'MISSED'}")


def sized_icb(name, n_providers, quarter):
    """An ICB of `n_providers` providers (one in three a GP practice) with one quarter of submitted returns."""
    icb = Organisation.objects.filter(name=name, kind=OrganisationKind.ICB).first()
    if icb is not None:
        return icb
    icb = Organisation.objects.create(name=name, kind=OrganisationKind.ICB)
    icb.icb = icb
    icb.save(update_fields=["icb"])
    Organisation.objects.create(name=f"{name} council", kind=OrganisationKind.LOCAL_AUTHORITY, parent=icb, icb=icb)
    kinds = returns_benchmark.KINDS
    providers = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{name} provider {i:04d}",
                kind=OrganisationKind.GP_PRACTICE if i % 3 == 0 else kinds[i % len(kinds)],
                parent=icb,
                icb=icb,
            )
            for i in range(n_providers)
        ]
    )
    User.objects.create_user(
        username=f"bench.designated.{icb.pk}", password=None, role=Role.DESIGNATED, organisation=icb
    )
    submitted = timezone.now()
    returns = Return.objects.bulk_create(
        [
            Return(
                provider=p,
                period=quarter.index,
                status=ReturnStatus.SUBMITTED,
                due_date=rules.due_date(quarter, ENGLAND, 20),
                first_submitted_at=submitted,
                last_submitted_at=submitted,
            )
            for p in providers
        ]
    )
    versions = ReturnVersion.objects.bulk_create(
        [ReturnVersion(return_obj=r, number=1, submitted_at=submitted) for r in returns]
    )
    metrics = list(Metric.objects.filter(active=True))
    authorities = catalogue.local_authorities_for(icb.pk)
    values = []
    for n, (provider, version) in enumerate(zip(providers, versions, strict=True)):
        for metric in metrics:
            if metric.applies_to_kind(provider.kind):
                value, rows = returns_benchmark._figures(metric, n, authorities, quarter)
                value.version = version
                values.append((value, rows))
    MetricValue.objects.bulk_create([v for v, _ in values], batch_size=5000)
    rows = []
    for value, breakdown in values:
        for row in breakdown:
            row.value = value
            rows.append(row)
    BreakdownValue.objects.bulk_create(rows, batch_size=5000)
    ratings.rerate(return_ids=[r.pk for r in returns])
    return icb


# ------------------------------------------------------------------------------------------ re-rating vs DuckDB


def export_parquet(folder):
    """The rows the rating reads, as Parquet files (values with their quarter; which dimensions each is broken
    down by), through CSV into DuckDB's own Parquet writer."""
    import duckdb

    values = folder / "values.csv"
    with values.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "metric_id", "numerator", "denominator", "date_value", "period"])
        for row in MetricValue.objects.values_list(
            "pk", "metric_id", "numerator", "denominator", "date_value", "version__return_obj__period"
        ).iterator(chunk_size=20000):
            writer.writerow(["" if v is None else v for v in row])
    broken = folder / "broken.csv"
    with broken.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["value_id", "dimension"])
        for row in (
            BreakdownValue.objects.filter(numerator__isnull=False)
            .values_list("value_id", "dimension")
            .distinct()
            .iterator(chunk_size=20000)
        ):
            writer.writerow(row)
    duck = duckdb.connect()
    for name in ("values", "broken"):
        duck.execute(
            f"COPY (SELECT * FROM read_csv_auto('{folder / name}.csv')) TO '{folder / name}.parquet' (FORMAT parquet)"
        )
    return duck


def duckdb_sql(folder):
    """The same bands (every metric's scheme in force, from the same Scheme objects) as one DuckDB query."""
    gap = conf.multi_agency_gap_rating()
    cases = []
    for metric in Metric.objects.all():
        scheme = rules.Scheme.from_dict(metric.scheme, gap_rating=gap)
        if scheme.kind != "bands" or metric.unit != "percentage":
            continue
        whens = ["WHEN v.numerator IS NULL OR v.denominator IS NULL OR v.denominator = 0 THEN 'none'"]
        for dimension in scheme.require_breakdown:
            whens.append(
                f"WHEN NOT EXISTS (SELECT 1 FROM '{folder}/broken.parquet' b WHERE b.value_id = v.id "
                f"AND b.dimension = '{dimension}') THEN 'red'"
            )
        for op, threshold, rating in scheme.bands:
            fraction = Fraction(threshold)
            sign = ">" if op == "gt" else ">="
            whens.append(
                f"WHEN v.numerator::HUGEINT * {100 * fraction.denominator} {sign} "
                f"v.denominator::HUGEINT * {fraction.numerator} THEN '{scheme._resolve(rating)}'"
            )
        cases.append(
            f"WHEN v.metric_id = {metric.pk} THEN CASE {' '.join(whens)} ELSE '{scheme._resolve(scheme.otherwise)}' END"
        )
    return (
        f"SELECT rating, count(*) FROM (SELECT CASE {' '.join(cases)} ELSE NULL END AS rating "
        f"FROM '{folder}/values.parquet' v) WHERE rating IS NOT NULL GROUP BY rating ORDER BY rating"
    )


def timed_rerate(label):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        done = ratings.rerate()
        elapsed = time.perf_counter() - started
    print(
        f"  re-rated {done['values']:,} values of {done['returns']:,} returns ({label}: {done['changed']:,} written) "
        f"in {elapsed:.2f} s, {len(queries)} statements"
    )
    return elapsed


def bench_rerate(runs=3):
    """The bulk re-rating of every value, best of `runs`, against the best of as many DuckDB scans: with every stored
    rating cleared first (every value written, the worst case) and with nothing to change (the job after a change
    that moves few ratings reads every value in scope and writes few). Also the floor of the first: a bare UPDATE of
    every value's rating (rolled back), which computes nothing."""
    database, unchanged = [], []
    for _ in range(runs):
        MetricValue.objects.update(numeric_rating="", rating="")
        database.append(timed_rerate("every rating cleared first"))
        unchanged.append(timed_rerate("nothing changed"))
    floor = bare_update_time(runs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        duck = export_parquet(folder)
        sql = duckdb_sql(folder)
        duck.execute(sql).fetchall()  # warm: the files in the page cache
        scans = []
        for _ in range(runs):
            started = time.perf_counter()
            scanned = dict(duck.execute(sql).fetchall())
            scans.append(time.perf_counter() - started)
    scan = min(scans)
    percentage_bands = [m.pk for m in Metric.objects.filter(unit="percentage") if m.scheme.get("kind") == "bands"]
    stored = {}
    for rating, n in (
        MetricValue.objects.filter(metric_id__in=percentage_bands, scheme_override__isnull=True)
        .values_list("numeric_rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        stored[rating] = n
    print(
        f"  DuckDB scan {scan * 1000:.0f} ms (best of {runs}); bands agree with the stored ratings: {stored == scanned}"
    )
    print(
        f"  floor of writing every rating: a bare UPDATE of every value {floor:.2f} s, {floor / scan:.1f}x the scan "
        f"(best of {runs}, rolled back)"
    )
    for label, elapsed in (("every value written", min(database)), ("nothing changed", min(unchanged))):
        ratio = elapsed / scan if scan else float("inf")
        line(
            f"bulk re-rating ({label}) / DuckDB scan",
            f"{ratio:.1f}x ({elapsed:.2f} s / {scan:.3f} s, best of {runs})",
            f"<= {RERATE_GOAL:g}x",
            ratio <= RERATE_GOAL,
        )


def bare_update_time(runs):
    """Best of `runs` UPDATEs of every value's rating to itself (in a transaction rolled back): what writing every
    row costs without computing anything."""
    table = connection.ops.quote_name(MetricValue._meta.db_table)
    times = []
    for _ in range(runs):
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(f"UPDATE {table} SET numeric_rating = numeric_rating || ''")  # noqa: S608
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
        MetricValue.objects.count()  # prunes the rolled-back row versions, as the re-rating's own count does
    return min(times)


# ------------------------------------------------------------------------------------------ pages, import, report


def matrix_time(icb, quarter):
    user = User.objects.filter(organisation=icb, role=Role.DESIGNATED).first()
    client = force_login_with_second_factor(Client(), user)
    url = f"/returns/matrix/?quarter={quarter.slug}"
    client.get(url)  # warm up
    best, count = None, None
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200
        best, count = min(best or elapsed, elapsed), len(queries)
    return best * 1000, count


def bench_import(icb, quarter, repeat=8):
    """One return's template: upload through the real path, against an openpyxl read-only parse of the file.

    Wall time of the first upload (cold: the process's first import of a template) and the best of `repeat` more
    (each a new return of an earlier quarter: the same writes every time), against the best of as many parses (warm,
    each just before an upload, so that both see the same load); then both in CPU time of this process
    (`time.process_time`, best of each), which a loaded machine inflates less (the database's share is not in it)."""
    from returns import actions, spreadsheet

    provider = Organisation.objects.filter(icb=icb, kind=OrganisationKind.TRUST_ACUTE).first() or (
        Organisation.objects.filter(icb=icb)
        .exclude(kind__in=[OrganisationKind.ICB, OrganisationKind.LOCAL_AUTHORITY])
        .first()
    )
    uploads = []
    taken = set(Return.objects.filter(provider=provider).values_list("period", flat=True))
    for back in range(1, 400):
        target = quarter.previous(back)
        if target.index in taken:
            continue
        entries = returns_benchmark_entries(provider, target)
        ret = actions.do_start_return(provider=provider, quarter=target, acting_user=None)
        uploads.append(
            (ret, spreadsheet.build_template(provider, target, entries=entries, stamp=reports.edit_stamp(ret)))
        )
        if len(uploads) == repeat + 1:
            break
    (ret, content), *warm = uploads
    _parse(content)  # warm, as the uploads after the first are
    with CaptureQueriesContext(connection) as queries:
        cold, _ = _timed(lambda: spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None), 1)
    walls, cpus, parse_walls, parse_cpus = [], [], [], []
    for ret, content in warm:  # a parse, then an upload of the same file: each pair under the same load
        wall, cpu = _timed(lambda: _parse(content), 1)  # noqa: B023
        parse_walls.append(wall)
        parse_cpus.append(cpu)
        wall, cpu = _timed(lambda: spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None), 1)  # noqa: B023
        walls.append(wall)
        cpus.append(cpu)
    upload, upload_cpu, parse_wall, parse_cpu = min(walls), min(cpus), min(parse_walls), min(parse_cpus)
    ratio, cpu_ratio = upload / parse_wall, upload_cpu / parse_cpu
    line(
        "XLSX import / openpyxl read-only parse",
        f"{ratio:.1f}x ({upload * 1000:.0f} ms best of {len(walls)}, {len(queries)} queries / "
        f"{parse_wall * 1000:.0f} ms best of {repeat}; first upload {cold * 1000:.0f} ms, {cold / parse_wall:.1f}x)",
        f"<= {IMPORT_GOAL:g}x",
        ratio <= IMPORT_GOAL,
    )
    line(
        "XLSX import / parse, application CPU",
        f"{cpu_ratio:.1f}x ({upload_cpu * 1000:.0f} ms / {parse_cpu * 1000:.0f} ms, best of {len(cpus)})",
        f"<= {IMPORT_GOAL:g}x",
        cpu_ratio <= IMPORT_GOAL,
    )


def _parse(content):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            pass
    book.close()


def _timed(work, times):
    """(wall, CPU) seconds of `work`: the best of `times` runs of each."""
    walls, cpus = [], []
    for _ in range(times):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def returns_benchmark_entries(provider, quarter):
    authorities = catalogue.local_authorities_for(provider.icb_id)
    entries = {}
    for n, metric in enumerate(catalogue.metrics_for(provider.kind)):
        value, breakdown = returns_benchmark._figures(metric, n, authorities, quarter)
        entry = rules.Entry(
            numerator=None if value.numerator is None else Decimal(value.numerator),
            denominator=None if value.denominator is None else Decimal(value.denominator),
            date_value=value.date_value,
        )
        for row in breakdown:
            entry.breakdown.setdefault(row.dimension, {})[row.category] = (
                Decimal(row.numerator),
                None if row.denominator is None else Decimal(row.denominator),
            )
        entries[metric.code] = entry
    return entries


def run(scale, largest, smallest, only=None):
    _, quarters = returns_benchmark.generate(scale)
    quarter = quarters[-1]
    small = sized_icb(f"Benchmark ICB of {smallest}", smallest, quarter)
    large = sized_icb(f"Benchmark ICB of {largest}", largest, quarter)
    if only == "import":
        bench_import(large, quarter)
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  {MetricValue.objects.count():,} values, {BreakdownValue.objects.count():,} breakdown rows "
        f"({connection.vendor})"
    )
    bench_rerate()
    small_ms, small_queries = matrix_time(small, quarter)
    large_ms, large_queries = matrix_time(large, quarter)
    line(
        f"matrix page, largest ICB ({largest} providers)",
        f"{large_ms:.0f} ms",
        f"<= {MATRIX_GOAL_MS} ms",
        large_ms <= MATRIX_GOAL_MS,
    )
    line(
        f"matrix queries at {smallest} and {largest} providers",
        f"{small_queries} and {large_queries} ({small_ms:.0f} ms at {smallest})",
        "equal",
        small_queries == large_queries,
    )
    bench_import(large, quarter)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="national data: 1.0 = 42 ICBs, 1,500 providers")
    parser.add_argument("--largest", type=int, default=600)
    parser.add_argument("--smallest", type=int, default=36)
    parser.add_argument("--only", choices=["import"], help="run one figure only (on data already generated)")
    args = parser.parse_args()
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")
    run(args.scale, args.largest, args.smallest, args.only)


if __name__ == "__main__":
    main()
