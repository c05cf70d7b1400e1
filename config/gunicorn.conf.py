"""gunicorn settings for `make run` and deployments: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value can be set from the environment (docs/deployment.md).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers: a page waits on many database round trips, and a worker's other threads run
# meanwhile (sync workers, one request each, served half of runserver's rate in benchmarks/load.py).
# Processes give parallelism across cores, threads overlap the waits.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Restart each worker after a while, so slow memory growth never builds up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = max_requests // 10
# Load the app once, before forking: a start-up error (such as a refused SECRET_KEY) stops gunicorn at
# once instead of every worker failing in turn, and the workers share the loaded code.
preload_app = True
# Proxies allowed to set X-Forwarded-* (only the local one by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# `make run` serves one machine: GUNICORN_START_WORKER=1 starts one stored-job worker (`manage.py run_worker`)
# beside the web workers and stops it with gunicorn, so report builds, imports and re-ratings run there too.
# Deployments leave it unset and run their workers as separate services (docs/deployment.md).
start_job_worker = os.environ.get("GUNICORN_START_WORKER", "") == "1"


def when_ready(server):
    if start_job_worker:
        import subprocess
        import sys
        from pathlib import Path

        manage = Path(__file__).resolve().parent.parent / "manage.py"
        server.job_worker = subprocess.Popen([sys.executable, str(manage), "run_worker"])  # noqa: S603 - fixed argv
        server.log.info("Stored-job worker started (pid %s).", server.job_worker.pid)


def on_exit(server):
    worker = getattr(server, "job_worker", None)
    if worker is not None and worker.poll() is None:
        worker.terminate()
        worker.wait(timeout=30)
