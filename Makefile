# Everything a fresh machine needs is set up from here: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run serve test fuzz bench loadtest lint format check ci lock clean

install: $(STAMP)

# Reinstall only when the pinned requirements change, so a second run is fast.
$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required" or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: install
	DJANGO_DEBUG=1 $(BIN)/python -m manage migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python -m manage load_content
	DJANGO_DEBUG=1 $(BIN)/python -m manage runserver 127.0.0.1:$(PORT)

# Production-like on this machine: gunicorn, static files from whitenoise,
# debugging off. Plain HTTP on 127.0.0.1, so DJANGO_HTTPS defaults to 0 here;
# behind a TLS proxy set DJANGO_HTTPS=1 (see Deployment in the README).
serve: install
	$(BIN)/python -m manage collectstatic --no-input --verbosity 0
	$(BIN)/python -m manage migrate --no-input
	$(BIN)/python -m manage load_content
	DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_HTTPS="$${DJANGO_HTTPS:-0}" \
	PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py awareness.wsgi

test: install
	$(BIN)/python -m pytest

# Property-based fuzzing of every POST endpoint, 10,000 examples each.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -p no:randomly -m fuzz

# Throughput of the main pages against a bare-Django floor (needs wrk).
bench: install
	$(BIN)/python -m bench.run

# 60 s of scripted learners on gunicorn and PostgreSQL, then again while a
# worker is killed: nothing the server acknowledged may be lost.
loadtest: install
	$(BIN)/python -m bench.loadtest

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djhtml --check templates

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djhtml templates

check: install
	$(BIN)/python -m manage check
	$(BIN)/python -m manage makemigrations --check --dry-run

ci: lint check test

# Regenerate the pinned requirements from pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --group dev --python-version 3.11 -o requirements-dev.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
