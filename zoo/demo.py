"""``python -m zoo.demo``: the main job of ``make demo`` on embedded data.

Trains every supervised model family on the embedded digits and prints a table of
test metrics; with the tuning module installed it then runs a short Hyperband
search (``zoo tune cnn --data digits --algorithm hyperband``) and reports the best
model. Everything goes under ``--out``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoo.demo", description=__doc__)
    parser.add_argument("--out", default="runs/demo")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--skip-tune", action="store_true", help="only the family table")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from zoo.cli import main as zoo_main
    from zoo.cli import quiet_tensorflow_import

    quiet_tensorflow_import()
    from zoo.io import format_table
    from zoo.training import train

    rows = []
    for name in ("fnn", "cnn", "lstm", "gru"):
        start = time.perf_counter()
        result = train(name, "digits", epochs=args.epochs, seed=0, verbose=0,
                       out_dir=os.path.join(args.out, name))
        rows.append({"model": name, "test_accuracy": result.test_metrics["accuracy"],
                     "test_loss": result.test_metrics["loss"],
                     "epochs": len(result.history["loss"]),
                     "seconds": round(time.perf_counter() - start, 1),
                     "params": result.model.count_params()})
        print(f"trained {name}: test accuracy {result.test_metrics['accuracy']:.4f}", flush=True)
    print()
    print("Embedded digits (8x8), test split, majority-class baseline 0.10:")
    print(format_table(rows))
    if args.skip_tune:
        return 0
    try:
        import tuning  # noqa: F401
        from tuning import cli as _tuning_cli  # noqa: F401
    except ImportError:
        return 0
    print("\nShort Hyperband search over the CNN hypermodel:")
    return zoo_main(["tune", "cnn", "--data", "digits", "--algorithm", "hyperband",
                     "--max-epochs", "6", "--seed", "0", "--out",
                     os.path.join(args.out, "tune")])


if __name__ == "__main__":
    sys.exit(main())
