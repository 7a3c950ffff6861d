"""Shared pytest set-up: quiet TensorFlow, fixed seeds, a fresh Keras session per test.

Backend markers: ``@pytest.mark.tensorflow_only(reason=...)`` runs a test on the
TensorFlow backend only (``KERAS_BACKEND``; TensorFlow is the default) and skips it
elsewhere with that reason. ``@pytest.mark.needs_tensorflow(reason=...)`` runs a test
on every backend where TensorFlow is installed (a ``tf.data`` input to a JAX model)
and skips it where it is not (the GPU machines of ``bench/device_check.sh``).
``needs_jax`` and ``needs_torch`` do the same for a test that starts a JAX or PyTorch
process whatever the backend under test (``make test BACKEND=tensorflow`` installs
neither; the full ``make test`` installs both before its first run). A marker without
a reason is an error. With ``ZOO_STRICT_SKIPS=1`` (CI's JAX and PyTorch runs) any
other skip fails the run.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

import zoo  # noqa: E402, F401 - light; keeps TensorFlow's start-up lines out of the test output

_SKIP_PREFIXES = {"tensorflow_only": "TensorFlow only: ",
                  "needs_tensorflow": "TensorFlow not installed: ",
                  "needs_jax": "JAX not installed: ",
                  "needs_torch": "PyTorch not installed: "}


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected what they will
def pytest_collection_modifyitems(config, items):
    import importlib.util

    import keras

    def missing(module):
        return importlib.util.find_spec(module) is None

    skip_when = {"tensorflow_only": keras.backend.backend() != "tensorflow",
                 "needs_tensorflow": missing("tensorflow"), "needs_jax": missing("jax"),
                 "needs_torch": missing("torch")}
    for item in items:
        for name, prefix in _SKIP_PREFIXES.items():
            marker = item.get_closest_marker(name)
            if marker is None:
                continue
            reason = marker.kwargs.get("reason")
            if not reason:
                raise pytest.UsageError(f"{item.nodeid}: {name} needs reason=...")
            if skip_when[name]:
                item.add_marker(pytest.mark.skip(reason=prefix + reason))
    _run_each_document_once(config, items)


def _run_each_document_once(config, items):
    """A document's fast docs test is part of its slow one (which runs every block, the
    fast ones included, in the same order): where both are selected, only the slow runs."""
    fast, slow = "test_the_docs_code_blocks_run_as_written[", \
        "test_the_docs_code_blocks_run_as_written_slow_ones_included["
    covered = {item.name[len(slow):] for item in items if item.name.startswith(slow)}
    dropped = [item for item in items if item.name.startswith(fast)
               and item.name[len(fast):] in covered]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


_UNEXPECTED_SKIPS = []


def pytest_runtest_logreport(report):
    if report.skipped and os.environ.get("ZOO_STRICT_SKIPS") == "1":
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if not any(reason.startswith("Skipped: " + p) for p in _SKIP_PREFIXES.values()):
            _UNEXPECTED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    if _UNEXPECTED_SKIPS:
        print("\nZOO_STRICT_SKIPS: skips not caused by a backend marker:", *_UNEXPECTED_SKIPS,
              sep="\n  ")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    import keras

    # free_memory=False skips a gc.collect() that costs ~0.2 s per test.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(1234)
    yield
