"""Row 5: the same search with 1 and 2 local workers (keras-tuner's chief/worker mode).

``tuning.run_search(..., workers=N)`` serves the oracle from this process and
starts N worker processes, each limited to ``cpu_count // N`` TensorFlow threads.
Both sides run the identical random search (same seed, trials and epochs) over
the digits CNN hypermodel, interleaved; the figure is the wall time of 1 worker
divided by that of 2 workers, which includes each worker's start-up (about 3 s,
mostly importing TensorFlow) because a user pays it too. That fixed cost is why
the ratio grows with the length of the search: the full run uses 24 trials of 2
epochs (about 20 s of training), short for a real search. Target: at least 1.6x.

Run alone: ``python -m bench.distributed_tuning [--quick]``.
"""

from __future__ import annotations

import os
import statistics
import tempfile

from bench._timing import compare, paired, timed

TITLE = "Distributed tuning: the same search with 2 local workers vs 1"
TARGET = 1.6


def search(workers: int, *, trials: int, epochs: int, directory: str, dataset, seed: int = 0):
    """Run the search once with ``workers`` local workers; return ``(seconds, result)``."""
    from tuning import run_search

    box = {}

    def go():
        box["result"] = run_search("cnn", dataset, "random", max_trials=trials,
                                   max_epochs=epochs, objective="val_accuracy",
                                   directory=directory, project_name=f"w{workers}",
                                   overwrite=True, seed=seed, workers=workers,
                                   write_report=False)

    with _quiet_stdout():
        seconds = timed(go)
    return seconds, box["result"]


class _quiet_stdout:
    """Send file descriptor 1 (ours and the worker processes') to /dev/null for a while.

    keras-tuner's workers print a progress block per trial; the benchmark table
    should stay readable.
    """

    def __enter__(self):
        import sys

        sys.stdout.flush()
        self.saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)

    def __exit__(self, *exc):
        import sys

        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)


def run(quick: bool = False, *, smoke: bool = False) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes"}``.

    Args:
        quick: 1 pair of 4-trial searches (full: 3 pairs of 24 trials, 2 epochs each).
        smoke: 1 pair of 2-trial, 1-epoch searches.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import zoo

    pairs, trials, epochs = (1, 2, 1) if smoke else (1, 4, 2) if quick else (3, 24, 2)
    dataset = zoo.data.load("digits", representation="image", seed=0)
    per_trial = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="zoo_bench_dist_") as tmp:

        def measure(workers):
            def once():
                seconds, result = search(workers, trials=trials, epochs=epochs,
                                         directory=os.path.join(tmp, f"w{workers}"),
                                         dataset=dataset)
                per_trial[workers] += [t["seconds"] for t in result.trials
                                       if t.get("seconds") is not None]
                return seconds
            return once

        runs = paired({"2 workers": measure(2), "1 worker": measure(1)}, pairs, warmup=0)
    row = compare(f"random search, {trials} trials x {epochs} epochs: wall time 1 worker / 2",
                  "2 workers", "1 worker", runs, unit="s", higher_is_better=False,
                  target=TARGET,
                  note=f"median trial {statistics.median(per_trial[1]):.1f}s with 1 worker "
                       f"({os.cpu_count()} threads) vs {statistics.median(per_trial[2]):.1f}s "
                       f"with 2 ({max(1, (os.cpu_count() or 1) // 2)} thread each)"
                  if per_trial[1] and per_trial[2] else "")
    return {"row": 5, "title": TITLE, "results": [row],
            "notes": [f"{pairs} interleaved pair(s) (each search is tens of seconds); wall "
                      "time includes starting the worker processes"]}


if __name__ == "__main__":  # pragma: no cover
    import sys

    from bench.__main__ import print_rows

    print_rows([run(quick="--quick" in sys.argv)])
