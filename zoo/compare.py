"""Controlled experiments: train every combination of a few settings over several seeds.

:func:`compare` is the library side of ``zoo compare``: it takes a registered model,
a data set and a grid of values to vary (``{"activation": ["relu", "tanh"]}``),
runs :func:`zoo.training.train` for every combination (the cartesian product) and
every seed, and summarises each combination by its primary validation metric
(mean and standard deviation across seeds), the epochs it took to reach a target
value, its test metric and its wall time. With ``out_dir`` it writes
``results.json`` (every run with its history), ``results.csv`` (one row per
combination) and ``learning_curves.png`` (the mean validation curve of each
combination).

Any factory argument of the model (``activation``, ``kernel_initializer``,
``hidden_units``, ``batch_norm``, ``dropout``...) or training argument
(``optimizer``, ``learning_rate``, ``loss``, ``batch_size``, ``schedule``,
``patience``, ``reduce_lr``) can be varied; ``data.<option>`` varies a data-loader
option (``data.outlier_fraction``).
"""

from __future__ import annotations

import csv
import inspect
import itertools
import logging
import math
import re
import sys
import time
from pathlib import Path

import numpy as np

from zoo import _quick as quick
from zoo._validate import (
    check_choice,
    check_number,
    check_output_dir,
    check_positive_int,
    suggest,
)
from zoo.io import show_progress

logger = logging.getLogger("zoo.compare")

__all__ = ["TRAIN_KEYS", "allowed_keys", "compare", "format_run", "format_summary", "parse_vary",
           "plot_curves", "write_results"]

#: ``train`` arguments that can be varied (besides the model's factory arguments).
TRAIN_KEYS = ("optimizer", "learning_rate", "loss", "batch_size", "schedule", "patience",
              "reduce_lr")
# Factory arguments fixed by the data set or by compare itself.
_RESERVED = {"input_shape", "task", "num_classes", "num_outputs", "seed", "compile",
             "compile_kwargs", "name", "metrics", "optimizer", "learning_rate", "loss"}
# Metrics where lower is better.
_LOWER_IS_BETTER = ("loss", "mae", "mse", "rmse", "mean_absolute_error", "mean_squared_error",
                    "perplexity", "crossentropy")


def allowed_keys(model: str) -> list[str]:
    """The keys :func:`compare` can vary for registered model ``model``.

    Example:
        >>> "activation" in allowed_keys("fnn") and "schedule" in allowed_keys("fnn")
        True
    """
    from zoo.registry import get_spec

    params = inspect.signature(get_spec(model).factory).parameters
    factory = [p for p, v in params.items()
               if p not in _RESERVED and v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL)]
    return sorted(set(factory) | set(TRAIN_KEYS))


_DIMS = re.compile(r"^\d+(x\d+)+$")


def _parse_alternative(text: str):
    from zoo.io import parse_value

    text = text.strip()
    if _DIMS.match(text):
        return tuple(int(v) for v in text.split("x"))
    return parse_value(text)


def parse_vary(text: str) -> tuple[str, list]:
    """Read one ``--vary KEY=V1,V2,...`` option into ``(key, [values])``.

    Alternatives are separated by commas, or by ``|`` when any value is itself a
    tuple: ``hidden_units=64,32|128`` gives ``[(64, 32), 128]``. A value written
    ``64x32`` is the tuple ``(64, 32)`` too, so ``hidden_units=64x32,128`` is the
    same. Values are read as numbers, booleans (``true``/``false``), ``none`` or
    strings.

    Raises:
        ValueError: no ``=``, an empty key or no values.

    Example:
        >>> parse_vary("learning_rate=1e-3,1e-2")
        ('learning_rate', [0.001, 0.01])
        >>> parse_vary("hidden_units=64x32|128")
        ('hidden_units', [(64, 32), 128])
    """
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ValueError(f"--vary expects KEY=V1,V2,..., received {text!r}")
    separator = "|" if "|" in values else ","
    alternatives = [_parse_alternative(v) for v in values.split(separator) if v.strip()]
    if not alternatives:
        raise ValueError(f"--vary {key}: no values given, received {text!r}")
    return key, alternatives


