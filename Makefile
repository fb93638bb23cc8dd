# machikoe: `make run` serves the demo, `make test` runs the whole suite; both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app workshop
STAMP := $(VENV)/.installed-stamp

.PHONY: install db demo run test lint browser-deps bench clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the message catalogues of the resident pages, compiled from the .po files kept in git
CATALOGUES := $(wildcard workshop/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ --statistics

install: $(STAMP) $(COMPILED)

# after marking or changing a message: extract them all and update every catalogue
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output \
		--omit-header -o workshop/translations/messages.pot .
	$(BIN)/pybabel update -i workshop/translations/messages.pot -d workshop/translations \
		--no-fuzzy-matching --ignore-obsolete

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

run: demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian's Chromium (and a Japanese font for screenshots) for the browser tests.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi ipa; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; \
		else \
			echo "browser tests need: sudo apt-get install chromium fonts-ipafont-gothic"; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check workshop nlp tests bench
	$(BIN)/ruff format --check workshop nlp tests bench
	$(BIN)/mypy

# two workers (this machine's two cores), each with its own databases, Redis databases and ports;
# the tests on the demo data share one worker, which loads it once (tests/conftest.py)
TEST_WORKERS ?= 2
test: demo browser-deps lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

bench: install
	$(BIN)/python bench/bench_nlp.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
