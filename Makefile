# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export QT_QUICK_BACKEND ?= software

.PHONY: install run test test-fast bench soak screenshots build lint i18n clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) -m ui.syslibs
	$(PY) -m kiosk demo

# Two workers, one test file each at a time: much of the suite waits on subprocesses, servers
# and kills, so two cores finish it in about half the time (TEST_WORKERS=0 runs it in one).
TEST_WORKERS ?= 2
test: install
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test-fast: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m "not slow"

bench: install
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --write docs/BENCHMARKS.md

# 2,000 citizen sessions through the real app (SOAK_SESSIONS=300 for a shorter run); writes
# the "Soak" section of docs/BENCHMARKS.md.  Fails when a vital sign grew past its target.
soak: install
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.soak --write docs/BENCHMARKS.md

screenshots: install
	KIOSK_ALL_SCREENSHOTS=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/ui/test_screenshots.py -q

lint: install
	$(VENV)/bin/lint-imports

# The catalogues (kiosk/locale/*/LC_MESSAGES/kiosk.po) are kept by hand, grouped by screen with
# translators' notes: `pybabel update` would re-sort all of them.  This lists what a new text
# still needs in each language (add those entries by hand, near their screen's).
i18n: install
	$(PY) -m pytest -q -p no:xdist tests/kiosk/test_i18n.py

build: install
	$(PY) -m pip install -q -e '.[build]'
	$(VENV)/bin/pyinstaller --noconfirm --clean kiosk.spec
	du -sh dist/kiosk

clean:
	rm -rf build dist .pytest_cache
