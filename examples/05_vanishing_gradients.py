"""Vanishing and exploding gradients in a 10-layer network, seen by GradientNormMonitor.

Five 10-layer (32 units each) networks are trained on the digits with plain SGD +
momentum, so that nothing rescales the gradients behind our back:

* sigmoid with Glorot initialization - the classic vanishing case: each sigmoid
  layer multiplies the backward signal by at most 0.25;
* ReLU with He initialization - the usual cure;
* sigmoid with batch normalization - the other cure;
* ReLU with N(0, 1) weights - exploding activations and gradients;
* the same with gradient clipping (``global_clipnorm=1``).

``zoo.callbacks.GradientNormMonitor`` measures the gradient norm of every layer on
a held batch before training and every 10 batches during it.

    python examples/05_vanishing_gradients.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

NAME = "05_vanishing_gradients"
DEPTH, WIDTH = 10, 32


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=f"runs/examples/{NAME}", help="output directory")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("ZOO_EXAMPLE_QUICK") == "1",
                        help="tiny budget (smoke test); also ZOO_EXAMPLE_QUICK=1")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import zoo
    from zoo.callbacks import GradientNormMonitor

    data = zoo.data.load("digits", representation="flat", seed=args.seed)
    if args.quick:  # smoke-test budget: a slice of the training split
        data.x_train, data.y_train = data.x_train[:320], data.y_train[:320]
    epochs = 2 if args.quick else 15
    lr = 0.05
    configs = {
        "sigmoid + Glorot": dict(activation="sigmoid", kernel_initializer="glorot_uniform"),
        "ReLU + He": dict(activation="relu", kernel_initializer="he_normal"),
        "sigmoid + batch norm": dict(activation="sigmoid", kernel_initializer="glorot_uniform",
                                     batch_norm=True),
        "ReLU + N(0, 1)": dict(activation="relu", kernel_initializer="n01"),
        "ReLU + N(0, 1) + clipping": dict(activation="relu", kernel_initializer="n01",
                                          clip=1.0),
    }
    results = {}
    for label, cfg in configs.items():
        cfg = dict(cfg)
        clip = cfg.pop("clip", None)
        if cfg["kernel_initializer"] == "n01":
            cfg["kernel_initializer"] = keras.initializers.RandomNormal(stddev=1.0)
        keras.utils.set_random_seed(args.seed)
        optimizer = zoo.build_optimizer("momentum", learning_rate=lr, global_clipnorm=clip)
        model = zoo.build_fnn(data.input_shape, task="multiclass", num_classes=10,
                              hidden_units=(WIDTH,) * DEPTH, seed=args.seed, optimizer=optimizer,
                              **cfg)
        monitor = GradientNormMonitor(data.x_val, data.y_val, every=10, warn=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hist = model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=32,
                             validation_data=(data.x_val, data.y_val), verbose=0,
                             callbacks=[monitor, keras.callbacks.TerminateOnNaN()])
        start = monitor.records[0]
        dense = [f"dense_{i}" for i in range(DEPTH)] + ["output"]
        norms = [start[name] for name in dense]
        val = [v if np.isfinite(v) else np.nan for v in hist.history.get("val_accuracy", [])]
        results[label] = {"norms": norms, "ratio": norms[0] / norms[-1] if norms[-1] else 0.0,
                          "max_norm": float(np.nanmax(norms)),
                          "val": val, "final": val[-1] if val else float("nan"),
                          "nan": len(val) < epochs or not np.isfinite(hist.history["loss"][-1])}

    print(f"{'network':<28}{'first/last norm':>16}{'max norm':>11}{'final val acc':>15}")
    for label, r in results.items():
        final = "NaN stop" if r["nan"] else f"{r['final']:.3f}"
        print(f"{label:<28}{r['ratio']:>16.3g}{r['max_norm']:>11.3g}{final:>15}")

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for label, r in results.items():
        axes[0].plot(range(1, DEPTH + 2), np.maximum(r["norms"], 1e-12), marker="o", label=label)
        axes[1].plot(range(1, len(r["val"]) + 1), r["val"], label=label)
    axes[0].set(yscale="log", xlabel="layer (1 = input side, 11 = output)",
                ylabel="gradient norm before training", title="gradient norm per layer")
    axes[1].set(xlabel="epoch", ylabel="validation accuracy", title=f"SGD + momentum, lr {lr}")
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{NAME}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)

    sig, relu = results["sigmoid + Glorot"], results["ReLU + He"]
    bn = results["sigmoid + batch norm"]
    boom, clipped = results["ReLU + N(0, 1)"], results["ReLU + N(0, 1) + clipping"]
    trained = {k: r["final"] for k, r in results.items() if not r["nan"]}
    best = max(trained, key=trained.get) if trained else "none"
    print(f"\nConclusion: in the sigmoid network the first layer's gradient is "
          f"{1 / sig['ratio']:.2g}x smaller than the last layer's; ReLU + He brings the ratio "
          f"to {relu['ratio']:.2g} and batch norm to {bn['ratio']:.2g}. N(0, 1) weights give "
          f"gradient norms up to {boom['max_norm']:.2g}; "
          + ("without clipping training hit NaN" if boom["nan"]
             else f"unclipped it ends at {boom['final']:.3f}")
          + (f", with clipping it ends at {clipped['final']:.3f}" if not clipped["nan"]
             else ", and clipping did not prevent NaN")
          + f". Best after {epochs} epochs: {best}"
          + (f" ({trained[best]:.3f}); sigmoid + Glorot ends at {sig['final']:.3f}."
             if trained else "."))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
