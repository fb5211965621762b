# Fresh machine: `make test` creates .venv, installs the package with its test extras, runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install test reports regions validate clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]' 2> $(VENV)/pip-warnings.log || (cat $(VENV)/pip-warnings.log; exit 1)
	touch $@

install: $(VENV)/.installed

test: install
	$(PY) -m pytest

reports: install
	$(VENV)/bin/regio-analysis batch --all --jobs 2 --out reports

regions: install
	$(VENV)/bin/regio-analysis regions

validate: install
	@for r in $$($(PY) -c "from regio_analysis.data.regions import DEFAULT_REGIONS; print(*DEFAULT_REGIONS)"); do \
		$(VENV)/bin/regio-analysis validate $$r || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
