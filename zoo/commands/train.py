"""``zoo train MODEL --data NAME|PATH ... --out DIR``: train, evaluate and save one model."""

from __future__ import annotations

from zoo.commands._options import (
    add_data_flags,
    add_factory_and_data_options,
    data_help,
    factory_and_data_options,
    library_defaults,
)
from zoo.io import format_table, parse_key_value

HELP = "train a registered model on a data set and save it with its history and plots"


def add_arguments(parser) -> None:
    from zoo.training import train

    default = library_defaults(train)
    parser.add_argument("model", help="registered model name (see `zoo list`)")
    parser.add_argument("--data", default=default["data"], help=data_help())
    parser.add_argument("--epochs", type=int, default=default["epochs"], metavar="N",
                        help="maximum epochs; early stopping (--patience) may end sooner")
    parser.add_argument("--batch-size", type=int, default=default["batch_size"], metavar="N",
                        help="samples per training step")
    parser.add_argument("--activation", help="hidden activation, e.g. relu, tanh, gelu "
                        "(default: the model's own: relu for fnn and cnn, tanh for lstm)")
    parser.add_argument("--initializer", help="kernel initializer: auto, he, glorot, lecun, ... "
                        "(default: auto, chosen from the activation)")
    parser.add_argument("--optimizer", default=default["optimizer"],
                        help="optimizer name: sgd, momentum, nesterov, adam, adamw, rmsprop, "
                             "adagrad, adadelta, nadam")
    parser.add_argument("--learning-rate", type=float, metavar="RATE",
                        help="learning rate (default: the optimizer's, 0.001 for adam)")
    parser.add_argument("--loss", help="loss name, see zoo.losses.list_losses() (default: the "
                        "task's: cross-entropy for classification, MSE for regression)")
    parser.add_argument("--schedule", help="learning-rate schedule: one_cycle, warmup_cosine, "
                        "cyclical, step, cosine, exponential, ... (--learning-rate is its "
                        "peak or initial rate; default: none, a constant rate)")
    parser.add_argument("--schedule-arg", action="append", default=[], metavar="KEY=VALUE",
                        help="schedule argument, e.g. --schedule-arg pct_start=0.2 (repeatable)")
    parser.add_argument("--reduce-lr", action="store_true",
                        help="halve the learning rate when val_loss stalls (ReduceLROnPlateau)")
    parser.add_argument("--seed", type=int, default=default["seed"],
                        help="seed of the data split, the weights and the shuffling")
    parser.add_argument("--patience", type=int, default=default["patience"], metavar="EPOCHS",
                        help="early-stopping patience on val_loss (the best weights are "
                             "restored); 0 disables it")
    add_factory_and_data_options(
        parser, param_help="any factory argument, e.g. --param hidden_units=128,64 (repeatable)",
        data_help="data loader option, e.g. --data-option outlier_fraction=0.1 (repeatable)")
    parser.add_argument("--mixed-precision", choices=("auto", "float32", "mixed_float16",
                                                      "mixed_bfloat16"),
                        help="dtype policy of the model: auto = mixed_float16 on GPUs with "
                        "compute capability >= 7.0, mixed_bfloat16 on TPU, float32 on CPU "
                        "(default: Keras' global policy, float32)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output directory: model.keras, history.json, "
                             "learning_curves.png (created)")
    add_data_flags(parser)


def run(args) -> int:
    from zoo.training import train

    model_kwargs, data_options = factory_and_data_options(args)
    if args.activation:
        model_kwargs["activation"] = args.activation
    if args.initializer:
        model_kwargs["kernel_initializer"] = args.initializer
    if args.mixed_precision:
        model_kwargs["mixed_precision"] = args.mixed_precision
    schedule_kwargs = dict(parse_key_value(p, option="--schedule-arg") for p in args.schedule_arg)
    result = train(args.model, args.data, epochs=args.epochs, batch_size=args.batch_size,
                   seed=args.seed, optimizer=args.optimizer, learning_rate=args.learning_rate,
                   loss=args.loss, model_kwargs=model_kwargs, data_options=data_options,
                   patience=args.patience or None, verbose=0 if args.quiet else 2,
                   out_dir=args.out, schedule=args.schedule,
                   schedule_kwargs=schedule_kwargs or None, reduce_lr=args.reduce_lr)
    rows = [{"split": "test", **result.test_metrics},
            {"split": "baseline", **result.baseline}]
    print()
    print(f"{args.model} on {result.dataset.summary()}")
    print(f"{len(result.history['loss'])} epochs in {result.wall_time:.1f} s")
    print(format_table(rows) if result.test_metrics else "(no test split)")
    for role, path in result.files.items():
        print(f"{role:>8}: {path}")
    return 0
