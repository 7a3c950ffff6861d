"""Reports of a finished search: ``report.json``, ``trials.csv``, PNG plots, a text table.

Files written by :func:`write_report` into the job directory:

* ``report.json``: ``status`` (``"completed"`` or ``"failed"`` with the ``error``),
  best hyperparameters, test metrics, objective, timing and worker per trial,
  strategy, library versions, ``warnings`` about job files restored; strict JSON
  (a non-finite number is written as ``null`` and listed under ``"non_finite_values"``).
* ``trials.csv``: one row per trial (id, status, objective, seconds, worker,
  attempts, then one column per hyperparameter).
* ``best_model.keras``: the best model (reload with ``keras.saving.load_model``); none
  for a failed search (an earlier run's is removed).
* ``objective_by_trial.png``: the objective of each trial and the running best.
* ``objective_vs_hparams.png``: the objective against each tuned hyperparameter.

With several objectives (``objectives=``), also:

* ``pareto.csv``: exactly the non-dominated trials (the Pareto front), one row
  each: ``trial_id``, one column per objective, ``chosen`` (1 for the trial the
  selection rule picked, :func:`tuning.oracles.multiobjective.choose`);
* ``pareto.png``: every completed trial, the primary objective against the
  second, with the front drawn over them and the chosen trial marked.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import platform

from zoo.io import NON_FINITE_KEY, jsonable, write_json
from zoo.plots import pyplot, save_figure

logger = logging.getLogger("tuning.report")


def _versions() -> dict:
    import keras
    import keras_tuner

    import zoo
    from zoo import backend

    return {"python": platform.python_version(), **backend.versions(),
            "keras": keras.__version__, "keras_tuner": keras_tuner.__version__,
            "zoo": zoo.__version__}


def build_report(result, *, algorithm, strategy, search_seconds, dataset, workers=0,
                 tuned=None, model=None, task=None, status="completed", error=None,
                 warnings=()) -> dict:
    """The report of ``result`` (a :class:`tuning.search.SearchResult`), as strict JSON.

    Every value is a plain JSON type, and a non-finite number (a diverged trial's
    test loss) is ``None``, listed under ``"non_finite_values"``: the dict equals
    what ``report.json`` holds.

    Args:
        status: ``"completed"``, or ``"failed"`` (no trial completed, the search was
            stopped, the final model diverged: no best model), with ``error`` saying why.
        warnings: What was found damaged in the job directory and restored.

    Returns:
        The report dict (see the module docstring).
    """
    from zoo.distribute import describe

    workers_used = sorted({t["worker"] for t in result.trials if t.get("worker")})
    report = {
        "status": status,
        "error": error,
        "warnings": list(warnings),
        "model": model,
        "dataset": dataset,
        "task": task,
        "algorithm": algorithm,
        "objective": {"name": result.objective, "direction": result.direction},
        "best_hyperparameters": result.best_hyperparameters,
        "best_score": result.top(1)[0]["score"] if result.top(1) else None,
        "test_metrics": result.test_metrics,
        "refit": getattr(result, "refit", None),
        **({"pareto": result.pareto} if getattr(result, "pareto", None) else {}),
        "tuned_hyperparameters": tuned,
        "num_trials": len(result.trials),
        "trials": result.trials,
        "trials_per_worker": {w: sum(t.get("worker") == w for t in result.trials)
                              for w in workers_used},
        "workers": workers,
        "search_seconds": search_seconds,
        "strategy": describe(strategy) if strategy is not None else "default",
        "versions": _versions(),
    }
    notes: list = []
    report = jsonable(report, notes=notes)
    if notes:
        report[NON_FINITE_KEY] = notes
    return report


def write_trials_csv(trials, path) -> None:
    """Write the trial table to ``path`` (one column per hyperparameter)."""
    names = sorted({k for t in trials for k in t["hyperparameters"]})
    fields = ["trial_id", "status", "score", "best_step", "seconds", "worker", "attempts"]
    fields += [k for k in ("cv_std", "cv_scores") if any(k in t for t in trials)]  # cv=K
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(fields + names)
        for t in trials:
            writer.writerow([t.get(k) for k in fields]
                            + [t["hyperparameters"].get(n) for n in names])


def write_pareto_csv(pareto, path) -> None:
    """Write the Pareto front of ``pareto`` (a ``SearchResult.pareto``) to ``path``.

    One row per non-dominated trial: ``trial_id``, one column per objective,
    ``chosen`` (1 for the final model's trial, else 0).
    """
    names = [name for name, _ in pareto["objectives"]]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["trial_id", *names, "chosen"])
        for row in pareto["trials"]:
            if row["pareto"]:
                writer.writerow([row["trial_id"], *(row[n] for n in names),
                                 int(row["trial_id"] == pareto["chosen"])])


def plot_pareto(pareto, path) -> None:
    """Plot every trial's primary objective against its second, the front drawn over them."""
    plt = pyplot()
    (first, _), (second, direction) = pareto["objectives"][:2]
    done = [r for r in pareto["trials"] if r[first] is not None]
    front = sorted((r for r in done if r["pareto"]), key=lambda r: r[second],
                   reverse=direction == "max")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([r[second] for r in done], [r[first] for r in done], "o", color="0.6", alpha=0.7,
            label="trial")
    ax.step([r[second] for r in front], [r[first] for r in front], "-o", where="post",
            color="C3", label="Pareto front")
    chosen = [r for r in done if r["trial_id"] == pareto["chosen"]]
    if chosen:
        ax.plot([chosen[0][second]], [chosen[0][first]], "*", markersize=16, color="C2",
                label=f"chosen (trial {pareto['chosen']})")
    if second in ("params", "flops"):
        ax.set_xscale("log")
    ax.set_xlabel(second)
    ax.set_ylabel(first)
    ax.set_title(f"Pareto front: {first} against {second}")
    ax.legend(loc="best", fontsize=8)
    save_figure(fig, path)


def plot_objective_by_trial(trials, objective, direction, path) -> None:
    """Plot each completed trial's objective and the running best against trial order."""
    plt = pyplot()
    done = [t for t in trials if t["score"] is not None]
    xs = list(range(1, len(done) + 1))
    ys = [t["score"] for t in done]
    best, running = None, []
    for y in ys:
        best = y if best is None else (max(best, y) if direction == "max" else min(best, y))
        running.append(best)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, ys, "o", alpha=0.6, label="trial")
    ax.step(xs, running, where="post", color="C3", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel(objective)
    ax.set_title(f"{objective} by trial")
    ax.legend()
    save_figure(fig, path, dpi=100)


def plot_objective_vs_hparams(trials, objective, path, names=None) -> None:
    """One panel per tuned hyperparameter: the objective against its value."""
    plt = pyplot()
    done = [t for t in trials if t["score"] is not None]
    if names is None:
        names = sorted({k for t in done for k in t["hyperparameters"]
                        if not k.startswith("tuner/")})
    names = [n for n in names if any(n in t["hyperparameters"] for t in done)]
    if not names:
        names = ["(none)"]
    cols = min(4, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    for ax, name in zip(list(axes.flat)[:len(names)], names, strict=True):
        pts = [(t["hyperparameters"][name], t["score"]) for t in done
               if t["hyperparameters"].get(name) is not None]
        if pts and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v, _ in pts):
            ax.plot([v for v, _ in pts], [s for _, s in pts], "o", alpha=0.6)
            if name == "learning_rate":
                ax.set_xscale("log")
        elif pts:
            labels = sorted({str(v) for v, _ in pts})
            ax.plot([labels.index(str(v)) for v, _ in pts], [s for _, s in pts], "o", alpha=0.6)
            ax.set_xticks(range(len(labels)), labels, rotation=30, fontsize=7)
        ax.set_title(name, fontsize=9)
        ax.set_ylabel(objective, fontsize=8)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    save_figure(fig, path, dpi=90)


def format_table(trials, objective, direction, top=10) -> str:
    """A plain-text table of the ``top`` best trials (for the CLI)."""
    from zoo.io import format_table as table

    done = [t for t in trials if t["score"] is not None]
    done.sort(key=lambda t: t["score"], reverse=direction == "max")
    done = done[:top]
    if not done:
        return "(no completed trials)"
    names = [k for k in done[0]["hyperparameters"] if not k.startswith("tuner/")]
    rows = [{"rank": rank, "trial": t["trial_id"], objective: f"{t['score']:.4f}",
             "seconds": None if t.get("seconds") is None else f"{t['seconds']:.1f}",
             "worker": t.get("worker") or "",
             **{n: _short(t["hyperparameters"].get(n)) for n in names}}
            for rank, t in enumerate(done, 1)]
    return table(rows)


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "-" if value is None else str(value)


def write_report(result, directory, *, tuned=None) -> dict:
    """Write ``report.json``, ``trials.csv``, ``best_model.keras`` and the PNGs.

    Args:
        result: A :class:`tuning.search.SearchResult` with ``report`` filled in.
        directory: Output directory (created).
        tuned: Names of the tuned hyperparameters (one plot panel each).

    Returns:
        ``{kind: path}`` of the files written.
    """
    os.makedirs(directory, exist_ok=True)
    paths = {
        "report": os.path.join(directory, "report.json"),
        "trials": os.path.join(directory, "trials.csv"),
        "model": os.path.join(directory, "best_model.keras"),
        "by_trial": os.path.join(directory, "objective_by_trial.png"),
        "vs_hparams": os.path.join(directory, "objective_vs_hparams.png"),
    }
    write_json(paths["report"], result.report)
    write_trials_csv(result.trials, paths["trials"])
    if result.best_model is None:
        if os.path.exists(paths["model"]):  # an earlier run's: it is not this report's model
            os.remove(paths["model"])
    else:
        model = result.best_model
        if model.optimizer is not None and not model.optimizer.built:
            # Reloaded from a weights checkpoint: build the optimizer's slots so the
            # saved file reloads without a variable-count mismatch warning.
            model.optimizer.build(model.trainable_variables)
        model.save(paths["model"])
    plot_objective_by_trial(result.trials, result.objective, result.direction,
                            paths["by_trial"])
    plot_objective_vs_hparams(result.trials, result.objective, paths["vs_hparams"], names=tuned)
    if getattr(result, "pareto", None):
        paths["pareto"] = os.path.join(directory, "pareto.csv")
        paths["pareto_plot"] = os.path.join(directory, "pareto.png")
        write_pareto_csv(result.pareto, paths["pareto"])
        plot_pareto(result.pareto, paths["pareto_plot"])
    logger.debug("report written to %s", directory)  # run_search says it (verbose)
    return paths
