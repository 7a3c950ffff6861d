"""The accelerator benchmark's tuning row: trials per minute of the digits CNN search.

The same random search (the zoo's CNN hypermodel, so the same search space and
models; same seed, trials and epochs; early stopping off on both sides, so every
trial trains the same epochs) runs

* with plain keras-tuner (``keras_tuner.RandomSearch`` over the zoo's hypermodel,
  ``tuner.search`` on NumPy arrays: what a user writes without the zoo);
* with ``tuning.run_search`` in one process, and with 1, 2 and 4 local workers (on
  a one-GPU machine the workers share the GPU, each with its share of its memory,
  the job's JAX compilation cache, the data placed on the device;
  ``tuning.accelerator``).

Each search runs in a fresh Python process (``python -m bench.accelerator_tuning
--one ...``), as a user's ``zoo tune`` would, so no search inherits another's
compiled functions, cache settings or GPU memory. A search's time is the
search's own: plain keras-tuner's ``tuner.search`` call, the zoo's
``search_seconds`` (from serving the oracle to the last worker's exit, workers'
start-up included; the final model is not trained: ``refit=False``). The images
are the digits upsampled to 28x28 (nearest neighbour), as in issue 18's figures.

The figures: per-trial seconds and trials per minute of each search; the zoo's
trials per minute over plain keras-tuner's (target 3x with the best number of
workers), and 4 workers over 1 (target 3x). On a CPU the figures say little (the
workers share two cores); the ones that matter come from a GPU
(``bench/device_check.sh``). Not measured on a GPU yet.

Run alone: ``python -m bench.accelerator_tuning [--quick]``; it is also part of
``python -m bench.accelerator``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from bench._timing import compare, summary

TITLE = "Tuning on the accelerator: trials/min, the zoo's workers vs plain keras-tuner"
#: setting -> (trials, epochs, image side, workers, repeats) for full, quick and smoke runs.
#: Workers 0: the zoo's search in one process (no gRPC, no worker start-up).
SIZES = {"full": (16, 8, 28, (0, 1, 2, 4), 1), "quick": (8, 4, 28, (0, 1, 2, 4), 1),
         "smoke": (2, 1, 8, (0, 1, 2), 1)}
TARGET = 3.0


def digits_arrays(side: int):
    """The digits splits with images resized to ``side`` x ``side`` (nearest neighbour)."""
    import numpy as np

    import zoo

    data = zoo.data.load("digits", seed=0, representation="image")
    index = (np.arange(side) * data.x_train.shape[1]) // side

    def resize(x):
        return np.ascontiguousarray(x[:, index][:, :, index])

    return (resize(data.x_train), data.y_train, resize(data.x_val), data.y_val,
            resize(data.x_test), data.y_test)


def plain_search(trials: int, epochs: int, side: int, directory: str) -> float:
    """Plain keras-tuner's search; returns its seconds."""
    import time

    import keras_tuner

    import zoo
    from tuning.hypermodels import get_hypermodel

    arrays = digits_arrays(side)
    dataset = zoo.data.resolve(arrays, fn="bench", input_kind="image")
    hypermodel = get_hypermodel("cnn", dataset, seed=0, epochs=epochs)
    tuner = keras_tuner.RandomSearch(hypermodel, objective="val_accuracy", max_trials=trials,
                                     seed=0, directory=directory, project_name="plain",
                                     overwrite=True)
    start = time.perf_counter()
    tuner.search(arrays[0], arrays[1], validation_data=(arrays[2], arrays[3]), epochs=epochs,
                 verbose=0)
    seconds = time.perf_counter() - start
    if len(tuner.oracle.trials) != trials:
        raise RuntimeError(f"plain keras-tuner ran {len(tuner.oracle.trials)} trials, not "
                           f"{trials}")
    return seconds


