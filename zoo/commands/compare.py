"""``zoo compare MODEL --data NAME|PATH --vary KEY=V1,V2 ... --out DIR``: a controlled experiment."""

from __future__ import annotations

from zoo.commands._options import (
    add_data_flags,
    add_factory_and_data_options,
    data_help,
    factory_and_data_options,
    library_defaults,
)

HELP = "train every combination of the --vary values over several seeds and compare them"

EPILOG = """\
--vary KEY=V1,V2,... may be repeated; every combination is run (cartesian product).
KEY is any factory argument of MODEL (activation, kernel_initializer, hidden_units,
batch_norm, dropout, l2, ...), a training argument (optimizer, learning_rate, loss,
batch_size, schedule, patience, reduce_lr) or data.<loader option>. Values are
separated by commas; when values are tuples, separate them by '|' or write them
with 'x':  --vary hidden_units=64,32|128  or  --vary hidden_units=64x32,128.

example:
  zoo compare fnn --data digits --vary activation=relu,tanh,sigmoid \\
      --vary kernel_initializer=he_normal,glorot_uniform --epochs 20 --seeds 3 \\
      --target 0.95 --out runs/compare/act_init
"""


def add_arguments(parser) -> None:
    from zoo.compare import compare
    from zoo.training import train

    default = {**library_defaults(train), **library_defaults(compare)}
    parser.epilog = EPILOG
    parser.add_argument("model", help="registered model name (see `zoo list`)")
    parser.add_argument("--data", default=default["data"], help=data_help())
    parser.add_argument("--vary", action="append", required=True, metavar="KEY=V1,V2,...",
                        help="values to compare for one argument (repeatable; see below)")
    parser.add_argument("--epochs", type=int, default=default["epochs"], metavar="N",
                        help="epochs per run (maximum, with --patience)")
    parser.add_argument("--seeds", type=int, default=default["seeds"], metavar="N",
                        help="seeds per combination (seeds 0 to N-1)")
    parser.add_argument("--target", type=float,
                        help="report the epochs each combination needs to reach this value "
                             "of the primary metric (default: not reported)")
    parser.add_argument("--metric", help="primary validation metric (default: accuracy, else "
                                         "mae, else loss)")
    parser.add_argument("--batch-size", type=int, default=default["batch_size"], metavar="N",
                        help="samples per training step")
    parser.add_argument("--optimizer", default=default["optimizer"],
                        help="optimizer name (see zoo train --help)")
    parser.add_argument("--learning-rate", type=float, metavar="RATE",
                        help="learning rate (default: the optimizer's)")
    parser.add_argument("--loss", help="loss name (default: the task's)")
    parser.add_argument("--schedule", help="learning-rate schedule name, see zoo train --help "
                                           "(default: none, a constant rate)")
    parser.add_argument("--patience", type=int, default=0, metavar="EPOCHS",
                        help="early-stopping patience on val_loss; 0 trains all epochs")
    add_factory_and_data_options(
        parser, param_help="fixed factory argument, e.g. --param hidden_units=128,64 "
                           "(repeatable)",
        data_help="fixed data loader option (repeatable)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output directory: results.json, results.csv, "
                             "learning_curves.png (created)")
    add_data_flags(parser, skip=("--target",))  # --target is the metric value to reach


def run(args) -> int:
    from zoo.compare import _higher_is_better, compare, format_summary, parse_vary

    vary = {}
    for text in args.vary:
        key, values = parse_vary(text)
        if key in vary:
            raise ValueError(f"--vary {key} given twice; list all its values in one --vary")
        vary[key] = values
    if args.patience is not None and args.patience < 0:
        raise ValueError(f"--patience must be >= 0, received {args.patience}")
    fixed = {"batch_size": args.batch_size, "optimizer": args.optimizer}
    for key, value in (("learning_rate", args.learning_rate), ("loss", args.loss),
                       ("schedule", args.schedule)):
        if value is not None:
            fixed[key] = value
    for key in list(fixed):
        if key in vary:  # a varied value wins over a CLI default
            del fixed[key]
    model_kwargs, data_options = factory_and_data_options(args)

    rows = compare(args.model, args.data, vary, epochs=args.epochs, seeds=args.seeds,
                   target=args.target, metric=args.metric, out_dir=args.out,
                   patience=args.patience or None, verbose=0 if args.quiet else 1,
                   model_kwargs=model_kwargs, data_options=data_options, **fixed)
    print()
    print(f"{args.model} on {args.data}: {len(rows)} combinations x {args.seeds} seeds, "
          f"{args.epochs} epochs")
    print(format_summary(rows))
    higher = _higher_is_better(rows[0]["metric"])
    scored = [r for r in rows if r["best_mean"] is not None]
    if scored:
        pick = max if higher else min
        best = pick(scored, key=lambda r: r["best_mean"])
        print(f"\nbest {best['metric']}: {best['label']} ({best['best_mean']:.4f})")
    for name in ("results.json", "results.csv", "learning_curves.png"):
        print(f"wrote {args.out.rstrip('/')}/{name}")
    return 0
