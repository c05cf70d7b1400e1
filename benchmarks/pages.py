"""Server time of every page at demo scale, for every role (issue 10 item 7: every page under 500 ms).

    .venv/bin/python benchmarks/pages.py [--repeat 3]

Loads the demo ICB (`load_demo`, which changes nothing when it is loaded already), then for each demo login follows
its pages as the security-header crawl does (one page of each shape, up to 60 a role), through Django's test
client in this process: the time is the server's (middleware, views, queries, templates), not a browser's. The
crawl runs once to warm up, then `--repeat` times; each page's figure is its median. Prints the slowest pages and
one line per figure: `<figure>: <value> (goal <goal>) ok|MISSED`. The same run times `/healthz` (no template, one
query) as the floor a page cannot beat on this machine.
Run it against PostgreSQL by setting DATABASE_URL to a benchmark database, never a live one.
"""

import argparse
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

if __name__ == "__main__":  # run as a script: set Django up on the benchmark database first
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import setup_django

    setup_django()

from django.core.management import call_command
from django.test import Client

from core.models import User
from core.testing import force_login_with_second_factor
from core.tests.test_security_headers import ONE_LOGIN_PER_ROLE, crawl

GOAL_MS = 500


class TimedClient(Client):
    """A test client that keeps the server time of each GET (path -> seconds)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timings = {}

    def get(self, path, *args, **kwargs):
        started = time.perf_counter()
        response = super().get(path, *args, **kwargs)
        self.timings.setdefault(path, []).append(time.perf_counter() - started)
        return response


def pages_of(username, repeat):
    client = TimedClient()
    force_login_with_second_factor(client, User.objects.get(username=username))
    paths = [path for path, _ in crawl(client)]  # the warm-up crawl finds the pages
    client.timings.clear()
    for _ in range(repeat):
        for path in paths:
            client.get(path)
    return {path: statistics.median(times) for path, times in client.timings.items()}


def floor_ms(repeat):
    client = TimedClient()
    for _ in range(repeat * 10):
        client.get("/healthz")
    return statistics.median(client.timings["/healthz"]) * 1000


def verdict(ok):
    return "ok" if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("load_demo", stdout=StringIO())
    figures = []
    for username in ONE_LOGIN_PER_ROLE.values():
        for path, seconds in pages_of(username, args.repeat).items():
            figures.append((seconds * 1000, username, path))
    figures.sort(reverse=True)
    print("slowest pages (median server time):")
    for ms, username, path in figures[:10]:
        print(f"  {ms:8.1f} ms  {username:<18} {path}")
    slowest = figures[0][0]
    over = sum(1 for ms, _, _ in figures if ms > GOAL_MS)
    print(f"reference /healthz (no template): {floor_ms(args.repeat):.1f} ms")
    met = verdict(slowest <= GOAL_MS)
    print(f"slowest page server time at demo scale: {slowest:.0f} ms (goal <= {GOAL_MS} ms) {met}")
    print(f"pages over {GOAL_MS} ms: {over} of {len(figures)} (goal 0) {verdict(over == 0)}")


if __name__ == "__main__":
    main()