def _check_vary(fn: str, model: str, vary, train_kwargs: dict) -> dict:
    if not isinstance(vary, dict) or not vary:
        raise TypeError(f"{fn}: `vary` must be a non-empty dict {{key: [values]}}, "
                        f"received vary={vary!r}")
    allowed = allowed_keys(model)
    clean = {}
    for key, values in vary.items():
        if not isinstance(key, str):
            raise TypeError(f"{fn}: `vary` keys must be strings, received {key!r}")
        if key.startswith("data.") and len(key) > 5:
            pass
        elif key not in allowed:
            raise ValueError(
                f"{fn}: cannot vary {key!r} for model {model!r}; allowed keys: "
                f"{', '.join(allowed)} (or data.<loader option>).{suggest(key, allowed)}")
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(f"{fn}: `vary[{key!r}]` must be a list of values, "
                            f"received {values!r}")
        values = list(values)
        if not values:
            raise ValueError(f"{fn}: `vary[{key!r}]` must hold at least one value")
        if key in train_kwargs or (key in _RESERVED and key not in TRAIN_KEYS):
            raise ValueError(f"{fn}: {key!r} is both varied and fixed; remove it from the "
                             "fixed training arguments")
        model_kwargs = train_kwargs.get("model_kwargs") or {}
        data_options = train_kwargs.get("data_options") or {}
        if key in model_kwargs or (key.startswith("data.") and key[5:] in data_options):
            raise ValueError(f"{fn}: {key!r} is both varied and fixed in "
                             "model_kwargs/data_options")
        clean[key] = values
    return clean


def _label(combo: dict) -> str:
    def text(v):
        if isinstance(v, tuple):
            return "x".join(str(i) for i in v) if v else "()"
        return str(v)

    return " ".join(f"{k}={text(v)}" for k, v in combo.items())


def _primary_metric(history: dict, metric: str | None) -> str:
    if metric is not None:
        key = metric if metric.startswith("val_") else f"val_{metric}"
        if key not in history:
            available = sorted(k for k in history if k.startswith("val_"))
            raise ValueError(f"compare: metric {metric!r} not in the validation history; "
                             f"available: {', '.join(available)}")
        return key
    for key in ("val_accuracy", "val_mae", "val_loss"):
        if key in history:
            return key
    return "val_loss"


def _higher_is_better(metric: str) -> bool:
    name = metric.removeprefix("val_")
    return not any(part in name for part in _LOWER_IS_BETTER)


def _epochs_to(values, target, higher: bool):
    for i, v in enumerate(values):
        if v is not None and (v >= target if higher else v <= target):
            return i + 1
    return None


def _stats(values):
    arr = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype="float64")
    if not len(arr):
        return None, None
    return float(arr.mean()), float(arr.std())


