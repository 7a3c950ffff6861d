"""Activation functions compared on convergence speed and accuracy.

The same feed-forward network (three hidden layers of 64, each activation with the
initializer ``"auto"`` picks for it: He for the ReLU family, Glorot otherwise) is
trained on the 8x8 digits with relu, sigmoid, tanh, leaky_relu, elu, gelu and swish,
over two seeds each, through ``zoo.compare.compare``. Convergence speed is the
number of epochs to reach 90% validation accuracy.

    python examples/02_activations.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "02_activations"
ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "swish"]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=f"runs/examples/{NAME}", help="output directory")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("ZOO_EXAMPLE_QUICK") == "1",
                        help="tiny budget (smoke test); also ZOO_EXAMPLE_QUICK=1")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import shutil

    from zoo.compare import compare, format_summary

    target = 0.9
    activations = ACTIVATIONS[:3] if args.quick else ACTIVATIONS
    rows = compare("fnn", "digits", {"activation": activations}, epochs=2 if args.quick else 15,
                   seeds=1 if args.quick else 2, target=target, out_dir=args.out,
                   model_kwargs={"hidden_units": (64, 64, 64)}, batch_size=32,
                   learning_rate=1e-3)
    print(format_summary(rows))
    path = os.path.join(args.out, f"{NAME}.png")
    shutil.copyfile(os.path.join(args.out, "learning_curves.png"), path)

    def speed(row):  # epochs to target; never reaching it counts as slowest
        return (row["reached"] < row["seeds"], row["epochs_to_target_mean"] or float("inf"))

    def name(row):
        return row["params"]["activation"]

    fastest = min(rows, key=speed)
    tied = [name(r) for r in rows if speed(r) == speed(fastest)]
    best = max(rows, key=lambda r: r["final_mean"])
    worst = min(rows, key=lambda r: r["final_mean"])
    if fastest["reached"]:
        speed_text = (f"{' and '.join(tied)} reach{'es' if len(tied) == 1 else ''} "
                      f"{target:.0%} validation accuracy first (epoch "
                      f"{fastest['epochs_to_target_mean']:.1f} on average)")
    else:
        speed_text = f"no activation reaches {target:.0%} validation accuracy in this budget"
    missed = [name(r) for r in rows if r["reached"] < r["seeds"]]
    print(f"\nConclusion: {speed_text}; {name(best)} ends highest "
          f"({best['final_mean']:.3f}) and {name(worst)} lowest ({worst['final_mean']:.3f})"
          + (f"; {', '.join(missed)} did not reach {target:.0%} in every seed" if missed else "")
          + ".")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
