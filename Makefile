# Two commands for a fresh machine:  make demo  (the whole pipeline on the demo corpus)
#                                    make test  (the test suite)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip

.PHONY: demo test bench install clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/qualcode demo --out demo-out

test: install
	$(PY) -m pytest

bench: install
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) demo-out bench-out
