# Vigil: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?= -n auto

# `make run` serves plain http, so HTTPS-only settings are off when it listens on a loopback address
# (secure cookies, SSL redirect and HSTS stay on by default everywhere else: docs/deployment.md).
LOOPBACK := $(filter 127.0.0.1:% localhost:% [::1]:%,$(HOST))
VIGIL_HTTPS ?= $(if $(LOOPBACK),0,1)
export VIGIL_HTTPS

.PHONY: run dev test setup dev-setup lint test-sqlite test-postgres demo worker reminders benchmark clean

BUILT_CSS := build/static/nhsuk.css

setup: $(VENV)/.installed node_modules/.installed $(BUILT_CSS)

dev-setup: setup $(VENV)/.dev-installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The NHS.UK stylesheet without its web fonts from another origin (frontend/nhsuk.scss).
$(BUILT_CSS): node_modules/.installed frontend/nhsuk.scss
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps frontend/nhsuk.scss $@

run: setup
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	@echo "Vigil is serving on http://$(HOST) with gunicorn (sign in with a demo login above)."
	GUNICORN_START_WORKER=1 $(VENV)/bin/gunicorn --config config/gunicorn.conf.py --bind $(HOST) config.wsgi

# Development: Django's runserver with autoreload and the debug pages.
dev: setup
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Vigil (development, DEBUG on) is serving on http://$(HOST)."
	DEBUG=1 $(PY) manage.py runserver $(HOST)

lint: dev-setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: dev-setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: dev-setup
	@if $(PY) scripts/port_open.py 127.0.0.1 5432; then \
		echo "PostgreSQL answers on 127.0.0.1:5432: running the suite on PostgreSQL"; \
		DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS) --create-db; \
	else \
		echo "No PostgreSQL on 127.0.0.1:5432: PostgreSQL run skipped"; \
	fi

test: lint test-sqlite test-postgres

worker: setup
	$(PY) manage.py run_worker

reminders: setup
	$(PY) manage.py send_reminders

# Every benchmark against a benchmark database next to PG_TEST_URL (created if missing; never a live database).
BENCH_URL ?= $(patsubst %/postgres,%/vigil_bench,$(PG_TEST_URL))
benchmark: dev-setup
	@for bench in returns ratings regions workforce organisations audit reporting signals pages; do \
		echo "== benchmarks/$$bench.py"; \
		DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/$$bench.py || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules var build
