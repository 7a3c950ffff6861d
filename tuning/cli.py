"""``zoo tune``: run a hyperparameter search from the command line.

Examples::

    zoo tune cnn --data digits --algorithm hyperband --out runs/cnn
    zoo tune fnn --data digits --algorithm random --max-trials 20 --max-epochs 10 --out runs/fnn
    zoo tune cnn --data digits --workers 2 --out runs/cnn2          # chief + 2 local workers
    zoo tune cnn --data digits --role chief --oracle 0.0.0.0:8000 --out runs/c   # machine A
    zoo tune cnn --data digits --role worker --oracle 10.0.0.1:8000 --out runs/c # machines B..
"""

from __future__ import annotations

import argparse
import time

from zoo.io import parse_key_value, parse_range

HELP = "tune a model's hyperparameters with keras-tuner (random, Bayesian, Hyperband, grid)"


def _fixed(text):
    try:
        return parse_key_value(text, option="--fixed")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _range(text):
    try:
        return parse_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``zoo tune`` arguments to ``parser``."""
    parser.add_argument("model", help="registry model with a hypermodel: cnn, fnn, lstm, gru, "
                                      "bilstm")
    parser.add_argument("--data", default="digits", help="data set name (default: digits)")
    parser.add_argument("--algorithm", default="hyperband",
                        help="random | bayesian | hyperband | grid (default: hyperband)")
    parser.add_argument("--max-trials", type=int, default=None,
                        help="trials (random/bayesian/grid, default 10; a cap for hyperband)")
    parser.add_argument("--max-epochs", type=int, default=None,
                        help="epochs per trial (default 10) or hyperband's largest budget "
                             "(default 27)")
    parser.add_argument("--factor", type=int, default=None, help="hyperband reduction factor")
    parser.add_argument("--objective", default="val_loss", help="metric to optimise")
    parser.add_argument("--patience", type=int, default=3, help="early-stopping patience")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--strategy", default="auto",
                        help="auto | cpu | gpu | mirrored | tpu | multiworker")
    parser.add_argument("--fixed", type=_fixed, action="append", default=[],
                        metavar="NAME=VALUE", help="pin a hyperparameter (repeatable)")
    parser.add_argument("--range", dest="ranges", type=_range, action="append", default=[],
                        metavar="NAME=LOW:HIGH|A,B,...",
                        help="narrow a hyperparameter: an interval LOW:HIGH or a list of choices")
    parser.add_argument("--drop", action="append", default=[], metavar="NAME",
                        help="do not tune NAME (use its default)")
    parser.add_argument("--workers", type=int, default=0,
                        help="run a chief and N worker processes on this machine")
    parser.add_argument("--role", choices=("chief", "worker"), default=None,
                        help="one role of a multi-machine search (with --oracle)")
    parser.add_argument("--oracle", default=None, metavar="HOST:PORT",
                        help="chief address (chief default 127.0.0.1:8000; binding another "
                             "address exposes an unauthenticated service)")
    parser.add_argument("--trials-per-process", type=int, default=None, metavar="N",
                        help="train in worker processes replaced after N trials (keeps "
                             "memory flat on long searches)")
    parser.add_argument("--tensorboard", default=None, metavar="DIR",
                        help="write TensorBoard logs with the HParams dashboard")
    parser.add_argument("--overwrite", action="store_true", help="start afresh, do not resume")
    parser.add_argument("--refit", default="train+val", choices=("train+val", "train", "none"),
                        help="final model: best hyperparameters retrained on train+val for the "
                             "best trial's epochs (default), retrained on train, or 'none' "
                             "(the best trial's own checkpoint)")
    parser.add_argument("--top", type=int, default=5, help="trials in the final table")
    parser.add_argument("--out", default="tuning_runs", help="job directory (resumable)")


def _progress_printer(objective):
    def show(row):
        budget = f"/{row['budget']}" if row.get("budget") else ""
        score = "failed" if row["score"] is None else f"{row['score']:.4f}"
        best = "-" if row["best"] is None else f"{row['best']:.4f}"
        hps = ", ".join(f"{k}={_fmt(v)}" for k, v in row["hyperparameters"].items()
                        if not k.startswith("tuner/") or k == "tuner/epochs")
        secs = row["seconds"] or 0.0
        print(f"[trial {row['done']}{budget}] id={row['trial_id']} {row['worker'] or ''} "
              f"{objective}={score} best={best} ({secs:.1f}s)  {hps}", flush=True)

    return show


def _fmt(value):
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def run(args: argparse.Namespace) -> int:
    """Run the search described by ``args``; print progress, the top trials and test metrics."""
    from tuning import distributed
    from tuning.report import format_table
    from tuning.search import run_search

    if args.max_trials is not None and args.max_trials < 1:
        raise ValueError(f"zoo tune: --max-trials must be >= 1, received {args.max_trials}")
    oracle = args.oracle
    if args.role == "chief" and oracle is None:
        oracle = f"{distributed.DEFAULT_HOST}:{distributed.DEFAULT_PORT}"
    start = time.time()
    print(f"zoo tune {args.model} on {args.data}: {args.algorithm} search, objective "
          f"{args.objective}, out {args.out}" + (f", {args.workers} workers" if args.workers
                                                 else ""), flush=True)
    try:
        result = run_search(
            args.model, args.data, args.algorithm, max_trials=args.max_trials,
            max_epochs=args.max_epochs, factor=args.factor, objective=args.objective,
            directory=args.out, seed=args.seed, strategy=args.strategy,
            overwrite=args.overwrite, fixed=dict(args.fixed), ranges=dict(args.ranges),
            drop=tuple(args.drop), patience=args.patience, tensorboard=args.tensorboard,
            workers=args.workers, role=args.role, oracle=oracle,
            trials_per_process=args.trials_per_process,
            progress=_progress_printer(args.objective),
            refit=False if args.refit == "none" else args.refit)
    except distributed.OracleUnreachableError as exc:
        raise ValueError(str(exc)) from None
    if result is None:  # a worker: the chief writes the report
        print(f"worker done in {time.time() - start:.0f}s", flush=True)
        return 0
    print(f"\ntop {args.top} trials ({result.objective}, {result.direction}):")
    print(format_table(result.trials, result.objective, result.direction, top=args.top))
    print("\nbest hyperparameters: " + ", ".join(
        f"{k}={_fmt(v)}" for k, v in result.best_hyperparameters.items()
        if not k.startswith("tuner/")))
    refit = result.refit or {}
    if refit.get("mode") == "train+val":
        how = (f"best hyperparameters refit on train+val ({refit['samples']} samples, "
               f"{refit['epochs']} epochs)")
    elif refit.get("mode") == "train":
        how = "best hyperparameters retrained on train"
    else:
        how = "best trial's checkpoint"
    print(f"best model: {how}")
    print("test metrics of the best model: " + ", ".join(
        f"{k}={v:.4f}" for k, v in result.test_metrics.items()))
    per_worker = result.report.get("trials_per_worker", {})
    if len(per_worker) > 1:
        print("trials per worker: " + ", ".join(f"{w}={n}" for w, n in per_worker.items()))
    print(f"{len(result.trials)} trials in {time.time() - start:.0f}s; report, trials.csv, "
          f"best_model.keras and plots in {result.directory}")
    return 0


def main(argv=None) -> int:
    """Run ``zoo tune`` standalone (``python -m tuning.cli ...``)."""
    parser = argparse.ArgumentParser(prog="zoo tune", description=HELP)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        parser.exit(2, f"zoo: error: {exc}\n")


if __name__ == "__main__":
    raise SystemExit(main())
