"""``zoo predict RUN_DIR --data PATH``: predict with a trained run on raw new data."""

from __future__ import annotations

HELP = "predict with a run of zoo train or zoo tune on raw new data (labels, probabilities)"

#: Rows of predictions printed when no --out file is given.
SHOWN = 10


def add_arguments(parser) -> None:
    from zoo.commands._options import library_defaults
    from zoo.prediction import predict

    default = library_defaults(predict)
    parser.add_argument("run_dir", metavar="RUN_DIR",
                        help="the --out directory of zoo train (model.keras) or zoo tune "
                             "(best_model.keras), or a .keras file, with preprocessing.json "
                             "beside it")
    parser.add_argument("--data", required=True,
                        help="new data in the training data's form: a table (.csv/.tsv/"
                             ".parquet) with the feature columns, raw (string categories); an "
                             "image file or folder; .npz/.npy arrays; a series table. A "
                             "target column (or class subfolders, or y) adds the metrics")
    parser.add_argument("--out", metavar="FILE",
                        help="write every prediction to this CSV file (id, prediction, label, "
                             "class probabilities)")
    parser.add_argument("--batch-size", type=int, default=default["batch_size"], metavar="N",
                        help="samples per prediction step (default: %(default)s)")


def run(args) -> int:
    from zoo.io import format_table
    from zoo.prediction import predict

    result = predict(args.run_dir, args.data, batch_size=args.batch_size)
    print(f"{len(result.ids)} predictions from {result.model_path} ({result.task})")
    for name, value in result.metrics.items():
        print(f"{name}: {value:.6f}")
    rows = result.rows()
    if args.out:
        path = result.write_csv(args.out)
        print(f"wrote {path}")
    else:
        shown = [{k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in row.items()}
                 for row in rows[:SHOWN]]
        print(format_table(shown))
        if len(rows) > SHOWN:
            print(f"... {len(rows) - SHOWN} more; --out FILE writes them all")
    return 0
