"""Row 9: time to 99% validation accuracy on the digits CNN, ASHA against Hyperband.

Both algorithms search the zoo's CNN hypermodel on digits (objective
``val_accuracy``, ``max_epochs=27``, reduction factor 3: the zoo's Hyperband
default, 70 trials, and ASHA gets the same 70, promotions included), with 1 and
with 2 local workers, one search per seed. The figure of a search is the wall
time from calling ``run_search`` to the end of the first trial whose validation
accuracy reaches 99% (then the search hands out no new trial, as a user would
stop it). A search that never reaches 99% in its budget counts as infinitely slow: the median of the
seeds is then the median with those as the largest values, and the note says
how many searches reached the target. Per worker count the ratio is the median
Hyperband time over the median ASHA time (above 1: ASHA is faster), with the
min-max of the per-seed ratios. Target (issue 17): ASHA no later than
Hyperband with 2 workers (ratio >= 1).

The full run is 5 seeds (``ZOO_BENCH_SEEDS=N`` runs N instead, recorded in the
row's notes); ``--quick``: 1 seed with 1 worker.

Run alone: ``python -m bench.asha_vs_hyperband [--quick]``.
"""

from __future__ import annotations

import contextlib
import math
import os
import statistics
import sys
import tempfile
import time

TITLE = "Time to 99% validation accuracy on the digits CNN: ASHA vs Hyperband"
TARGET_ACCURACY = 0.99
MAX_EPOCHS = 27
ETA = 3
SEEDS = 5


def time_to_target(algorithm: str, workers: int, seed: int, *, dataset, directory: str,
                   trials: int):
    """Seconds from the search's start to its first trial at 99% validation accuracy.

    Returns:
        ``(seconds or None when never reached, the search's whole seconds)``.
    """
    from bench.distributed_tuning import _quiet_stdout
    from tuning import _compat, run_search

    reached, clocks = [], []
    start = time.perf_counter()

    def progress(row):
        if not reached and row["score"] is not None and row["score"] >= TARGET_ACCURACY:
            reached.append(time.perf_counter() - start)
            # Reached: hand out no new trial (those running finish), as a user would stop.
            _compat.cap_trials(clocks[-1].oracle, len(clocks[-1].oracle.trials))

    extra = ({"tuner_kwargs": {"min_epochs": 1, "reduction_factor": ETA}, "max_trials": trials}
             if algorithm == "asha" else {"factor": ETA})
    with _quiet_stdout(), _record_clocks(clocks):
        run_search("cnn", dataset, algorithm, objective="val_accuracy", max_epochs=MAX_EPOCHS,
                   directory=directory, project_name=f"{algorithm}_{workers}_{seed}",
                   overwrite=True, seed=seed, workers=workers, write_report=False,
                   refit=False, verbose=0, progress=progress, **extra)
    total = time.perf_counter() - start
    return (reached[0] if reached else None), total


@contextlib.contextmanager
def _record_clocks(clocks):
    """Collect the search's trial clock (it holds the oracle that owns the search)."""
    from tuning import job

    init = job.TrialClock.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        clocks.append(self)

    job.TrialClock.__init__ = recording
    try:
        yield
    finally:
        job.TrialClock.__init__ = init


def _median(values):
    """Median with ``None`` (never reached) as infinity."""
    return statistics.median([math.inf if v is None else v for v in values])


def _summary(values):
    finite = [v for v in values if v is not None]
    median = _median(values)
    return {"median": None if math.isinf(median) else median,
            "min": min(finite) if finite else None, "max": None if None in values or not finite
            else max(finite), "n": len(values)}


