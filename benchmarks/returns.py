"""Benchmark of quarterly returns at national scale, with its data generator.

    .venv/bin/python benchmarks/returns.py [--scale 1.0] [--xlsx 20]

Generates (once; later runs reuse it) 42 ICBs with 1,500 providers between them, 8 quarters of submitted
returns with the full metric catalogue and every breakdown row, straight into the database with bulk inserts
(the per-return actions would take an hour at this size). Then prints:
- the time to rate every value of every return (scheme book with contract overrides, exact fractions);
- the time and query count of the ICB RAG matrix page and of the API list (first page), for one ICB;
- the XLSX import rate (rows per second) through the real upload path (read, validate, store, audited).
`--scale 0.01` runs small (1 ICB, 15 providers). Run it against PostgreSQL by setting DATABASE_URL; it writes
to that database, so use a benchmark database, never a live one.
"""

import argparse
import datetime as dt
import io
import sys
import time
from decimal import Decimal
from pathlib import Path

if __name__ == "__main__":  # run as a script: set Django up on the benchmark database first
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import setup_django

    setup_django()

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.calendar import ENGLAND
from core.choices import Role
from core.models import User
from core.testing import force_login_with_second_factor
from organisations.choices import PROVIDER_KINDS, OrganisationKind
from organisations.models import Organisation
from returns import actions, catalogue, reports, rules, spreadsheet
from returns.choices import ReturnStatus
from returns.models import BreakdownValue, Metric, MetricValue, Return, ReturnVersion

REGION_NAME = "Benchmark region"
KINDS = sorted(PROVIDER_KINDS)
BATCH = 5000


def sizes(scale):
    return max(1, round(42 * scale)), max(2, round(1500 * scale))


def generate(scale, out=print):
    """Create the benchmark data set unless it exists; returns (icbs, quarters)."""
    today = timezone.localdate()
    quarters = rules.quarters_up_to(rules.last_ended_quarter(today), 8)
    region = Organisation.objects.filter(name=REGION_NAME, kind=OrganisationKind.REGION).first()
    if region is not None:
        out("Reusing the benchmark data set already in the database.")
        return list(Organisation.objects.filter(parent=region, kind=OrganisationKind.ICB)), quarters
    n_icbs, n_providers = sizes(scale)
    started = time.perf_counter()
    region = Organisation.objects.create(name=REGION_NAME, kind=OrganisationKind.REGION)
    icbs = Organisation.objects.bulk_create(
        [Organisation(name=f"Benchmark ICB {i:02d}", kind=OrganisationKind.ICB, parent=region) for i in range(n_icbs)]
    )
    for icb in icbs:
        icb.icb = icb
    Organisation.objects.bulk_update(icbs, ["icb"])
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"Benchmark council {i:02d}", kind=OrganisationKind.LOCAL_AUTHORITY, parent=icb, icb=icb)
            for i, icb in enumerate(icbs)
        ]
    )
    providers = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Benchmark provider {i:04d}",
                kind=KINDS[i % len(KINDS)],
                parent=icbs[i % n_icbs],
                icb=icbs[i % n_icbs],
            )
            for i in range(n_providers)
        ],
        batch_size=BATCH,
    )
    for icb in icbs:
        User.objects.create_user(
            username=f"bench.designated.{icb.pk}", password=None, role=Role.DESIGNATED, organisation=icb
        )
    metrics = list(Metric.objects.filter(active=True))
    authorities = {icb.pk: catalogue.local_authorities_for(icb.pk) for icb in icbs}
    counts = {"returns": 0, "values": 0, "breakdown": 0}
    submitted = timezone.now()
    for quarter in quarters:
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
            ],
            batch_size=BATCH,
        )
        versions = ReturnVersion.objects.bulk_create(
            [ReturnVersion(return_obj=r, number=1, submitted_at=submitted) for r in returns], batch_size=BATCH
        )
        values, rows = [], []
        for n, (provider, version) in enumerate(zip(providers, versions, strict=True)):
            for metric in metrics:
                if not metric.applies_to_kind(provider.kind):
                    continue
                value, breakdown = _figures(metric, n + quarter.index, authorities[provider.icb_id], quarter)
                value.version = version
                values.append((value, breakdown))
        MetricValue.objects.bulk_create([v for v, _ in values], batch_size=BATCH)
        for value, breakdown in values:
            for row in breakdown:
                row.value = value
                rows.append(row)
        BreakdownValue.objects.bulk_create(rows, batch_size=BATCH)
        counts["returns"] += len(returns)
        counts["values"] += len(values)
        counts["breakdown"] += len(rows)
    out(
        f"Generated {n_icbs} ICBs, {n_providers} providers, {len(quarters)} quarters: {counts['returns']:,} returns, "
        f"{counts['values']:,} values, {counts['breakdown']:,} breakdown rows in {time.perf_counter() - started:.1f} s"
    )
    return icbs, quarters


