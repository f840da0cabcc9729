# vigil — the two commands a new user needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
VIGIL := $(VENV)/bin/vigil
PYTHON ?= python3

.PHONY: setup pulumi tools demo test test-fast lint typecheck bench clean

## setup: .venv with pinned dependencies + the Pulumi CLI (cached build; idempotent)
setup: $(VENV)/.installed pulumi tools

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@mkdir -p $(VENV)/vigil-dev && ln -sfn ../.. $(VENV)/vigil-dev/vigil  # `vigil` = this checkout
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	@touch $@

pulumi:
	@bash scripts/ensure-pulumi.sh >/dev/null

tools:
	@bash scripts/ensure-actionlint.sh >/dev/null
	@bash scripts/ensure-chromium.sh >/dev/null

## demo: the Conductor stack on the local sandbox, then what was created
demo: setup
	$(VIGIL) sandbox start
	$(VIGIL) up --env sandbox --yes
	$(VIGIL) outputs --env sandbox

## test: the whole suite (real Pulumi engine, real HTTP to the emulators), one file per worker
## at a time (each worker has its own sandbox; module-scoped deployments stay on one worker); then
## the contract tests alone: their coverage is bounded by a time budget, so they must not share the CPU
TEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile -m "not contract"
	$(PY) -m pytest -q -p no:cacheprovider -m contract

test-fast: setup
	$(PY) -m pytest -q -m "not engine"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy reads the checkout through the link, so every module is named vigil.… (one name per file)
PACKAGES := core data monitors alerts components spec program engine probes commands render sandbox drill sla importer
typecheck: setup
	$(VENV)/bin/mypy $(addprefix $(VENV)/vigil-dev/vigil/,$(PACKAGES) cli.py) bench stacks tests

## bench: printed tables (API calls, wall time, ratio against the engine floor)
bench: setup
	$(PY) -m bench

clean:
	-$(VIGIL) sandbox stop
	rm -rf .vigil