def run(quick: bool = False, *, smoke: bool = False) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes"}``.

    Args:
        quick: 1 seed, 1 worker.
        smoke: 1 seed, 1 worker, ``max_epochs`` 2 (a test of the plumbing only).
    """
    global MAX_EPOCHS
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import zoo
    from tuning.config import hyperband_budget

    seeds = 1 if quick or smoke else int(os.environ.get("ZOO_BENCH_SEEDS", SEEDS))
    worker_counts = (1,) if quick or smoke else (1, 2)
    saved, MAX_EPOCHS = MAX_EPOCHS, (2 if smoke else MAX_EPOCHS)
    trials = hyperband_budget(MAX_EPOCHS, ETA)
    dataset = zoo.data.load("digits", representation="image", seed=0)
    times = {}
    totals = {}
    try:
        with tempfile.TemporaryDirectory(prefix="zoo_bench_asha_") as tmp:
            for seed in range(seeds):  # interleaved: each seed on every side in turn
                for workers in worker_counts:
                    for algorithm in ("hyperband", "asha"):
                        got, total = time_to_target(algorithm, workers, seed, dataset=dataset,
                                                    directory=tmp, trials=trials)
                        times.setdefault((algorithm, workers), []).append(got)
                        totals.setdefault((algorithm, workers), []).append(total)
                        print(f"bench row 9: {algorithm}, {workers} worker(s), seed {seed}: "
                              f"99% after {got} s, search {total:.1f} s", file=sys.stderr,
                              flush=True)
    finally:
        MAX_EPOCHS = saved
    return row(times, totals, seeds=seeds, trials=trials,
               max_epochs=2 if smoke else MAX_EPOCHS)


def row(times, totals, *, seeds, trials, max_epochs=MAX_EPOCHS) -> dict:
    """The row from the measurements: ``{(algorithm, workers): [seconds or None per seed]}``
    to 99% and for the whole search.

    Example:
        >>> row({("hyperband", 1): [30.0], ("asha", 1): [20.0]},
        ...     {("hyperband", 1): [31.0], ("asha", 1): [21.0]}, seeds=1, trials=70)["row"]
        9
    """
    worker_counts = sorted({workers for _, workers in times})
    results = []
    for workers in worker_counts:
        hb, asha = times[("hyperband", workers)], times[("asha", workers)]
        m_hb, m_asha = _median(hb), _median(asha)
        per_seed = [h / a for h, a in zip(hb, asha, strict=True)
                    if h is not None and a is not None]
        ratio = m_hb / m_asha if math.isfinite(m_hb) and math.isfinite(m_asha) else None
        target = 1.0 if workers == 2 else None
        results.append({
            "name": f"{workers} worker{'s' if workers > 1 else ''}: time to 99% val accuracy, "
                    "Hyperband / ASHA",
            "a": "asha", "b": "hyperband", "unit": "x",
            "ratio": {"median": ratio, "min": min(per_seed) if per_seed else None,
                      "max": max(per_seed) if per_seed else None, "n": len(hb)},
            "a_summary": _summary(asha), "b_summary": _summary(hb), "side_unit": "s",
            "target": target, "target_text": ">= 1" if target else None,
            "met": None if target is None else (ratio >= target if ratio is not None
                                                else math.isfinite(m_asha) or None),
            "note": (f"median seconds to 99%: ASHA {_fmt(m_asha)}, Hyperband {_fmt(m_hb)}; "
                     f"reached by {sum(a is not None for a in asha)}/{len(asha)} ASHA and "
                     f"{sum(h is not None for h in hb)}/{len(hb)} Hyperband searches (budget "
                     f"{trials} trials); whole searches took a median "
                     f"{statistics.median(totals[('asha', workers)]):.0f} s (ASHA) and "
                     f"{statistics.median(totals[('hyperband', workers)]):.0f} s (Hyperband), "
                     "stopping once reached"),
            "details": {"asha_seconds": asha, "hyperband_seconds": hb,
                        "asha_total_seconds": totals[("asha", workers)],
                        "hyperband_total_seconds": totals[("hyperband", workers)]}})
    return {"row": 9, "title": TITLE, "results": results,
            "notes": [f"{seeds} seed(s) per algorithm and worker count (seeds 0-{seeds - 1}: "
                      f"the search's and the weights'; the data split of seed 0), "
                      f"max_epochs={max_epochs}, reduction factor {ETA}, "
                      f"{trials} trials each; the time counts from the run_search call (data, "
                      "start-up of the worker processes included) to the end of the first "
                      "trial at >= 99% validation accuracy (270 validation images)"]}


def _fmt(seconds):
    return "never" if math.isinf(seconds) else f"{seconds:.1f}"


if __name__ == "__main__":  # pragma: no cover
    from bench.__main__ import print_rows

    print_rows([run(quick="--quick" in sys.argv)])
