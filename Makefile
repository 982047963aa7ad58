# Two commands on a fresh machine: `make demo` and `make test`. Both bootstrap the environment.
SHELL := /bin/bash
# uv: the one on PATH, else one an earlier bootstrap put in ~/.local/bin, else our own under .venv-uv/.
UV_HOME := $(CURDIR)/.venv-uv
ifndef UV
UV := $(or $(shell command -v uv 2>/dev/null),$(wildcard $(HOME)/.local/bin/uv),$(UV_HOME)/bin/uv)
endif
RUN := $(UV) run --frozen
PORT ?= 8000
REGIONS ?= 100

.PHONY: env demo test dev serve bench sample clean lock

env: .venv/.synced

# Install uv from PyPI (no other network), trying in turn:
#   1. a private venv in .venv-uv/ (never touches the system or user Python; works on an
#      externally managed Python, PEP 668, as on Debian and Ubuntu, when python3-venv is there);
#   2. pip --user, then plain pip (a Python that is not externally managed, or an active venv);
#   3. pip --user --break-system-packages (Debian without python3-venv: uv has no dependencies,
#      and a --user install leaves the system's own packages alone).
# Whichever worked, .venv-uv/bin/uv ends up being (or pointing at) the uv to use.
$(UV_HOME)/bin/uv:
	@mkdir -p $(UV_HOME)/bin; log=$(UV_HOME)/bootstrap.log; : > $$log; \
	pip="-m pip install --quiet --disable-pip-version-check"; \
	if python3 -m venv $(UV_HOME) >>$$log 2>&1 && $(UV_HOME)/bin/python $$pip uv >>$$log 2>&1; then \
	  echo "uv installed in $(UV_HOME)/"; \
	elif python3 $$pip --user uv >>$$log 2>&1 || python3 $$pip uv >>$$log 2>&1 \
	    || python3 $$pip --user --break-system-packages uv >>$$log 2>&1; then \
	  ln -sf "$$(python3 -c 'import uv; print(uv.find_uv_bin())')" $@ && echo "uv installed with pip: $$(readlink $@)"; \
	else \
	  cat $$log >&2; \
	  echo "Could not install uv with python3 -m venv or python3 -m pip (see above)." >&2; \
	  echo "Install python3-venv (Debian/Ubuntu: apt-get install python3-venv) or uv itself, then run make again." >&2; \
	  exit 1; \
	fi
	@test -x $@

# With bytecode: otherwise, where PYTHONDONTWRITEBYTECODE is set (CI, containers), every command
# compiles the modules it imports first (about 1,850 for a publish, +12 s). Compiled here, once.
.venv/.synced: pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen --all-groups --all-extras --compile-bytecode
	@touch $@

demo: env
	$(RUN) terbuka demo

test: env
	$(RUN) pytest

dev: env
	$(RUN) terbuka dev

serve: env
	$(RUN) terbuka serve --port $(PORT)

# Long measurements, never part of `make test`: BENCH_ROWS=100000,1000000 (default 100k, 1M and 5M rows)
# limits the file sizes; the fan-out runs REGIONS regions' files with 1, 2 and REGIONS workers.
# See BENCHMARKS.md for the figures and what they mean.
bench: env
	$(RUN) python -m bench
	$(RUN) python -m bench.fanout --regions $(REGIONS) --workers 1,2,N --forkserver

lock: | $(UV)
	$(UV) lock

# Removes only what can be rebuilt from the repository and PyPI:
#   .venv/ (`make env` recreates it from uv.lock) and .venv-uv/ (uv itself, reinstalled from PyPI),
#   caches (__pycache__, .pytest_cache, .ruff_cache, .mypy_cache), test-artifacts/ (test output)
#   and state/preview/ (the portal preview, rendered again from the releases).
# It never touches site/ (published versions must not change or disappear), inbox/ (files not yet
# processed) or the rest of state/ (raw snapshots, releases, quarantine, archive, Dagster history):
# those are the officers' records. To start a workspace from nothing, move those away by hand.
clean:
	rm -rf .venv .venv-uv .pytest_cache .ruff_cache .mypy_cache test-artifacts state/preview
	find . -path ./site -prune -o -path ./state -prune -o -path ./inbox -prune -o \
	    -type d -name __pycache__ -prune -exec rm -rf {} +
