# Everything a fresh machine needs is set up from here: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Compiled interface translations, built from the committed .po files.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

NODE_STAMP := node_modules/.installed
# e.g. make test PYTEST_ARGS='-m "not browser"' to skip the browser tests.
PYTEST_ARGS ?=
# Empty: every page type the script knows.
LIGHTHOUSE_PAGES ?=
LIGHTHOUSE_PRESETS ?= mobile,desktop
LIGHTHOUSE_MIN ?= 95
# Empty: LIGHTHOUSE_MIN. Performance alone follows a loaded machine's timings.
LIGHTHOUSE_MIN_PERFORMANCE ?=
# Empty: a free port.
LIGHTHOUSE_PORT ?=

.PHONY: install node run serve test fuzz bench loadtest lint format check ci lock clean lighthouse messages

install: $(STAMP) $(MO_FILES)

# Reinstall only when the pinned requirements change, so a second run is fast.
$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required" or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel --quiet compile --domain django --directory locale --locale $*

# Refresh the .po files from the code (needs GNU gettext's xgettext), then
# derive the Traditional Chinese strings from the Simplified.
messages: $(STAMP)
	$(BIN)/python -m manage makemessages --locale zh_Hans --no-obsolete \
		--add-location file --ignore .venv --ignore var --ignore node_modules
	$(BIN)/python -m manage convert_messages

# axe-core and Lighthouse, pinned in package-lock.json, for the browser
# checks only: the site itself has no JavaScript build.
node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

run: install
	DJANGO_DEBUG=1 $(BIN)/python -m manage migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python -m manage load_content
	DJANGO_DEBUG=1 DJANGO_SITE_URL="$${DJANGO_SITE_URL:-http://127.0.0.1:$(PORT)}" \
	$(BIN)/python -m manage runserver 127.0.0.1:$(PORT)

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
	DJANGO_SITE_URL="$${DJANGO_SITE_URL:-http://127.0.0.1:$(PORT)}" \
	PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py awareness.wsgi

test: install node
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lighthouse scores for each page type, mobile and desktop, against a fresh
# production-like server on 127.0.0.1 (see scripts/lighthouse.py).
lighthouse: install node
	$(BIN)/python scripts/lighthouse.py $(if $(LIGHTHOUSE_PAGES),--pages $(LIGHTHOUSE_PAGES)) \
		--presets $(LIGHTHOUSE_PRESETS) --min-score $(LIGHTHOUSE_MIN) \
		$(if $(LIGHTHOUSE_MIN_PERFORMANCE),--min-performance $(LIGHTHOUSE_MIN_PERFORMANCE)) \
		$(if $(LIGHTHOUSE_PORT),--port $(LIGHTHOUSE_PORT))

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
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
