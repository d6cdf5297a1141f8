# Tap N Take — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test install install-dev migrate seed lint bench clean mutate vendor

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed

install-dev: $(VENV)/.dev-installed

## make run: embedded mode — SQLite, local-memory cache, eager Celery, console SMS, sandbox Razorpay, demo data.
run: install
	scripts/ensure-gettext.sh
	$(PY) scripts/messages.py compile
	DEBUG=1 $(PY) manage.py migrate --noinput
	if DEBUG=1 $(PY) manage.py help seed_demo >/dev/null 2>&1; then DEBUG=1 $(PY) manage.py seed_demo; fi
	DEBUG=1 $(PY) manage.py vapid_dev_keys
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

## make test: throwaway PostgreSQL + Redis on loopback, Chromium and gettext if missing, lint, checks, every test.
test: install-dev
	scripts/ensure-chromium.sh
	scripts/ensure-gettext.sh
	scripts/with-services.sh scripts/test-steps.sh $(PYTEST_ARGS)

## make mutate: the mutation gate (scripts/mutants.py) on PostgreSQL + Redis; fails if a mutant survives. Not part of make test.
mutate: install-dev
	scripts/with-services.sh $(PY) scripts/mutate.py $(MUTATE_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

## make bench: gunicorn + Celery + PostgreSQL + Redis on loopback, driven by wrk; see bench/README.md.
bench: install-dev
	$(PIP) install -q -r bench/requirements.txt
	scripts/with-services.sh $(PY) bench/run.py

## make vendor: refresh the vendored browser files (static/vendor/, and the tests' axe-core in tests/vendor/) from the npm registry. Not part of make run/test.
ALPINE_CSP_VERSION ?= 3.17.4
JSQR_VERSION ?= 1.4.0
AXE_CORE_VERSION ?= 4.14.1
vendor:
	@command -v npm >/dev/null || { echo "make vendor needs npm"; exit 1; }
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent @alpinejs/csp@$(ALPINE_CSP_VERSION) >/dev/null && tar xzf alpinejs-csp-*.tgz) && \
	  version=$$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$$tmp/package/package.json") && \
	  cp "$$tmp/package/dist/module.esm.min.js" static/vendor/alpinejs/alpine-csp.esm.js && \
	  printf '%s\n' "@alpinejs/csp $$version" \
	    "file: dist/module.esm.min.js of the npm package, copied as alpine-csp.esm.js" \
	    "source: https://registry.npmjs.org/@alpinejs/csp (refresh with \`make vendor\`)" \
	    "licence: MIT (see LICENSE)" > static/vendor/alpinejs/VERSION && \
	  echo "static/vendor/alpinejs: @alpinejs/csp $$version"
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent jsqr@$(JSQR_VERSION) >/dev/null && tar xzf jsqr-*.tgz) && \
	  version=$$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$$tmp/package/package.json") && \
	  cp "$$tmp/package/dist/jsQR.js" static/vendor/jsqr/jsQR.js && \
	  cp "$$tmp/package/LICENSE" static/vendor/jsqr/LICENSE && \
	  printf '%s\n' "jsqr $$version" \
	    "file: dist/jsQR.js of the npm package (UMD: sets self.jsQR when loaded as a module)" \
	    "source: https://registry.npmjs.org/jsqr (refresh with \`make vendor\`)" \
	    "licence: Apache-2.0 (see LICENSE)" > static/vendor/jsqr/VERSION && \
	  echo "static/vendor/jsqr: jsqr $$version"
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent axe-core@$(AXE_CORE_VERSION) >/dev/null && tar xzf axe-core-*.tgz) && \
	  version=$$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$$tmp/package/package.json" | head -n 1) && \
	  cp "$$tmp/package/axe.min.js" tests/vendor/axe-core/axe.min.js && \
	  cp "$$tmp/package/LICENSE" tests/vendor/axe-core/LICENSE && \
	  printf '%s\n' "axe-core $$version" \
	    "file: axe.min.js of the npm package; only the browser tests load it (tests/a11y.py), it is never served" \
	    "source: https://registry.npmjs.org/axe-core (refresh with \`make vendor\`)" \
	    "licence: MPL-2.0 (see LICENSE)" > tests/vendor/axe-core/VERSION && \
	  echo "tests/vendor/axe-core: axe-core $$version"

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3
