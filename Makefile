# Two commands: `make run` (set up and serve on http://127.0.0.1:8000) and `make test`.
# Both create the virtualenv on first use. Defaults are the embedded set-up: SQLite under var/,
# Celery eager, mail to files under var/mail/. Set DATABASE_URL / REDIS_URL to use real services.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)

# Production-like values for `check --deploy`: never used to serve anything.
DEPLOY_ENV := DEBUG=false HTTPS=true ALLOWED_HOSTS=kvo.example.nl SITE_URL=https://kvo.example.nl \
	STATIC_MANIFEST=false SECRET_KEY=deploy-check-$(shell echo kvo | md5sum | cut -c1-32)-x9Tq7LmZ2vR4pW8sK1nB

.PHONY: run test setup lint migrations-check translations deploy-check layers compose-check \
	messages demo bench bench-dashboard bench-alerts load backup restore clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)
	$(PY) scripts/compile_messages.py

run: setup
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: setup
	DEBUG=true KVO_VAR_DIR=var/check $(PY) manage.py makemigrations --check --dry-run

translations: setup
	$(PY) scripts/check_translations.py

deploy-check: setup
	DEBUG=true KVO_VAR_DIR=var/check $(PY) manage.py check --fail-level WARNING
	$(DEPLOY_ENV) KVO_VAR_DIR=var/check $(PY) manage.py check --deploy --fail-level WARNING

layers: setup
	$(VENV)/bin/lint-imports --no-cache

# Validates docker-compose.yml where docker-compose exists (CI installs it).
compose-check:
	@if command -v docker-compose >/dev/null 2>&1; then \
		SECRET_KEY=x POSTGRES_PASSWORD=x SIGNED_LINK_SECRET=x docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml OK"; \
	elif [ "$$CI" = "true" ]; then echo "docker-compose missing in CI"; exit 1; \
	else echo "SKIP compose check: docker-compose not installed"; fi

# Two workers (pytest-xdist), as the machines have two cores; each takes the next test when it is
# done, so the long ones (the upgrade, the demo, the page sweep) run beside the rest.
TEST_WORKERS ?= 2
test: setup lint migrations-check translations deploy-check layers compose-check
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal

# Extract new strings into locale/nl (needs GNU gettext); then translate them in the .po file.
messages: setup
	DEBUG=true $(PY) manage.py makemessages --locale nl --no-location --ignore 'var/*' --ignore '.venv/*'

demo: setup
	DEBUG=true $(PY) manage.py seed_demo

# Issue 9's table (bench/README.md): each row a ratio of two figures measured side by side in one
# run, on throwaway databases (PostgreSQL on 127.0.0.1 where a bench needs it); figures in
# test-artifacts/bench/, the table printed at the end and kept as summary-<time>.json.
bench: setup
	$(PY) bench/query_ratio.py
	$(PY) bench/gallery.py
	$(PY) bench/gallery_photos.py
	$(PY) bench/dashboard_national.py
	$(PY) bench/bulletin_fanout.py
	$(PY) bench/photo_intake.py
	$(PY) bench/report_pdf.py
	$(PY) bench/summary.py

# The worst case the table leaves out: one partnership holding 1,000 to 1,000,000 incidents.
bench-dashboard: setup
	$(PY) bench/dashboard.py

# Alerts in seconds (issue 19): a sighting to 300 devices through a real worker on Redis.
bench-alerts: setup
	$(PY) bench/alert_push.py

# Load test: gunicorn on PostgreSQL on loopback, driven by locust (bench/load.py).
load: setup
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) bench/load.py

# Backups (docs/backups.md). The environment is taken as is, like `make run`; DEBUG defaults to
# true only when the environment does not set it, so the laptop set-up needs no SECRET_KEY while a
# server's DEBUG=false (and its SECRET_KEY) is respected.
backup: setup
	DEBUG=$${DEBUG:-true} $(PY) manage.py backup $(if $(BACKUP_DIR),--output-dir "$(BACKUP_DIR)")

restore: setup
	@if [ -z "$(BACKUP)" ]; then \
		echo "Usage: make restore BACKUP=var/backups/kvo-YYYYMMDDTHHMMSSZ [FORCE=1]" >&2; exit 2; fi
	DEBUG=$${DEBUG:-true} $(PY) manage.py restore "$(BACKUP)" $(if $(FORCE),--force)

clean:
	rm -rf var/ .pytest_cache .ruff_cache
