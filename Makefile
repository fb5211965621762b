# Fresh machine: `make test` creates .venv, installs the package with its test extras (and JupyterLab,
# extra lab, for `.venv/bin/jupyter lab notebooks/`), runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install locked chromium test test-lowest typecheck reports regions validate clean

$(VENV)/.installed: pyproject.toml
	@echo "regio_analysis installeren in $(VENV) (pip; de eerste keer ongeveer 3 minuten) ..."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test,lab]' 2> $(VENV)/pip-warnings.log || (cat $(VENV)/pip-warnings.log; exit 1)
	touch $@

install: $(VENV)/.installed

# The reproducible study: every package in exactly the version of uv.lock (hashes checked by uv), all
# extras; the report's cover then says that the environment follows the lock. After a change of the
# dependencies in pyproject.toml: `uv lock` (a test checks that the lock is up to date).
locked:
	@echo "regio_analysis installeren in $(VENV) met de versies van uv.lock ..."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv>=0.5"
	UV_PROJECT_ENVIRONMENT=$(abspath $(VENV)) $(PY) -m uv sync --quiet --frozen --all-extras --inexact
	touch $(VENV)/.installed

# Debian's Chromium prints rapport.pdf and runs the browser check (Playwright's own download is never
# used). Installed with apt-get when missing; its output is shown only when that fails.
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; log="$$(mktemp)"; \
		echo "Chromium installeren (apt-get install chromium) voor de pdf en de browsercontrole ..."; \
		{ $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$$log" 2>&1 \
		|| { cat "$$log" >&2; echo "Chromium installeren mislukt (zie hierboven); rapporten zonder pdf: .venv/bin/regio-analysis batch --alle --geen-pdf" >&2; exit 1; }; \
		rm -f "$$log"; }

test: install chromium
	$(PY) -m pytest

# The model packages type-checked ([tool.mypy] in pyproject.toml names them); .ci/run runs it too.
typecheck: install
	$(PY) -m mypy

# The dependency floors of pyproject.toml: a throw-away venv with every direct dependency at its lowest
# allowed version (uv --resolution lowest-direct) runs a smoke subset of the tests (.ci/run calls it too).
test-lowest:
	bash .ci/lowest

# With DUO's national files fetched (regio-analysis ophalen), the regions with a composition get their DUO
# layer first; without them the reports use the published figures only.
reports: install chromium
	$(VENV)/bin/regio-analysis duo-laag --als-beschikbaar
	$(VENV)/bin/regio-analysis batch --alle --tegelijk 2 --naar reports

regions: install
	$(VENV)/bin/regio-analysis regios

validate: install
	@for r in $$($(PY) -c "from regio_analysis.data.regions import DEFAULT_REGIONS; print(*DEFAULT_REGIONS)"); do \
		$(VENV)/bin/regio-analysis controleren $$r || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
