# The two commands: `make run` (service on SQLite with demo data) and `make test` (the test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
DEMO_COUNT ?= 1200
WORKERS ?= 2

.PHONY: install setup models run test lint format bench browser clean translations lock worker

# Development installs the locked runtime + test/tool set; a production install needs requirements.lock only.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

models: install
	$(FLASK) ml ensure-models

# Byte-compile the app as pip does the libraries (a no-op when done; start-ups then never compile it, even with
# PYTHONDONTWRITEBYTECODE set), then one start-up checks cheaply what is missing (models, migrations, reference
# and demo data) and does only that.
setup: install
	$(BIN)/python -m compileall -q app config.py wsgi.py
	$(FLASK) prepare --demo-count $(DEMO_COUNT)

# gunicorn.conf.py preloads the app and its models once; the workers share them (README "Production").
# The demo logins are printed once, last, when the server answers, with the address to open.
run: install
	$(FLASK) prepare --demo-count $(DEMO_COUNT) --no-logins
	@( until $(BIN)/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(PORT)/healthz', timeout=2)" \
	    2>/dev/null; do sleep 1; done; logins="$$($(FLASK) users demo)"; \
	  printf '\n%s\n\nOpen http://localhost:$(PORT)/ and sign in with a demo login above.\n\n' "$$logins" ) & \
	exec $(BIN)/gunicorn --config gunicorn.conf.py --bind 0.0.0.0:$(PORT) --workers $(WORKERS) --threads 4 \
	  --access-logfile - wsgi:app

# A queue worker for jobs (README "Jobs"): needs JOB_BROKER_URL (Redis); without it jobs run inside `make run`.
worker: install
	$(FLASK) jobs worker

# Headless Chromium and its driver for the browser tests (Debian packages; needs root or sudo).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  ( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
	    || echo "chromium not installed: browser tests will be skipped" )

test: install models browser
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install models
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/ml_bench.py
	$(BIN)/python bench/http_bench.py

# Page strings: extract from code and templates, merge into each catalog, compile (README "Languages").
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
	  -o app/translations/messages.pot .
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(BIN)/pybabel -q compile -d app/translations

# Re-resolve every transitive version after changing requirements.txt or requirements-dev.txt.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python tools/lock_requirements.py requirements.txt requirements.lock
	$(BIN)/python tools/lock_requirements.py requirements-dev.txt requirements-dev.lock

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache .ruff_cache
