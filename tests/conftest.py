"""Shared pytest set-up: quiet TensorFlow, fixed seeds, a fresh Keras session per test.

Backend markers: ``@pytest.mark.tensorflow_only(reason=...)`` runs a test on the
TensorFlow backend only (``KERAS_BACKEND``; TensorFlow is the default) and skips it
elsewhere with that reason. A marker without a reason is an error. With
``ZOO_STRICT_SKIPS=1`` (CI's JAX and PyTorch runs) any other skip fails the run.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

import zoo  # noqa: E402, F401 - light; keeps TensorFlow's start-up lines out of the test output


def pytest_collection_modifyitems(config, items):
    import keras

    backend = keras.backend.backend()
    for item in items:
        marker = item.get_closest_marker("tensorflow_only")
        if marker is None:
            continue
        reason = marker.kwargs.get("reason")
        if not reason:
            raise pytest.UsageError(f"{item.nodeid}: tensorflow_only needs reason=...")
        if backend != "tensorflow":
            item.add_marker(pytest.mark.skip(reason=f"TensorFlow only: {reason}"))


_UNEXPECTED_SKIPS = []


def pytest_runtest_logreport(report):
    if report.skipped and os.environ.get("ZOO_STRICT_SKIPS") == "1":
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if not reason.startswith("Skipped: TensorFlow only:"):
            _UNEXPECTED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    if _UNEXPECTED_SKIPS:
        print("\nZOO_STRICT_SKIPS: skips other than tensorflow_only:", *_UNEXPECTED_SKIPS,
              sep="\n  ")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    import keras

    # free_memory=False skips a gc.collect() that costs ~0.2 s per test.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(1234)
    yield
