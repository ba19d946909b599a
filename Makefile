# Two commands matter: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app diaspora
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
MO := translations/vi/LC_MESSAGES/messages.mo translations/en/LC_MESSAGES/messages.mo

.PHONY: run test lint format translations compile-translations migrate db seed clean help fuzz

help:
	@echo "make run    - set up everything and serve the app on http://$(HOST):$(PORT)"
	@echo "make test   - set up and run the whole test suite (SQLite, then PostgreSQL if TEST_DATABASE_URL is set)"
	@echo "make lint   - ruff check, format check and bandit"
	@echo "make translations - extract, update and compile the catalogs"
	@echo "make fuzz   - bounded atheris fuzz run of the import parser (FUZZ_SECONDS=120)"

$(PY):
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d translations -l $* --statistics 2>&1 | tail -n 1

compile-translations: $(MO)

db: $(STAMP) compile-translations
	$(FLASK) db upgrade
	$(FLASK) seed reference
	$(FLASK) search rebuild --if-stale

run: db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(STAMP) compile-translations
	@mkdir -p test-results
	env -u TEST_DATABASE_URL $(VENV)/bin/pytest -q -p no:cacheprovider --junitxml=test-results/sqlite.xml
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		DIASPORA_TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(VENV)/bin/pytest -q -p no:cacheprovider -m "not browser" --junitxml=test-results/postgresql.xml; \
	fi

FUZZ_SECONDS ?= 120
FUZZ_RUNS ?= 200000

# Optional: atheris is not needed by `make test`; installed here on first use.
fuzz: $(STAMP) compile-translations
	@$(PY) -c "import atheris" 2>/dev/null || $(PIP) install --quiet -e '.[fuzz]'
	$(PY) bench/fuzz_import.py -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -r diaspora config.py -c pyproject.toml

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--ignore-dirs '.*' --project diaspora --omit-header -o translations/messages.pot diaspora templates
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(PY) -m diaspora.i18n_tools fill-english translations/en/LC_MESSAGES/messages.po
	$(VENV)/bin/pybabel compile -d translations --statistics

migrate: $(STAMP)
	$(FLASK) db migrate -m "$(or $(m),schema change)"

clean:
	rm -rf $(VENV) test-results .pytest_cache
