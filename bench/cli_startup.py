"""Row 7: how fast the command line answers when it has no training to do.

``zoo --help``, ``zoo list``, ``zoo --version``, ``zoo train --help`` and a refused
argument (``zoo train resnet``) each run in a fresh interpreter, as a user types
them; the figure is the wall time from process start to exit (median over the
runs, min-max), against the target of 0.5 s. ``python -c "import zoo"`` is
measured too, and ``python -c "import keras"`` as the reference for what a
backend import would add. The runs of the commands are interleaved, so a busy
stretch of the machine spreads over all of them.

``python -m bench.cli_startup`` prints the row.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench._timing import summary

TITLE = "Command line: answers without a backend (wall time)"
ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5

#: name -> the arguments after ``python``; each answered in a fresh interpreter.
COMMANDS = {
    "zoo --help": ["-m", "zoo.cli", "--help"],
    "zoo list": ["-m", "zoo.cli", "list"],
    "zoo --version": ["-m", "zoo.cli", "--version"],
    "zoo train --help": ["-m", "zoo.cli", "train", "--help"],
    "zoo train resnet (refused)": ["-m", "zoo.cli", "train", "resnet", "--out", "unused"],
    "python -c 'import zoo'": ["-c", "import zoo"],
}
#: What importing the backend costs, for scale (not a target).
REFERENCE = {"python -c 'import keras' (reference)": ["-c", "import keras"]}


def wall_time(args) -> float:
    """Seconds from starting ``python ARGS`` in the project root to its exit."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                   timeout=300, check=False)
    return time.perf_counter() - start


def run(quick: bool = False, *, smoke: bool = False) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes"}``.

    Args:
        quick: 3 runs of each command instead of 10.
        smoke: 1 run each (the test suite).
    """
    repeats = 1 if smoke else 3 if quick else 10
    times = {name: [] for name in (*COMMANDS, *REFERENCE)}
    for r in range(repeats):
        names = list(COMMANDS) if r % 2 == 0 else list(COMMANDS)[::-1]
        for name in names:
            times[name].append(wall_time(COMMANDS[name]))
    for name, args in REFERENCE.items():
        times[name] = [wall_time(args) for _ in range(1 if smoke else 3)]
    results = []
    for name, values in times.items():
        figure = summary(values)
        target = None if name in REFERENCE else TARGET_SECONDS
        results.append({
            "name": name, "unit": "s", "value": figure, "target": target,
            "target_text": None if target is None else f"<= {target} s",
            "met": None if target is None else figure["median"] <= target,
            "note": "runs: " + ", ".join(f"{v:.2f}" for v in values)})
    return {"row": 7, "title": TITLE, "results": results,
            "notes": [f"each command in a fresh `{Path(sys.executable).name}` process from "
                      "the project root, wall time to exit; the commands interleaved, "
                      f"{repeats} run(s) each"]}


if __name__ == "__main__":
    from bench.__main__ import print_rows

    print_rows([dict(run(quick="--quick" in sys.argv), status="ok", seconds=0)])
