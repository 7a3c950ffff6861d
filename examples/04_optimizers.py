"""Optimizers on image classification, with and without a learning-rate schedule.

A small CNN (``zoo.build_cnn``) is trained on the 8x8 digit images with SGD,
SGD + momentum, Nesterov momentum, Adam, RMSprop and AdaGrad, each at its usual
default rate (``zoo.optimizers.DEFAULT_LEARNING_RATES``), once at a constant rate
and once with cosine decay from that rate to zero (``schedule="cosine"``). The
grid runs through ``zoo.compare.compare``.

    python examples/04_optimizers.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "04_optimizers"
OPTIMIZERS = ["sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad"]


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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zoo.compare import compare, format_summary
    from zoo.optimizers import DEFAULT_LEARNING_RATES

    optimizers = ["sgd", "adam"] if args.quick else OPTIMIZERS
    epochs = 2 if args.quick else 12
    rows = compare("cnn", "digits", {"optimizer": optimizers, "schedule": [None, "cosine"]},
                   epochs=epochs, seeds=1, target=0.9, out_dir=args.out, batch_size=32,
                   data_options={"representation": "image"},
                   model_kwargs={"filters": (16, 32), "dense_units": (64,)})
    print(format_summary(rows))

    def key(row):
        return row["params"]["optimizer"], row["params"]["schedule"]

    table = {key(r): r for r in rows}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, schedule in zip(axes, (None, "cosine"), strict=True):
        for opt in optimizers:
            curve = table[opt, schedule]["curve"]
            ax.plot(range(1, len(curve) + 1), curve,
                    label=f"{opt} (lr {DEFAULT_LEARNING_RATES[opt]:g})")
        ax.set(xlabel="epoch", title="constant rate" if schedule is None else "cosine decay")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("validation accuracy")
    axes[1].legend(fontsize="small", loc="lower right")
    fig.tight_layout()
    path = os.path.join(args.out, f"{NAME}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)

    best = max(rows, key=lambda r: r["final_mean"])
    helped = [opt for opt in optimizers
              if table[opt, "cosine"]["final_mean"] > table[opt, None]["final_mean"]]
    gains = {opt: table[opt, "cosine"]["final_mean"] - table[opt, None]["final_mean"]
             for opt in optimizers}
    top = max(gains, key=gains.get)
    plain = {opt: table[opt, None]["final_mean"] for opt in optimizers}
    print(f"\nConclusion: the best run is {best['label']} (validation accuracy "
          f"{best['final_mean']:.3f}); at a constant rate {max(plain, key=plain.get)} leads and "
          f"{min(plain, key=plain.get)} trails ({min(plain.values()):.3f}); cosine decay "
          f"improved {len(helped)} of {len(optimizers)} optimizers"
          f"{' (' + ', '.join(helped) + ')' if helped else ''}"
          + (f", most for {top} ({gains[top]:+.3f})." if helped else
             f"; within {epochs} epochs at these rates the schedule's smaller late steps "
             "do not pay off."))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
