"""Load benchmark: Django's runserver and gunicorn side by side, 10 concurrent clients.

    .venv/bin/python benchmarks/load.py [--requests 200] [--seconds 30] [--clients 10]

Builds a fresh demo database in a temporary directory (migrate, collectstatic, load_demo, an API token;
SQLite there, or the database DATABASE_URL names, e.g. postgres://postgres@127.0.0.1:5432/vigil_load),
starts `manage.py runserver` and gunicorn (config/gunicorn.conf.py) on free loopback ports with the
production settings (DEBUG off, plain http), and for each server loads three targets in turn: the
designated professional's home page, the RAG matrix and `/api/v1/returns/` (by API token). Each target
gets `--requests` requests, or stops after `--seconds`, whichever comes first. Both servers are stopped
before the script ends. Prints `<figure>: <value> (goal <goal>) ok|MISSED` lines.
"""

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import _create_postgres_database

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"
P95_GOAL_MS = 500  # issue 10: every page under 500 ms at demo scale
SPEEDUP_GOAL = 1.5  # gunicorn uses every core; runserver's threads share one (the GIL)
TARGETS = [
    ("designated home", "/", "session"),
    ("RAG matrix", "/returns/matrix/", "session"),
    ("API returns list", "/api/v1/returns/", "token"),
]


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment(var_dir):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        VIGIL_VAR_DIR=str(var_dir),
        VIGIL_HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        GUNICORN_ACCESS_LOG="/dev/null",
        DB_CONN_MAX_AGE="60",  # keep database connections, as docs/deployment.md advises for gunicorn
        LOG_LEVEL="ERROR",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'load.sqlite3'}")
    return env


def manage(env, *args):
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare(env, var_dir, out):
    """Migrate, collect static files and load the demo once per directory; a new API token every run."""
    started = time.perf_counter()
    marker = var_dir / "load-benchmark-prepared"
    if not marker.exists():
        _create_postgres_database(env["DATABASE_URL"])
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_demo")
        marker.touch()
    token = manage(env, "create_api_token", "designated", "--name", "load benchmark").strip()
    out(f"# demo database ready in {time.perf_counter() - started:.0f} s ({env['DATABASE_URL'].split(':')[0]})")
    return token


def start(kind, env, port):
    if kind == "runserver":
        command = [PYTHON, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]
    else:
        command = [GUNICORN, "--config", "config/gunicorn.conf.py", "--bind", f"{HOST}:{port}", "config.wsgi"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{kind} did not start:\n{process.stderr.read().decode()}")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"{kind} did not answer on port {port} within 60 s")


def request(port, method, path, headers=None, body=None, connection=None):
    conn = connection or http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response.status, response, data


def sign_in(port, username="designated", password="vigil-demo-password"):  # noqa: S107 (the demo login)
    status, response, page = request(port, "GET", "/sign-in/")
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    headers = {
        "Cookie": f"csrftoken={csrf}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://{HOST}:{port}",
        "Referer": f"http://{HOST}:{port}/sign-in/",
    }
    status, response, _ = request(port, "POST", "/sign-in/", headers=headers, body=body)
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if status != 302 or not session:
        sys.exit(f"Signing in as {username} failed ({status})")
    return {"Cookie": f"sessionid={session.group(1)}"}


def load(port, path, headers, *, clients, requests, seconds):
    """`requests` GETs of `path` from `clients` threads (each with its own keep-alive connection)."""
    latencies, failures, lock = [], [], threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, response, _ = request(port, "GET", path, headers=headers, connection=connection)
            except (OSError, http.client.HTTPException) as error:
                failures.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if status == 200 else failures).append(elapsed if status == 200 else status)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "wall": time.perf_counter() - started, "failures": failures}


def verdict(figure, value, goal, ok, out):
    out(f"{figure}: {value} (goal {goal}) {'ok' if ok else 'MISSED'}")


ROUNDS = 2  # the servers take turns, so a change in the machine's other load hits both alike