def _figures(metric, seed, authorities, quarter):
    """One synthetic value with breakdown rows that add up; about one in six below 75 %."""
    if metric.unit == "percentage":
        den = 100 + seed % 400
        pct = 60 + (seed * 7 + len(metric.code)) % 40
        num = den * pct // 100
    elif metric.unit == "count":
        num, den = seed % 9, None
    elif metric.unit == "yes_no":
        num, den = (1 if seed % 10 else 0), None
    else:
        return MetricValue(metric=metric, date_value=min(dt.date(quarter.fy, 8, 20), quarter.end)), []
    rows = []
    for dimension in metric.breakdowns:
        codes = [c for c, _ in catalogue.categories(dimension, authorities)]
        k = len(codes)
        dens = [den // k + (1 if i < den % k else 0) for i in range(k)] if den is not None else [None] * k
        left = num
        for i, code in enumerate(codes):
            share = min(dens[i], left) if den is not None else num // k + (1 if i < num % k else 0)
            if den is not None:
                left -= share
            rows.append(BreakdownValue(dimension=dimension, category=code, numerator=share, denominator=dens[i]))
    return MetricValue(metric=metric, numerator=num, denominator=den), rows


def time_rating(out=print):
    """Rate every value of every submitted return, in batches of 2,000 returns."""
    started = time.perf_counter()
    metrics = list(Metric.objects.filter(active=True))
    ids = list(Return.objects.filter(first_submitted_at__isnull=False).values_list("pk", flat=True))
    rated = 0
    for start in range(0, len(ids), 2000):
        returns = list(Return.objects.filter(pk__in=ids[start : start + 2000]).select_related("provider"))
        versions = reports.latest_submitted_versions(returns)
        book = reports.SchemeBook([r.provider_id for r in returns], metrics)
        result = reports.rate_versions(list(versions.values()), book, metrics)
        rated += sum(len(cells) for cells in result.values())
    elapsed = time.perf_counter() - started
    out(
        f"Rate everything: {rated:,} values of {len(ids):,} returns in {elapsed:.2f} s "
        f"({rated / elapsed:,.0f} values/s)"
    )
    return elapsed


def time_request(client, url, label, out=print):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    out(f"{label}: {elapsed * 1000:.0f} ms, {len(queries.captured_queries)} queries")
    return elapsed, len(queries.captured_queries)


def time_xlsx_import(icb, count, out=print):
    """Upload `count` filled templates through the real path; rows per second of the sheet."""
    # A quarter before the eight generated ones in which enough providers have no return yet (runs add some).
    for back in range(8, 40):
        quarter = rules.last_ended_quarter(timezone.localdate()).previous(back)
        providers = list(
            Organisation.objects.filter(icb=icb, kind__in=PROVIDER_KINDS)
            .exclude(returns__period=quarter.index)
            .order_by("pk")[:count]
        )
        if len(providers) >= count:
            break
    files, rows = [], 0
    for n, provider in enumerate(providers):
        entries = {}
        authorities = catalogue.local_authorities_for(provider.icb_id)
        for metric in catalogue.metrics_for(provider.kind):
            value, breakdown = _figures(metric, n, authorities, quarter)
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
            rows += 1 + len(breakdown)
        return_obj = actions.do_start_return(provider=provider, quarter=quarter, acting_user=None)
        stamp = reports.edit_stamp(return_obj)
        files.append((return_obj, spreadsheet.build_template(provider, quarter, entries=entries, stamp=stamp)))
    started = time.perf_counter()
    for return_obj, content in files:
        spreadsheet.import_upload(return_obj, io.BytesIO(content), acting_user=None)
    elapsed = time.perf_counter() - started
    rate = rows / elapsed if elapsed else 0
    out(f"XLSX import: {len(files)} templates, {rows:,} rows in {elapsed:.2f} s ({rate:,.0f} rows/s)")
    return rate


def run(scale=1.0, xlsx=20, out=print):
    icbs, quarters = generate(scale, out)
    results = {"rate_s": time_rating(out)}
    icb = icbs[0]
    user = User.objects.filter(organisation=icb, role=Role.DESIGNATED).first()
    client = force_login_with_second_factor(Client(), user)
    latest = quarters[-1]
    providers = Organisation.objects.filter(icb=icb, kind__in=PROVIDER_KINDS).count()
    client.get(f"/returns/matrix/?quarter={latest.slug}")  # warm up: imports, templates, the bank-holiday table
    results["matrix"] = time_request(
        client, f"/returns/matrix/?quarter={latest.slug}", f"ICB matrix page ({providers} providers)", out
    )
    results["api"] = time_request(client, "/api/v1/returns/", "API list (first page)", out)
    results["xlsx_rows_per_s"] = time_xlsx_import(icb, xlsx, out)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 42 ICBs and 1,500 providers")
    parser.add_argument("--xlsx", type=int, default=20, help="How many templates to import for the XLSX rate")
    args = parser.parse_args()
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")
    run(scale=args.scale, xlsx=args.xlsx)


if __name__ == "__main__":
    main()
