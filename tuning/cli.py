"""``zoo tune``: run a hyperparameter search from the command line.

Examples::

    zoo tune cnn --data digits --algorithm hyperband --out runs/tune_cnn
    zoo tune fnn --data digits --algorithm random --max-trials 20 --max-epochs 10 \
        --out runs/tune_fnn
    zoo tune cnn --data digits --workers 2 --out runs/tune_cnn_2workers   # chief + 2 workers
    zoo tune cnn --data digits --role chief --oracle chief-host:8000 --out runs/c   # machine A
    zoo tune cnn --data digits --role worker --oracle chief-host:8000 --out runs/c  # B, C...
    zoo tune fnn --data wine.csv --target label --out runs/tune_wine      # your own table
    zoo tune cnn --data photos/ --image-size 64 --out runs/tune_photos    # an image folder
    zoo tune cnn --algorithm asha --max-trials 40 --out runs/tune_asha    # asynchronous halving
    zoo tune cnn --algorithm random --objective val_accuracy:max --objective params:min \
        --out runs/tune_pareto                                            # a Pareto front
"""

from __future__ import annotations

import argparse
import time

from tuning.config import (
    DEFAULT_DATA,
    DERIVED_OBJECTIVES,
    ROLES,
    TUNABLE_MODELS,
    SearchConfig,
    help_text,
    setting_help,
)
from zoo.commands._options import add_data_flags, data_flag_options
from zoo.io import parse_key_value, parse_range

HELP = ("tune a model's hyperparameters with keras-tuner (random, Bayesian, Hyperband, grid, "
        "ASHA)")


def _fixed(text):
    try:
        return parse_key_value(text, option="--fixed")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _data_option(text):
    try:
        return parse_key_value(text, option="--data-option")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _range(text):
    try:
        return parse_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