def run(clients=10, requests=200, seconds=30, var_dir=None, out=print):
    with tempfile.TemporaryDirectory(prefix="vigil-load-") as directory:
        var_dir = Path(var_dir or directory)
        var_dir.mkdir(parents=True, exist_ok=True)
        env = environment(var_dir)
        token = prepare(env, var_dir, out)
        servers = {}
        try:
            for kind in ("runserver", "gunicorn"):
                port = free_port()
                servers[kind] = (port, start(kind, env, port))
            results = measure(servers, token, clients, requests, seconds, out)
        finally:
            for _, process in servers.values():
                process.terminate()
                process.wait(timeout=30)
        report(results, clients, out)
        return results


def measure(servers, token, clients, requests, seconds, out):
    results = {}
    auth = {
        kind: {"session": sign_in(port), "token": {"Authorization": f"Token {token}"}}
        for kind, (port, _) in servers.items()
    }
    for label, path, how in TARGETS:
        runs = {kind: [] for kind in servers}
        for kind, (port, _) in servers.items():
            # Warm up: every gunicorn worker compiles its templates and fills its caches once.
            load(port, path, auth[kind][how], clients=clients, requests=clients * 3, seconds=seconds)
        for _ in range(ROUNDS):
            for kind, (port, process) in servers.items():
                share = {"clients": clients, "requests": requests // ROUNDS, "seconds": seconds / ROUNDS}
                used = cpu_seconds(process.pid)
                figures = load(port, path, auth[kind][how], **share)
                figures["cpu"] = cpu_seconds(process.pid) - used
                runs[kind].append(figures)
        for kind, parts in runs.items():
            results[kind, label] = combined(parts)
            if failed := results[kind, label]["failures"]:
                out(f"# {kind} {label}: {len(failed)} failed requests, e.g. {failed[0]}")
    return results


def cpu_seconds(pid):
    """CPU time used so far by process `pid` and its children (Linux /proc; 0 elsewhere)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def combined(parts):
    latencies = sorted(latency for part in parts for latency in part["latencies"])
    wall = sum(part["wall"] for part in parts)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000 if latencies else float("inf")
    failures = [failure for part in parts for failure in part["failures"]]
    cpu_ms = 1000 * sum(part["cpu"] for part in parts) / max(1, len(latencies))
    return {"rps": len(latencies) / wall, "p95_ms": p95, "done": len(latencies), "failures": failures, "cpu_ms": cpu_ms}


def report(results, clients, out):
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    out(f"# {clients} concurrent clients; {os.cpu_count()} CPU cores, load average {load_average}")
    out("# requests/s over the whole run, p95 of successful requests")
    for label, _, _ in TARGETS:
        slow, fast = results["runserver", label], results["gunicorn", label]
        for kind, figures in (("runserver", slow), ("gunicorn", fast)):
            out(
                f"{kind} {label} requests/s: {figures['rps']:.1f} ({figures['done']} requests, "
                f"server CPU {figures['cpu_ms']:.0f} ms per request)"
            )
            ok = figures["p95_ms"] <= P95_GOAL_MS and not figures["failures"]
            verdict(f"{kind} {label} p95", f"{figures['p95_ms']:.0f} ms", f"<= {P95_GOAL_MS} ms", ok, out)
        speedup = fast["rps"] / slow["rps"] if slow["rps"] else float("inf")
        verdict(
            f"gunicorn/runserver {label} speed-up",
            f"{speedup:.1f}x",
            f">= {SPEEDUP_GOAL}x",
            speedup >= SPEEDUP_GOAL,
            out,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200, help="requests per target and server")
    parser.add_argument("--seconds", type=float, default=30, help="time limit per target and server")
    parser.add_argument("--workers", help="gunicorn workers (default: config/gunicorn.conf.py's)")
    parser.add_argument("--var-dir", help="keep the prepared demo here and reuse it next time (default: temporary)")
    args = parser.parse_args()
    if args.workers:
        os.environ["GUNICORN_WORKERS"] = args.workers
    run(clients=args.clients, requests=args.requests, seconds=args.seconds, var_dir=args.var_dir)


if __name__ == "__main__":
    main()
