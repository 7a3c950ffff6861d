"""Row 10: cross-validated trials (``cv=5``) against one validation split, on wine.

On a small tabular data set one validation split picks hyperparameters partly by
luck, so the configuration a search chooses, and the test accuracy of its final
model, change with the search's seed. This row runs the same random search of
the FNN hypermodel over scikit-learn's wine data (178 samples, bundled with
scikit-learn: no download) with ``cv=5`` and with one validation split, for
several search seeds each, on one fixed stratified split (60% train, 20%
validation, 20% test; features standardised with the training statistics), and
compares the spread (standard deviation) of the final models' test accuracies.

Run alone: ``python -m bench.cv_selection [--quick]``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time

TITLE = "Cross-validated trials: cv=5 vs one validation split (wine)"
#: The FNN corner searched: two widths, depth, learning rate, dropout.
FIXED = {"batch_norm": False, "l2": 0.0, "kernel_initializer": "he_normal",
         "optimizer": "adam", "schedule": "constant", "batch_size": 32}
RANGES = {"units": [16, 64], "hidden_layers": (1, 2), "learning_rate": (1e-3, 3e-2),
          "dropout": (0.0, 0.5), "activation": ["relu", "tanh"]}


def wine_arrays(seed: int = 0):
    """``(x_train, y_train, x_val, y_val, x_test, y_test)`` of wine, standardised."""
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    x, y = load_wine(return_X_y=True)
    x = x.astype("float32")
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, stratify=y,
                                                      random_state=seed)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.25,
                                                      stratify=y_rest, random_state=seed)
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    scale = [(a - mean) / std for a in (x_train, x_val, x_test)]
    return (scale[0], y_train.astype("int64"), scale[1], y_val.astype("int64"),
            scale[2], y_test.astype("int64"))


def search(cv, seed, *, trials, epochs, directory) -> dict:
    """One random search; returns the final model's test accuracy and the choice."""
    from tuning import HyperFNN, run_search

    data = wine_arrays()
    hm = HyperFNN((data[0].shape[1],), 3, fixed=FIXED, ranges=RANGES, seed=seed)
    start = time.perf_counter()
    result = run_search(hm, data, "random", max_trials=trials, max_epochs=epochs, cv=cv,
                        seed=seed, patience=epochs, objective="val_loss",
                        directory=directory, overwrite=True, write_report=False, verbose=0)
    best = result.tuner.oracle.get_best_trials(1)[0].hyperparameters
    return {"test_accuracy": result.test_metrics["accuracy"],
            "chosen_accuracy": chosen_accuracy(best, data, result.refit["epochs"]),
            "chosen": {k: v for k, v in result.best_hyperparameters.items()
                       if k in RANGES},
            "seconds": round(time.perf_counter() - start, 1)}


def chosen_accuracy(hp, data, epochs, seeds=(0, 1, 2)) -> float:
    """The chosen configuration's own test accuracy: the mean over ``seeds`` of models
    trained on train+validation with it (the search seed's weights left out)."""
    import numpy as np

    from tuning import HyperFNN

    x = np.concatenate([data[0], data[2]])
    y = np.concatenate([data[1], data[3]])
    scores = []
    for seed in seeds:
        hm = HyperFNN((x.shape[1],), 3, fixed=FIXED, ranges=RANGES, seed=seed,
                      train_size=len(x), epochs=epochs)
        model = hm.build(hp)
        hm.fit(hp, model, x, y, epochs=epochs, verbose=0)
        scores.append(model.evaluate(data[4], data[5], return_dict=True, verbose=0)["accuracy"])
    return float(np.mean(scores))


def _summary(values):
    """The spread of ``values`` as a figure (one number: min = median = max)."""
    spread = statistics.pstdev(values)
    return {"median": spread, "min": spread, "max": spread, "n": len(values)}


def run(quick: bool = False, *, smoke: bool = False) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes", "details"}``.

    Args:
        quick: 3 seeds, 4 trials of 10 epochs.
        smoke: 2 seeds, 1 trial of 2 epochs, cv=2 (test suite).
    """
    seeds, trials, epochs, folds = ((2, 1, 2, 2) if smoke else (3, 4, 10, 5) if quick
                                    else (5, 4, 10, 5))
    runs = {"cv": [], "split": []}
    with tempfile.TemporaryDirectory(prefix="zoo_bench_cv_") as tmp:
        for seed in range(seeds):
            for kind, cv in (("cv", folds), ("split", None)):
                runs[kind].append(search(cv, seed, trials=trials, epochs=epochs,
                                         directory=f"{tmp}/{kind}{seed}"))
    results = []
    for key, what in (("chosen_accuracy", "the chosen configuration's test accuracy"),
                      ("test_accuracy", "the final model's test accuracy")):
        acc = {k: [r[key] for r in v] for k, v in runs.items()}
        spread = {k: statistics.pstdev(v) for k, v in acc.items()}
        ratio = spread["split"] / spread["cv"] if spread["cv"] else float("inf")
        mean = {k: statistics.fmean(v) for k, v in acc.items()}
        seconds = {k: sum(r["seconds"] for r in v) for k, v in runs.items()}
        results.append(
            {"name": f"spread of {what} over {seeds} search seeds: one split / cv={folds}",
             "unit": "x", "ratio": {"median": ratio, "min": ratio, "max": ratio, "n": seeds},
             "a": "one split", "b": f"cv={folds}", "side_unit": "std of test accuracy",
             "a_summary": _summary(acc["split"]), "b_summary": _summary(acc["cv"]),
             "target": 1.0, "target_text": "> 1 (cv varies less)", "met": ratio > 1.0,
             "note": f"std {spread['split']:.4f} with one split vs {spread['cv']:.4f} with "
                     f"cv={folds}; mean {mean['split']:.4f} vs {mean['cv']:.4f}; search time "
                     f"{seconds['split']:.0f} s vs {seconds['cv']:.0f} s"})
    return {"row": 10, "title": TITLE, "results": results, "details": runs,
            "notes": [f"random search of the FNN hypermodel over wine ({trials} trials of "
                      f"{epochs} epochs, objective val_loss, searched {sorted(RANGES)}), "
                      f"search seeds 0-{seeds - 1}, one fixed 60/20/20 stratified split; "
                      "the final model is refit on train+validation (the search seed seeds "
                      "its weights too) and evaluated on the 36 test samples; the chosen "
                      "configuration's accuracy is the mean of 3 such models with weight "
                      "seeds 0-2, so it changes only with the choice"]}


def _main(argv) -> int:
    from bench.__main__ import print_rows

    row = run(quick="--quick" in argv)
    print_rows([row])
    print(json.dumps(row["details"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