def compare(model: str, data, vary: dict, *, epochs: int = 10, seeds: int = 3, target=None,
            metric: str | None = None, out_dir=None, patience=None, progress=None,
            verbose: int = 1, **train_kwargs) -> list[dict]:
    """Train every combination of ``vary`` for ``seeds`` seeds and summarise the runs.

    Args:
        model: A registered model name (``zoo.list_models()``).
        data: What :func:`zoo.training.train` takes: a data set name, a path to your
            own data (re-read with each seed's split), a ``zoo.data.Dataset``, arrays
            or streamed splits.
        vary: ``{key: [values]}``; every combination (cartesian product) is run. Keys
            are the model's factory arguments, ``TRAIN_KEYS`` or ``data.<option>``
            (see :func:`allowed_keys`).
        epochs: Epochs per run.
        seeds: Number of seeds per combination (seeds ``0 .. seeds - 1``; the seed
            sets the data split, the initial weights and the shuffling).
        target: Optional value of the primary metric; reports the first epoch reaching
            it (``>=`` for accuracy-like metrics, ``<=`` for losses and errors).
        metric: Primary validation metric (``"accuracy"``, ``"val_loss"``...);
            default ``val_accuracy``, else ``val_mae``, else ``val_loss``.
        out_dir: If given, writes ``results.json``, ``results.csv`` and
            ``learning_curves.png`` there.
        patience: Early-stopping patience; ``None`` (the default) trains every run for
            all ``epochs`` so curves are comparable.
        progress: Optional ``f(run: dict, index: int, total: int)`` called after each run.
        verbose: ``1`` (default): one line per run (:func:`format_run`, what ``zoo
            compare`` prints), shown like Keras' progress bars
            (:func:`zoo.io.show_progress`); ``0``: the line is logged at INFO
            (``zoo.compare``) instead. Never both.
        **train_kwargs: Fixed arguments for :func:`zoo.training.train`
            (``batch_size``, ``optimizer``, ``model_kwargs``, ``data_options``...).

    Returns:
        One dict per combination, in grid order: ``label``, ``params``, ``metric``,
        ``final_mean``/``final_std`` (last epoch), ``best_mean``/``best_std``,
        ``test_mean``/``test_std`` (test split, best weights when early stopping),
        ``epochs_to_target_mean`` and ``reached`` (seeds that reached ``target``),
        ``wall_time_mean``, ``epochs_run_mean``, ``curve`` (mean validation curve)
        and ``runs`` (per seed: ``seed``, ``history``, ``test_metrics``, ``wall_time``...).

    Raises:
        ValueError: an unknown key (the message lists the allowed ones), a key both
            varied and fixed, bad numbers, bad data, an output directory that cannot
            be written, or a bad value of any combination: every combination's
            arguments are checked (:func:`zoo.training.check_train_args`) before the
            first one trains.
        TypeError: arguments of the wrong type.

    Example:
        >>> rows = compare("fnn", "digits", {"activation": ["relu", "tanh"]}, epochs=5,
        ...                seeds=2, out_dir="runs/compare/act")
        >>> [r["label"] for r in rows]
        ['activation=relu', 'activation=tanh']
        >>> print(format_summary(rows))  # final/best/test mean ± std, wall time
    """
    fn = "compare"
    epochs = quick.cap(fn, "epochs", check_positive_int(fn, "epochs", epochs), quick.MAX_EPOCHS)
    seeds = check_positive_int(fn, "seeds", seeds)
    if target is not None:
        target = check_number(fn, "target", target)
    if patience is not None:
        patience = check_positive_int(fn, "patience", patience)
    check_choice(fn, "verbose", verbose, (0, 1))
    for key in ("seed", "epochs", "verbose", "out_dir"):
        if key in train_kwargs:
            raise ValueError(f"{fn}: {key!r} is set by compare itself; remove it")
    if progress is not None and not callable(progress):
        raise TypeError(f"{fn}: `progress` must be callable, received {progress!r}")
    vary = _check_vary(fn, model, vary, train_kwargs)
    from zoo.backend import custom_gradient_names, drop_custom_gradients
    from zoo.training import train

    # The functions registered before this comparison (none if TensorFlow is not loaded
    # yet: a bad argument of the first run is then refused before it loads).
    registered = custom_gradient_names() if "tensorflow" in sys.modules else frozenset()

    if out_dir is not None:
        check_output_dir(fn, "out_dir", out_dir)
    keys = list(vary)
    combos = [dict(zip(keys, values, strict=True))
              for values in itertools.product(*(vary[k] for k in keys))]
    _check_combinations(model, data, combos, epochs, patience, train_kwargs)
    total = len(combos) * seeds
    rows, index = [], 0
    label = _data_label(data)
    logger.info("compare %s on %s: %d combinations x %d seeds", model, label, len(combos), seeds)
    for combo in combos:
        runs = []
        for seed in range(seeds):
            kwargs = _train_kwargs(combo, patience, train_kwargs)
            start = time.perf_counter()
            result = train(model, data, epochs=epochs, seed=seed, verbose=0, **kwargs)
            elapsed = time.perf_counter() - start
            primary = _primary_metric(result.history, metric)
            higher = _higher_is_better(primary)
            curve = result.history.get(primary, [])
            finite = [v for v in curve if v is not None and math.isfinite(v)]
            best = (max(finite) if higher else min(finite)) if finite else None
            test_key = primary.removeprefix("val_")
            run = {"label": _label(combo), "params": combo, "seed": seed, "metric": primary,
                   "final": curve[-1] if curve else None, "best": best,
                   "test": result.test_metrics.get(test_key),
                   "epochs_run": len(result.history.get("loss", [])),
                   "epochs_to_target": None if target is None
                   else _epochs_to(curve, target, higher),
                   "wall_time": result.wall_time, "job_time": elapsed,
                   "test_metrics": result.test_metrics, "history": result.history}
            # The run's model is done with: free its traced graphs, which TensorFlow's
            # gradient registry would keep for the rest of the process (zoo.backend.tensorflow).
            del result
            drop_custom_gradients(keep=registered)
            runs.append(run)
            index += 1
            # One line a run: shown with verbose, else logged (never both).
            if verbose:
                show_progress(format_run(run, index, total), logger)
            else:
                logger.info("%s", format_run(run, index, total))
            if progress is not None:
                progress(run, index, total)
        rows.append(_summarise(combo, runs, target))
    if out_dir is not None:
        write_results(rows, out_dir, title=f"{model} on {label}")
    return rows


