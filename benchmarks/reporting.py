"""Benchmark of the reporting app's report job (issue 11 item 4): the quarterly safeguarding assurance report
(snapshot, PDF and XLSX appendix) for the largest benchmark ICB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vigil_bench .venv/bin/python benchmarks/reporting.py \
        [--scale 1.0] [--largest 600] [--smallest 36]

Uses the national generator of benchmarks/returns.py and the sized ICBs of benchmarks/ratings.py (it writes to that
database, so use a benchmark database, never a live one), then prints one line per figure,
`<figure>: <value> (goal <goal>) ok|MISSED`:
- the report job (snapshot + PDF + XLSX) for the largest ICB (goal <= 5 s), and each part's time;
- the snapshot's queries at the smallest and the largest ICB (goal: equal).
"""

import argparse
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import setup_django

    setup_django()

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import ratings as ratings_benchmark
from benchmarks import returns as returns_benchmark
from reporting.sections import SECTIONS, build_snapshot
from reporting.spreadsheets import appendix_xlsx
from reporting.typeset import render_pdf

JOB_GOAL_S = 5.0
QUARTERLY = [
    "roles",
    "returns",
    "assurance",
    "reviews",
    "casework",
    "actions",
    "risks",
    "workforce",
    "annual_reports",
    "inspections",
]
REPORT_TYPE = {
    "code": "quarterly-assurance",
    "title": "Quarterly safeguarding assurance report",
    "audience": "ICB quality and safety group",
    "sections": [{"key": "executive-summary", "title": "Executive summary", "kind": "narrative"}]
    + [{"key": key, "title": SECTIONS[key].title, "kind": "generated"} for key in QUARTERLY],
}


def line(figure, value, goal, ok):
    print(f"{figure}: {value} (goal {goal}) {'ok' if ok else 'MISSED'}")


def report_job(icb, quarter, as_at):
    """The work of one report job, timed by part: (seconds by part, queries of the snapshot, sizes)."""
    times = {}
    cpu = time.process_time()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        snapshot = build_snapshot(
            organisation=icb,
            report_type=REPORT_TYPE,
            period_start=quarter.start,
            period_end=quarter.end,
            as_at=as_at,
            narratives={"executive-summary": "Benchmark narrative."},
        )
    times["snapshot"] = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render_pdf(snapshot, status_label="Draft", version=1, draft=True)
    times["PDF"] = time.perf_counter() - started
    started = time.perf_counter()
    xlsx = appendix_xlsx(snapshot)
    times["XLSX"] = time.perf_counter() - started
    times["of which CPU in this process"] = time.process_time() - cpu
    return times, len(queries.captured_queries), (len(pdf), len(xlsx))


def run(scale, largest, smallest):
    _, quarters = returns_benchmark.generate(scale)
    quarter = quarters[-1]
    small = ratings_benchmark.sized_icb(f"Benchmark ICB of {smallest}", smallest, quarter)
    large = ratings_benchmark.sized_icb(f"Benchmark ICB of {largest}", largest, quarter)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    as_at = timezone.now()
    report_job(small, quarter, as_at)  # warm-up: content types and templates cached once per process
    _, small_queries, _ = report_job(small, quarter, as_at)
    times, large_queries, (pdf_size, xlsx_size) = report_job(large, quarter, as_at)
    total = times["snapshot"] + times["PDF"] + times["XLSX"]
    line(
        f"quarterly assurance report job (snapshot, PDF, XLSX), ICB of {largest} providers",
        f"{total:.2f} s ({', '.join(f'{part} {t:.2f} s' for part, t in times.items())}; "
        f"PDF {pdf_size // 1024} KiB, XLSX {xlsx_size // 1024} KiB)",
        f"<= {JOB_GOAL_S:g} s",
        total <= JOB_GOAL_S,
    )
    line(
        f"snapshot queries at {smallest} and {largest} providers",
        f"{small_queries} and {large_queries}",
        "equal",
        small_queries == large_queries,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="national data: 1.0 = 42 ICBs, 1,500 providers")
    parser.add_argument("--largest", type=int, default=600)
    parser.add_argument("--smallest", type=int, default=36)
    args = parser.parse_args()
    run(args.scale, args.largest, args.smallest)


if __name__ == "__main__":
    main()
