# `make demo` and `make test` work on a fresh machine with only Python 3.10+:
# both create .venv when missing and install the package with its dev extras.
#
#   make test                  the suite on TensorFlow (all of it), then on JAX and on
#                              PyTorch (the non-slow tests): what CI runs
#   make test BACKEND=jax      one backend: tensorflow | jax | torch
#   make test-fast             the non-slow tests on TensorFlow
#   make test WORKERS=0        in one process (default: one pytest-xdist worker a core, at most 4)
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
BACKEND ?=
# PyTorch's CPU build; a bare `torch` from PyPI is a CUDA build of several GB.
TORCH   ?= torch==2.13.0
# The suite runs in one worker process a core (pytest-xdist, at most 4: each holds a few GB);
# on 2 cores that is about 1.5x faster than one process. WORKERS=0 runs it in this process.
WORKERS ?= auto
PYTEST  := $(BIN)/python -m pytest -q -rs -n $(WORKERS) --maxprocesses 4 --dist worksteal
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: demo test test-fast test-tensorflow test-jax test-torch lint bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the package metadata changes.
$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(VENV)/.installed-jax: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,jax]"
	touch $@

$(VENV)/.installed-torch: $(STAMP)
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	touch $@

demo: $(STAMP)
	$(BIN)/python -m zoo.demo --out runs/demo

# JAX and PyTorch go in first: the TensorFlow run includes the tests that start JAX and
# PyTorch processes (marked needs_jax / needs_torch; skipped where those are missing).
ifeq ($(BACKEND),)
test: $(VENV)/.installed-jax $(VENV)/.installed-torch test-tensorflow test-jax test-torch
else
test: test-$(BACKEND)
endif

# On JAX and PyTorch the only skips allowed are the tests marked tensorflow_only.
test-tensorflow: $(STAMP)
	KERAS_BACKEND=tensorflow $(PYTEST) --durations=15

# A persistent compilation cache for the run: tests compile the same small models again and
# again, and XLA's compile time is most of a JAX test's (10.8 min instead of 14.7 on 2 cores).
JAX_TEST_CACHE := JAX_COMPILATION_CACHE_DIR=$(abspath $(VENV))/jax-test-cache \
	JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=0

test-jax: $(VENV)/.installed-jax
	KERAS_BACKEND=jax ZOO_STRICT_SKIPS=1 $(JAX_TEST_CACHE) $(PYTEST) -m "not slow" --durations=10

# PASSIVE: PyTorch's OpenMP threads would spin while pytest's subprocesses wait (zoo.backend).
# JAX too: a few tests start JAX worker processes whatever the backend under test.
test-torch: $(VENV)/.installed-torch $(VENV)/.installed-jax
	KERAS_BACKEND=torch OMP_WAIT_POLICY=PASSIVE ZOO_STRICT_SKIPS=1 $(PYTEST) -m "not slow" --durations=10

test-fast: $(STAMP)
	$(PYTEST) -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check zoo tuning tests examples bench

bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

clean:
	rm -rf runs .pytest_cache .ruff_cache build *.egg-info
