# faprep: two commands. `make demo` sets up and runs the sample case; `make test` sets up and tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install demo test test-fast browser lint fmt docs bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# CPU torch pinned first: an unpinned torch would pull the multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,eval,bench,openai,ollama]'
	$(BIN)/faprep model   # verify the model's sha256 and prepare its ONNX runtime once
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/faprep demo --folder sample_case --port $(PORT)

# Lint, format and types first (seconds), then the browser the UI tests drive, then every tier.
test: install lint browser
	$(BIN)/python -m pytest -q -rs

# The unit tier alone: no model loaded, under a minute (docs/testing.md).
test-fast: install
	$(BIN)/python -m pytest -q -rs -m unit

# Debian's Chromium for the browser tests, installed when missing and the machine allows it (root, or
# passwordless sudo, with apt-get); otherwise say how, and go on: the browser tests are then skipped,
# and fail under CI=true (tests/e2e/conftest.py).
CHROMIUM := /usr/bin/chromium
APT_CHROMIUM := apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
browser:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "chromium is missing and there is no apt-get: install Debian's chromium at $(CHROMIUM) with your package manager; the browser tests are skipped until then (under CI=true they fail)" >&2; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		sh -c '$(APT_CHROMIUM)' || echo "could not install chromium: the browser tests are skipped (under CI=true they fail)" >&2; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo -n sh -c '$(APT_CHROMIUM)' || echo "could not install chromium: the browser tests are skipped (under CI=true they fail)" >&2; \
	else \
		echo "chromium is missing: install it with 'sudo apt-get install chromium' (or your package manager); the browser tests are skipped until then (under CI=true they fail)" >&2; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m assistant.docgen --check

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: install
	$(BIN)/python -m assistant.docgen

eval: install
	$(BIN)/faprep eval

bench: install
	$(BIN)/python -m evaluation.bench.ingest_bench
	$(BIN)/python -m evaluation.bench.ask_bench --rounds 5
	$(BIN)/python -m evaluation.bench.load_bench --askers 20 --seconds 30
	$(BIN)/python -m evaluation.bench.records_bench --rows 10000,100000,1000000
	$(BIN)/python -m evaluation.bench.lexical_bench --chunks 1000,10000,100000
	$(BIN)/python -m evaluation.bench.law_bench
	$(BIN)/python -m evaluation.bench.checks_bench --rows 10000,100000,1000000 --cores 2 \
		--shapes many:docs,many:none,few:docs,few:none --json > bench-checks.json
	$(BIN)/python -m evaluation.bench.retrieval_bench --chunks 1000,10000,100000 --json > bench-retrieval.json
	$(BIN)/python -m evaluation.bench.plot bench-checks.json --out docs/scaling.png \
		--retrieval bench-retrieval.json --retrieval-out docs/retrieval-scaling.png

clean:
	rm -rf $(VENV) .faprep sample_case .pytest_cache bench-checks.json bench-retrieval.json
