"""Benchmark of NHS England's regional and national roll-ups (issue 15 item 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vigil_bench .venv/bin/python benchmarks/regions.py [--scale 1.0]

Uses the national generator of benchmarks/returns.py (42 ICBs, 1,500 providers, 8 quarters at scale 1.0, all in
one region: the worst case for a regional page; it writes to that database, so use a benchmark database, never a
live one), adds a small region holding one ICB of 36 providers (benchmarks/ratings.py `sized_icb`), runs ANALYZE,
then prints one line per figure, `<figure>: <value> (goal <goal>) ok|MISSED`:
- the national page (every region), the large region's page and its largest ICB's page, as the national team and as
  the region's lead: best server time of three (goal <= 500 ms);
- the query count of each page and of the API lists for the small and the large region (goal: equal).
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
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks import ratings as ratings_benchmark  # sized_icb
from benchmarks import returns as returns_benchmark  # the national generator, not the app
from core.choices import Role
from core.models import User
from core.testing import force_login_with_second_factor
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from organisations.reference import ensure_nhs_england

PAGE_GOAL_MS = 500
SMALL_REGION = "Benchmark small region"


def line(figure, value, goal, ok):
    print(f"{figure}: {value} (goal {goal}) {'ok' if ok else 'MISSED'}")


def small_region(quarter):
    region = Organisation.objects.filter(name=SMALL_REGION, kind=OrganisationKind.REGION).first()
    if region is None:
        region = Organisation.objects.create(name=SMALL_REGION, kind=OrganisationKind.REGION)
    icb = ratings_benchmark.sized_icb("Benchmark ICB of 36", 36, quarter)
    if icb.parent_id != region.pk:
        icb.parent = region
        icb.save(update_fields=["parent"])
    return region


def user_of(role, organisation):
    user, _ = User.objects.get_or_create(
        username=f"bench.{role}.{organisation.pk}", defaults={"role": role, "organisation": organisation}
    )
    return force_login_with_second_factor(Client(), user)


def timed_get(client, url):
    """(best milliseconds of three after a warm-up, query count)."""
    assert client.get(url).status_code == 200, url
    best, count = None, None
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, url
        best, count = min(best or elapsed, elapsed), len(queries)
    return best, count


def pages_of(region, icb, quarter):
    q = f"?quarter={quarter.slug}"
    return {
        "region page": f"/regions/{region.pk}/{q}",
        "ICB page": f"/regions/icbs/{icb.pk}/{q}",
        "API regions": f"/api/v1/nhse-regions/{q.replace('?', '?format=json&')}",
        "API ICB roll-ups": f"/api/v1/nhse-icb-rollups/?format=json&region={region.pk}&quarter={quarter.slug}",
    }


def largest_icb(region):
    icbs = Organisation.objects.filter(parent=region, kind=OrganisationKind.ICB).values("pk")
    sizes = Organisation.objects.filter(icb__in=icbs).values("icb").annotate(n=Count("pk")).order_by("-n", "icb")
    return Organisation.objects.get(pk=sizes[0]["icb"])


def run(scale):
    icbs, quarters = returns_benchmark.generate(scale)
    quarter = quarters[-1]
    large = icbs[0].parent
    small = small_region(quarter)
    nhs_england, _ = ensure_nhs_england()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    national = user_of(Role.NATIONAL, nhs_england)
    print(f"  {len(icbs)} ICBs in the large region, 1 in the small one ({connection.vendor})")
    ms, _ = timed_get(national, f"/regions/?quarter={quarter.slug}")
    line("national page, every region", f"{ms:.0f} ms", f"<= {PAGE_GOAL_MS} ms", ms <= PAGE_GOAL_MS)
    counts = {}
    for name, region in (("small", small), ("large", large)):
        lead = user_of(Role.REGIONAL, region)
        for label, url in pages_of(region, largest_icb(region), quarter).items():
            ms, count = timed_get(lead, url)
            counts.setdefault(label, {})[name] = count
            if name == "large" and not label.startswith("API"):
                line(f"{label} as the regional lead", f"{ms:.0f} ms", f"<= {PAGE_GOAL_MS} ms", ms <= PAGE_GOAL_MS)
    for label, by_size in counts.items():
        line(
            f"{label} queries, 1 and {len(icbs)} ICBs",
            f"{by_size['small']} and {by_size['large']}",
            "equal",
            by_size["small"] == by_size["large"],
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="national data: 1.0 = 42 ICBs, 1,500 providers")
    args = parser.parse_args()
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")
    run(args.scale)


if __name__ == "__main__":
    main()