def zoo_search(workers: int, trials: int, epochs: int, side: int, directory: str) -> float:
    """``tuning.run_search`` with ``workers`` local workers; returns its ``search_seconds``."""
    from tuning import run_search

    result = run_search("cnn", digits_arrays(side), "random", max_trials=trials,
                        max_epochs=epochs, objective="val_accuracy", patience=epochs,
                        directory=directory, project_name=f"w{workers}", overwrite=True,
                        seed=0, workers=workers, refit=False, write_report=False, verbose=0)
    if len(result.trials) != trials:
        raise RuntimeError(f"the zoo's search ran {len(result.trials)} trials, not {trials}")
    return result.report["search_seconds"]


def _one(which: str, trials: int, epochs: int, side: int) -> dict:
    """One search in this process (``--one``): ``{"which", "seconds"}``."""
    directory = tempfile.mkdtemp(prefix="bench_tuning_")
    if which == "plain":
        seconds = plain_search(trials, epochs, side, directory)
    else:
        seconds = zoo_search(int(which), trials, epochs, side, directory)
    return {"which": which, "seconds": seconds}


def _in_fresh_process(which: str, trials: int, epochs: int, side: int) -> float:
    command = [sys.executable, "-m", "bench.accelerator_tuning", "--one", which, str(trials),
               str(epochs), str(side)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600,
                          env=dict(os.environ, PYTHONUNBUFFERED="1"))
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bench.accelerator_tuning: the {which} search failed "
                           f"(exit {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])["seconds"]


def run(quick: bool = False, *, smoke: bool = False) -> dict:
    """Time the searches; return the row's results (see the module docstring).

    Args:
        quick: 8 trials of 4 epochs (full: 16 of 8).
        smoke: 2 trials of 1 epoch on 8x8 images, one process, 1 and 2 workers (the
            test suite).

    Returns:
        ``{"results": [...], "details": {name: {"seconds", "per_trial_s", "trials_per_min"}}}``.
    """
    trials, epochs, side, workers, repeats = SIZES["smoke" if smoke else
                                                  "quick" if quick else "full"]
    names = ["plain", *(str(n) for n in workers)]
    seconds = {name: [] for name in names}
    for _ in range(repeats):
        for name in names:  # interleaved, each in a fresh process
            seconds[name].append(_in_fresh_process(name, trials, epochs, side))
    per_min = {name: [60.0 * trials / s for s in values] for name, values in seconds.items()}
    details = {name: {"seconds": summary(seconds[name]),
                      "per_trial_s": summary([s / trials for s in seconds[name]]),
                      "trials_per_min": summary(per_min[name])} for name in names}
    note = (f"digits CNN, random search, {trials} trials x {epochs} epochs, {side}x{side} "
            "images; each search in a fresh process")
    results = []
    for n in workers:
        label = "one process" if n == 0 else f"{n} worker" + ("s" if n > 1 else "")
        results.append(compare(f"tuning: zoo with {label} / plain keras-tuner, trials/min",
                               str(n), "plain", per_min, unit="trials/min", target=TARGET,
                               note=note))
    if max(workers) > 1 and 1 in workers:
        most = str(max(workers))
        results.append(compare(f"tuning: {most} workers / 1 worker on one device, trials/min",
                               most, "1", per_min, unit="trials/min", target=TARGET,
                               note=note))
    return {"results": results, "details": details}


def _main(argv) -> int:
    if argv[:1] == ["--one"]:
        which, trials, epochs, side = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
        print(json.dumps(_one(which, trials, epochs, side)), flush=True)
        return 0
    from bench.__main__ import print_rows

    row = run(quick="--quick" in argv, smoke="--smoke" in argv)
    print_rows([dict(row, row="accelerator-tuning", title=TITLE)])
    for name, figures in row["details"].items():
        print(f"  {name:>5}: {figures['per_trial_s']['median']:.2f} s a trial, "
              f"{figures['trials_per_min']['median']:.1f} trials/min")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
