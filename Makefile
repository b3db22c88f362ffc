# make run   install the runtime into .venv, migrate, serve with gunicorn on 127.0.0.1:$PORT (5000)
#            with a job worker beside it (both stopped together)
# make test  install the runtime and the test tools into .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test bench-small bench-large clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(RUNTIME)

$(DEV): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME) $(DEV)

# One process in front (make passes SIGTERM to it): it migrates, runs gunicorn and the job worker
# and stops them, and
# the embedded PostgreSQL after it.
run: $(RUNTIME)
	$(BIN)/flask --app wsgi serve

test: $(DEV)
	$(BIN)/ruff check photoshare bench tests wsgi.py
	$(BIN)/python -m pytest

bench-small: $(DEV)
	$(BIN)/python -m bench.run --scale small

bench-large: $(DEV)
	$(BIN)/python -m bench.run --scale large --reuse

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
