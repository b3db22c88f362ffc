# make run   install into .venv, migrate the embedded database, serve on 127.0.0.1:5000
# make test  install into .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench-small bench-large clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/ruff check photoshare bench tests wsgi.py
	$(BIN)/python -m pytest

bench-small: $(STAMP)
	$(BIN)/python bench/run.py --scale small

bench-large: $(STAMP)
	$(BIN)/python bench/run.py --scale large --reuse

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
