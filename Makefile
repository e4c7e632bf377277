# Apik Market — `make run` serves the demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql://postgres@127.0.0.1/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run run-xendit lint format test test-sqlite test-postgres test-redis translations extract-messages bench clean screenshots

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d marketplace/translations -f -q 2>/dev/null || $(BIN)/pybabel compile -d marketplace/translations -f

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot --no-location --sort-output --no-wrap .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching --no-wrap

# The web server and one job worker (mail, the order clock, E-Smart); stopping the server
# (Ctrl-C) stops the worker too.
run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) demo load
	@$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --port $(PORT)

# The same demo with QRIS, virtual accounts and e-wallets through a fake Xendit on
# XENDIT_FAKE_PORT: its page (http://127.0.0.1:8900/) pays each open payment request and
# sends the notification, as Xendit would (plugins/xendit/README.md).
XENDIT_FAKE_PORT ?= 8900
run-xendit: $(VENV)/.installed translations
	@$(BIN)/python -m tests.fakes.xendit_server --port $(XENDIT_FAKE_PORT) \
		--callback http://127.0.0.1:$(PORT)/webhooks/xendit & fake=$$!; \
	trap 'kill $$fake 2>/dev/null' EXIT INT TERM; \
	XENDIT_API_BASE=http://127.0.0.1:$(XENDIT_FAKE_PORT) \
	XENDIT_SECRET_KEY=xnd_development_apik_fake_0123456789 \
	XENDIT_CALLBACK_TOKEN=apik-fake-callback-token-0123456789 $(MAKE) run

# Lint: ruff (rules and formatting), mypy and the import-linter contracts, all configured in
# pyproject.toml (and .importlinter). `make format` rewrites what ruff can fix by itself.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@if [ -f .importlinter ]; then $(BIN)/lint-imports; \
	else echo "!!! No .importlinter: the import contracts were not checked."; fi

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The lint runs first. Then the SQLite pass and the PostgreSQL pass run at the same time, one
# per core (the PostgreSQL pass's output goes to test-artifacts/postgresql.log and is printed
# when it ends), then the Redis pass (tests marked `redis`, with REDIS_URL set). The PostgreSQL
# pass runs when a server answers at PG_TEST_URL, the Redis pass when one answers at
# REDIS_TEST_URL; without a server a pass is skipped loudly, except in CI, where both must run.
# Any pass failing fails the target. `make test-sqlite` / `test-postgres` run one pass alone.
test: lint $(VENV)/.installed-dev translations
	@mkdir -p test-artifacts; rm -f test-artifacts/postgresql.log; pg=""; failed=0; \
	if $(BIN)/python tests/pg_available.py "$(PG_TEST_URL)"; then \
		echo "=== PostgreSQL pass ($(PG_TEST_URL)) started beside the SQLite pass ==="; \
		TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/python -m pytest -q $(PYTEST_ARGS) \
			> test-artifacts/postgresql.log 2>&1 & pg=$$!; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL) and CI=true: failing." >&2; exit 1; \
	else \
		echo ""; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! PostgreSQL pass SKIPPED: no server at $(PG_TEST_URL). Only SQLite was tested."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi; \
	echo "=== SQLite pass ==="; \
	$(BIN)/python -m pytest -q $(PYTEST_ARGS) || failed=1; \
	if $(BIN)/python tests/redis_available.py "$(REDIS_TEST_URL)"; then \
		echo "=== Redis pass ($(REDIS_TEST_URL)): tests marked redis ==="; \
		REDIS_URL="$(REDIS_TEST_URL)" $(BIN)/python -m pytest -q -m redis $(PYTEST_ARGS) || failed=1; \
	elif [ "$$CI" = "true" ]; then \
		echo "Redis is not reachable at $(REDIS_TEST_URL) and CI=true: failing." >&2; failed=1; \
	else \
		echo "!!! Redis pass SKIPPED: no server at $(REDIS_TEST_URL)."; \
	fi; \
	if [ -n "$$pg" ]; then \
		wait $$pg || failed=1; \
		echo "=== PostgreSQL pass ($(PG_TEST_URL)) ==="; cat test-artifacts/postgresql.log; \
	fi; \
	exit $$failed

test-sqlite: $(VENV)/.installed-dev translations
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev translations
	TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The whole suite with rate limits (and caches) in Redis.
test-redis: $(VENV)/.installed-dev translations
	REDIS_URL="$(REDIS_TEST_URL)" $(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The phone walk (every page of every role at 360 and 390 px), then the README's chosen
# screenshots copied to docs/screenshots/; they are copied even when the walk reports problems.
screenshots: $(VENV)/.installed-dev translations
	-$(BIN)/python -m pytest -q tests/e2e/test_phone_walk.py
	$(BIN)/python scripts/copy_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache

# The benchmark suite (bench/README.md). Full size is 500 stores x 200 products;
# e.g. make bench BENCH_ARGS="--stores 100 --products-per-store 100 --db sqlite"
BENCH_ARGS ?=
bench: $(VENV)/.installed translations
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Only the cold-path table of issue #23 (bench/README.md, step 8): pages with the page cache off,
# under load and rendered alone with every cache empty; e.g. make bench-cold BENCH_ARGS="--db sqlite"
.PHONY: bench-cold
bench-cold: $(VENV)/.installed translations
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py --cold-only $(BENCH_ARGS)

# The expo opening under load (bench/README.md, "Expo opening"): visitors, shoppers
# and sellers at once on PostgreSQL and SQLite; e.g. make bench-expo EXPO_ARGS="--db sqlite --duration 30"
.PHONY: bench-expo
EXPO_ARGS ?=
bench-expo: $(VENV)/.installed translations
	$(BIN)/python bench/expo_load.py $(EXPO_ARGS)