def format_run(run: dict, index: int, total: int) -> str:
    """The one progress line of a finished run of :func:`compare` (what ``zoo compare`` prints).

    Example:
        >>> format_run({"label": "activation=relu", "seed": 0, "metric": "val_accuracy",
        ...             "final": 0.95, "epochs_run": 5, "wall_time": 2.5}, 1, 4)
        '[1/4] activation=relu seed=0: val_accuracy=0.9500 after 5 epochs, 2.5 s'
    """
    final = run["final"]
    return (f"[{index}/{total}] {run['label']} seed={run['seed']}: "
            f"{run['metric']}={'nan' if final is None else format(final, '.4f')} "
            f"after {run['epochs_run']} epochs, {run['wall_time']:.1f} s")


def _data_label(data) -> str:
    """How ``data`` is named in logs and titles: a name, a file name, a Dataset's name."""
    import os

    if isinstance(data, (str, os.PathLike)):
        return os.path.basename(os.fspath(data).rstrip("/\\")) or os.fspath(data)
    return getattr(data, "name", None) or type(data).__name__


def _train_kwargs(combo: dict, patience, train_kwargs: dict) -> dict:
    """The :func:`zoo.training.train` arguments of one combination (seed and epochs aside)."""
    kwargs = dict(train_kwargs)
    kwargs.setdefault("patience", patience)
    model_kwargs = dict(kwargs.pop("model_kwargs", None) or {})
    data_options = dict(kwargs.pop("data_options", None) or {})
    for key, value in combo.items():
        if key.startswith("data."):
            data_options[key[5:]] = value
        elif key in TRAIN_KEYS:
            kwargs[key] = value
        else:
            model_kwargs[key] = value
    return dict(kwargs, model_kwargs=model_kwargs, data_options=data_options)


def _check_combinations(model, data, combos, epochs, patience, train_kwargs) -> None:
    """Run train's checks on every combination before the first one trains.

    A bad value anywhere in the grid (``activation=relux``, a model too large for the
    memory, a bad data option) is refused at once, not after hours of the
    combinations before it. Each distinct set of data options is loaded once.
    """
    from zoo.training import check_train_args

    datasets = {}
    # Arguments first (no Keras needed), then the models' sizes (built unallocated).
    for check_size in (False, True):
        for combo in combos:
            kwargs = _train_kwargs(combo, patience, train_kwargs)
            key = repr(sorted(kwargs["data_options"].items()))
            if key in datasets:
                kwargs["data_options"] = None
                check_train_args(model, datasets[key], epochs=epochs, seed=0,
                                 check_size=check_size, **kwargs)
            else:
                datasets[key] = check_train_args(model, data, epochs=epochs, seed=0,
                                                 check_size=check_size, **kwargs)


