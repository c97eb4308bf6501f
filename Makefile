# The help desk's commands. `make run` and `make test` work on a fresh clone.
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: setup run test test-fast train eval translations validate bench screenshots audit clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@test -x $(PY) || { python=$$(tools/find_python.sh) && $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt -c constraints.txt
	@touch $@

run: setup
	$(PY) -m tools.stack

train: setup
	$(PY) -m tools.model train

test: setup
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not slow"

# Responses used only by actions and buttons-only intents warn by design;
# tests/test_rasa_project.py fails on the warnings that matter (conflicts).
validate: setup
	$(VENV)/bin/rasa data validate --data data --domain domain.yml --config config.yml

eval: setup
	$(PY) -m tools.eval_nlu

# Extract every user-facing text (domain.yml and Python) and merge it into each
# language's catalogue; translators then fill in the new entries.
translations: setup
	$(VENV)/bin/pybabel extract -F babel.cfg -o locales/messages.pot --no-location --omit-header --sort-output .
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete --no-wrap

# The widget's browser tests (Debian's Chromium), keeping their screenshots in docs/.
screenshots: setup
	HELPDESK_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/test_widget_browser.py tests/test_console_browser.py \
		tests/test_new_user.py -k "widget or console"

# Speed figures (printed; tests check behaviour, not timings).
bench: setup
	$(PY) -m bench.catalogue_search
	$(PY) -m bench.chat_latency

# Known vulnerabilities of the installed packages (pip-audit; accepted ones in config/).
audit: setup
	$(PY) -m tools.audit

clean:
	rm -rf var/rasa var/logs
