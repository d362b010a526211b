# Motivator developer commands. `make dev` runs the local stack; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
EXTRAS ?= dev,cdk,web
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)

export PATH := $(abspath $(BIN)):$(PATH)
export REFLEX_USE_NPM := 1

.PHONY: dev test lint typecheck install bench soak clean

$(STAMP):
	@test -x $(BIN)/python || { echo "==> creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> installing motivator[$(EXTRAS)] (pinned by constraints.txt)"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet --progress-bar off -c constraints.txt -e ".[$(EXTRAS)]"
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

dev: $(STAMP)
	$(BIN)/motivator dev $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m devtools.bench $(ARGS)

# Not part of `make test` (tests/integration/test_soak.py is its short version): make soak ARGS="--chats 16 --turns 50"
soak: $(STAMP)
	$(BIN)/python -m devtools.soak $(ARGS)

clean:
	rm -rf $(VENV) .motivator cdk.out