def _summarise(combo: dict, runs: list[dict], target) -> dict:
    final_mean, final_std = _stats([r["final"] for r in runs])
    best_mean, best_std = _stats([r["best"] for r in runs])
    test_mean, test_std = _stats([r["test"] for r in runs])
    reached = [r["epochs_to_target"] for r in runs if r["epochs_to_target"] is not None]
    metric = runs[0]["metric"]
    length = max(len(r["history"].get(metric, [])) for r in runs)
    padded = np.full((len(runs), length), np.nan)
    for i, r in enumerate(runs):
        values = [np.nan if v is None else v for v in r["history"].get(metric, [])]
        padded[i, :len(values)] = values
    with np.errstate(all="ignore"):
        curve = [float(v) for v in np.nanmean(padded, axis=0)] if length else []
    return {
        "label": runs[0]["label"], "params": combo, "metric": metric, "seeds": len(runs),
        "final_mean": final_mean, "final_std": final_std,
        "best_mean": best_mean, "best_std": best_std,
        "test_mean": test_mean, "test_std": test_std,
        "target": target,
        "epochs_to_target_mean": float(np.mean(reached)) if reached else None,
        "reached": len(reached),
        "epochs_run_mean": float(np.mean([r["epochs_run"] for r in runs])),
        "wall_time_mean": float(np.mean([r["wall_time"] for r in runs])),
        "curve": curve, "runs": runs,
    }


_CSV_COLUMNS = ("label", "metric", "seeds", "final_mean", "final_std", "best_mean", "best_std",
                "test_mean", "test_std", "target", "epochs_to_target_mean", "reached",
                "epochs_run_mean", "wall_time_mean")


def write_results(rows: list[dict], out_dir, *, title: str | None = None) -> dict:
    """Write ``results.json``, ``results.csv`` and ``learning_curves.png`` into ``out_dir``.

    Returns:
        ``{"json": path, "csv": path, "curves": path}``.
    """
    from zoo.io import write_json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"json": out / "results.json", "csv": out / "results.csv",
             "curves": out / "learning_curves.png"}
    write_json(files["json"], {"title": title, "combinations": rows})
    keys = sorted({k for r in rows for k in r["params"]})
    with files["csv"].open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*keys, *_CSV_COLUMNS])
        for r in rows:
            params = [_csv_value(r["params"].get(k, "")) for k in keys]
            writer.writerow([*params, *(_csv_value(r[c]) for c in _CSV_COLUMNS)])
    plot_curves(rows, files["curves"], title=title)
    return {k: str(v) for k, v in files.items()}


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return value


def plot_curves(rows: list[dict], path, *, title: str | None = None) -> Path:
    """Plot each combination's mean validation curve (band: +/- one std across seeds)."""
    from zoo.plots import pyplot, save_figure

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for r in rows:
        metric = r["metric"]
        length = len(r["curve"])
        if not length:
            continue
        padded = np.full((len(r["runs"]), length), np.nan)
        for i, run in enumerate(r["runs"]):
            values = [np.nan if v is None else v for v in run["history"].get(metric, [])]
            padded[i, :len(values)] = values
        with np.errstate(all="ignore"):
            mean, std = np.nanmean(padded, axis=0), np.nanstd(padded, axis=0)
        epochs = np.arange(1, length + 1)
        (line,) = ax.plot(epochs, mean, label=r["label"])
        if len(r["runs"]) > 1:
            ax.fill_between(epochs, mean - std, mean + std, color=line.get_color(), alpha=0.15)
    metric = rows[0]["metric"] if rows else "metric"
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{metric} (mean over seeds)")
    if rows and rows[0].get("target") is not None:
        ax.axhline(rows[0]["target"], color="grey", linestyle=":", label="target")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    if title:
        ax.set_title(title)
    return save_figure(fig, path)


def format_summary(rows: list[dict]) -> str:
    """The comparison as an aligned text table (used by ``zoo compare``)."""
    from zoo.io import format_table

    def pm(mean, std):
        return "-" if mean is None else f"{mean:.4f} ± {std:.4f}"

    table = []
    for r in rows:
        line = {"combination": r["label"],
                f"final {r['metric']}": pm(r["final_mean"], r["final_std"]),
                "best": pm(r["best_mean"], r["best_std"]),
                "test": pm(r["test_mean"], r["test_std"])}
        if r.get("target") is not None:
            line["epochs to target"] = (
                "-" if r["epochs_to_target_mean"] is None
                else f"{r['epochs_to_target_mean']:.1f} ({r['reached']}/{r['seeds']})")
        line["time s"] = f"{r['wall_time_mean']:.1f}"
        table.append(line)
    return format_table(table)