#: The SearchConfig setting behind each option, with the option's parsing. Defaults
#: and help come from SearchConfig (tuning.config), and so do the checks.
OPTIONS = (
    ("--algorithm", "algorithm", {}),
    ("--max-trials", "max_trials", {"type": int, "metavar": "N"}),
    ("--max-epochs", "max_epochs", {"type": int, "metavar": "N"}),
    ("--factor", "factor", {"type": int}),
    ("--min-epochs", "min_epochs", {"type": int, "metavar": "N"}),
    ("--reduction-factor", "reduction_factor", {"type": int, "metavar": "ETA"}),
    ("--objective", "objectives", {"action": "append", "metavar": "NAME[:DIR]"}),
    ("--tolerance", "tolerance", {"type": float}),
    ("--patience", "patience", {"type": int}),
    ("--cv", "cv", {"type": int, "metavar": "K"}),
    ("--seed", "seed", {"type": int}),
    ("--strategy", "strategy", {}),
    ("--fixed", "fixed", {"type": _fixed, "action": "append", "metavar": "NAME=VALUE"}),
    ("--range", "ranges", {"type": _range, "action": "append",
                           "metavar": "NAME=LOW:HIGH|A,B,..."}),
    ("--drop", "drop", {"action": "append", "metavar": "NAME"}),
    ("--data-option", "data_options", {"type": _data_option, "action": "append",
                                       "metavar": "KEY=VALUE"}),
    ("--workers", "workers", {"metavar": "N|auto"}),  # SearchConfig checks it
    ("--role", "role", {"choices": ROLES}),
    ("--oracle", "oracle", {"metavar": "HOST:PORT"}),
    ("--trials-per-process", "trials_per_process", {"type": int, "metavar": "N"}),
    ("--tensorboard", "tensorboard", {"metavar": "DIR"}),
    ("--overwrite", "overwrite", {"action": "store_true"}),
    ("--refit", "refit", {"choices": ("train+val", "train", "none")}),
    ("--out", "directory", {"metavar": "DIR"}),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``zoo tune`` arguments to ``parser``."""
    parser.add_argument("model", help="registry model with a hypermodel: "
                                      + ", ".join(TUNABLE_MODELS))
    from zoo.commands._options import data_help

    parser.add_argument("--data", default=DEFAULT_DATA,
                        help=data_help() + " (default: %(default)s)")
    for flag, name, kwargs in OPTIONS:
        kwargs = dict(kwargs)
        repeated = kwargs.get("action") == "append"
        if kwargs.get("action") == "store_true":
            text = setting_help(name)
        elif name == "objectives":
            text = ("metric to optimise, NAME or NAME:DIR (DIR min or max); repeat it for a "
                    "Pareto search: the first is the primary (a val_* metric), the others "
                    f"metrics or {', '.join(DERIVED_OBJECTIVES)} (default: "
                    f"{SearchConfig.objective})")
        elif repeated:
            text = setting_help(name) + " (repeatable)"
        else:
            text = help_text(name)
            default = getattr(SearchConfig, name)
            kwargs["default"] = "none" if default is False else default
        parser.add_argument(flag, dest=name, help=text, **kwargs)
    parser.add_argument("--top", type=int, default=5, metavar="N",
                        help="trials in the final table (default: %(default)s)")
    add_data_flags(parser)


def settings(args: argparse.Namespace) -> dict:
    """The ``run_search`` settings of parsed ``zoo tune`` arguments."""
    values = {name: getattr(args, name) for _, name, _ in OPTIONS}
    for name in ("fixed", "ranges", "data_options"):
        values[name] = dict(values[name]) if values[name] else None
    values["drop"] = tuple(values["drop"] or ())
    values["refit"] = False if values["refit"] == "none" else values["refit"]
    objectives = values.pop("objectives") or []
    if len(objectives) == 1 and ":" not in objectives[0]:
        values["objective"] = objectives[0]  # one metric, its direction inferred
    elif objectives:
        values["objectives"] = objectives  # NAME:DIR, checked by SearchConfig
    values["data_options"] = data_flag_options(args, values["data_options"]) or None
    return values


#: Settings run_search takes in ``tuner_kwargs`` rather than as its own arguments.
TUNER_KWARGS = ("min_epochs", "reduction_factor")


def search_arguments(args: argparse.Namespace) -> dict:
    """``run_search``'s keyword arguments of parsed ``zoo tune`` arguments."""
    values = settings(args)
    extra = {name: values.pop(name) for name in TUNER_KWARGS}
    values["tuner_kwargs"] = {k: v for k, v in extra.items() if v is not None} or None
    return values


def _fmt(value):
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def run(args: argparse.Namespace) -> int:
    """Run the search described by ``args``; show progress, the top trials and test metrics.

    The progress lines (the search's start, one line per trial, the final model's
    training, the end) are ``run_search``'s own (``verbose=1``; ``zoo -q tune``:
    none); this prints the results after it.
    """
    from tuning import distributed
    from tuning.report import format_table
    from tuning.search import run_search

    start = time.time()
    try:
        result = run_search(args.model, args.data, verbose=0 if args.quiet else 1,
                            **search_arguments(args))
    except distributed.OracleUnreachableError as exc:
        raise ValueError(str(exc)) from None
    if result is None:  # a worker: the chief writes the report
        print(f"worker done in {time.time() - start:.0f} s", flush=True)
        return 0
    print(f"\ntop {args.top} trials ({result.objective}, {result.direction}):")
    print(format_table(result.trials, result.objective, result.direction, top=args.top))
    print("\nbest hyperparameters: " + ", ".join(
        f"{k}={_fmt(v)}" for k, v in result.best_hyperparameters.items()
        if not k.startswith("tuner/")))
    per_worker = result.report.get("trials_per_worker", {})
    if len(per_worker) > 1:
        print("trials per worker: " + ", ".join(f"{w}={n}" for w, n in per_worker.items()))
    if not args.quiet:
        return 0  # run_search's progress lines said the rest: the final model, its metrics
    refit = result.refit or {}
    if refit.get("mode") == "train+val":
        how = (f"best hyperparameters refit on train+val ({refit['samples']} samples, "
               f"{refit['epochs']} epochs)")
    elif refit.get("mode") == "train":
        how = "best hyperparameters retrained on train"
    else:
        how = "best trial's checkpoint"
    print(f"best model: {how}")
    print("test metrics of the best model: " + (", ".join(
        f"{k}={v:.4f}" for k, v in result.test_metrics.items()) or "(no test split)"))
    print(f"{len(result.trials)} trials in {time.time() - start:.0f} s; report.json, "
          f"trials.csv, best_model.keras and plots in {result.directory}")
    return 0


if __name__ == "__main__":
    # ``python -m tuning.cli ARGS`` runs this file as __main__ (not as tuning.cli), so
    # handing over to ``python -m tuning`` (which is ``zoo tune ARGS``) imports no circle.
    import runpy

    runpy.run_module("tuning", run_name="__main__", alter_sys=True)
