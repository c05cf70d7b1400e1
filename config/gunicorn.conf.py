"""gunicorn settings for `make run` and deployments: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value can be set from the environment (docs/deployment.md).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request has its own process and database connection. 2 × cores + 1 is
# gunicorn's own rule of thumb, capped so a big machine does not open too many database connections.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
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
