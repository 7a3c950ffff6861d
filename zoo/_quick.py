"""``ZOO_QUICK=1``: smoke runs of every zoo job, without editing a command or a script.

With the environment variable ``ZOO_QUICK`` set (to anything but ``0`` or empty),
the jobs train at most :data:`MAX_EPOCHS` epochs and a search runs at most
:data:`MAX_TRIALS` trials: ``zoo.train``, ``zoo.compare``, ``zoo.generate``,
``tuning.run_search`` and the ``zoo`` commands over them. Each cap applied is
logged as a warning naming the setting, so a short run never passes for a real
one. The test suite runs every code block of the README and of ``docs/`` this
way (``tests/test_docs.py``); use it for a quick check of your own pipeline:
``ZOO_QUICK=1 python my_script.py``.

Keras' own ``model.fit(epochs=...)`` is not changed.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("zoo")

#: The environment variable.
ENV = "ZOO_QUICK"
#: Most epochs a job trains with ``ZOO_QUICK`` set.
MAX_EPOCHS = 2
#: Most trials a search runs with ``ZOO_QUICK`` set.
MAX_TRIALS = 2


def enabled() -> bool:
    """Whether ``ZOO_QUICK`` is set (to anything but ``""`` or ``"0"``).

    Example:
        >>> os.environ["ZOO_QUICK"] = "1"; enabled()
        True
    """
    return os.environ.get(ENV, "").strip() not in ("", "0")


def cap(fn: str, name: str, value, limit: int):
    """``value``, or ``limit`` when ``ZOO_QUICK`` is set and ``value`` is above it.

    Args:
        fn: The job, for the warning (``"train"``, ``"run_search"``...).
        name: The setting capped.
        value: Its validated value (an int, or ``None`` for "no limit").
        limit: The cap.

    Returns:
        The value to use.

    Example:
        >>> cap("train", "epochs", 30, MAX_EPOCHS)  # with ZOO_QUICK=1
        2
    """
    if not enabled() or (value is not None and value <= limit):
        return value
    logger.warning("%s: %s=1 caps %s at %d (asked: %s)", fn, ENV, name, limit,
                   "no limit" if value is None else value)
    return limit
