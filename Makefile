# Two commands on a fresh machine: `make demo` and `make test`. Both bootstrap the environment.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen
PORT ?= 8000

.PHONY: env demo test dev serve bench sample clean lock

env: .venv/.synced

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups
	@touch $@

demo: env
	$(RUN) terbuka demo

test: env
	$(RUN) pytest

dev: env
	$(RUN) terbuka dev

serve: env
	$(RUN) terbuka serve --port $(PORT)

bench: env
	$(RUN) python tests/bench.py

lock: | $(UV)
	$(UV) lock

clean:
	rm -rf site state
