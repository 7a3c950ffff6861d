"""Weight initialization: zeros, N(0, 1), Glorot and He on a deep ReLU network.

Part 1, the He walk-through: a ReLU layer ``a = relu(W x)`` with ``fan_in`` inputs
and weights of variance ``s^2`` gives ``Var(z) = fan_in * s^2 * E[x^2]``, and ReLU
keeps half of the second moment, so ``E[a^2] = fan_in * s^2 / 2 * E[x^2]``. The
signal keeps its scale from layer to layer exactly when ``s^2 = 2 / fan_in``: He
initialization. Glorot (``s^2 = 2 / (fan_in + fan_out)``, derived for tanh-like
activations) is half that when fan_in = fan_out, so the signal shrinks by about
sqrt(2) per ReLU layer; N(0, 1) is far too large (it grows by ``sqrt(fan_in / 2)``
per layer); zeros give every unit of a layer the same value and the same gradient,
so the units never become different (and with ReLU, nothing flows at all).
The script measures the activation scale layer by layer for each initializer.

Part 2: the same 6x64 ReLU network is trained from each initialization on the
digits and compared on validation accuracy.

    python examples/03_weight_initialization.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "03_weight_initialization"
DEPTH, WIDTH = 6, 64


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

    data = zoo.data.load("digits", representation="flat", seed=args.seed)
    if args.quick:  # smoke-test budget: a slice of the training split
        data.x_train, data.y_train = data.x_train[:320], data.y_train[:320]
    inits = {
        "zeros": "zeros",
        "N(0, 1)": lambda: keras.initializers.RandomNormal(stddev=1.0),
        "Glorot uniform": "glorot_uniform",
        "He normal": "he_normal",
    }
    epochs = 2 if args.quick else 20

    def build(spec):
        keras.utils.set_random_seed(args.seed)
        return zoo.build_fnn(data.input_shape, task="multiclass", num_classes=10,
                             hidden_units=(WIDTH,) * DEPTH, activation="relu",
                             kernel_initializer=spec() if callable(spec) else spec,
                             seed=args.seed, learning_rate=1e-3)

    # Part 1: the scale of the signal through the untrained network.
    x = data.x_val
    scales, curves, test_acc = {}, {}, {}
    print(f"He: Var(W) = 2 / fan_in -> std {np.sqrt(2 / WIDTH):.4f} for fan_in={WIDTH}; "
          f"Glorot uniform: std {np.sqrt(2 / (2 * WIDTH)):.4f}")
    print(f"\nroot-mean-square activation per hidden layer (input rms {np.sqrt(np.mean(x**2)):.3f})")
    print(f"{'initializer':<16}" + "".join(f"{'layer ' + str(i + 1):>10}" for i in range(DEPTH)))
    for label, spec in inits.items():
        model = build(spec)
        probe = keras.Model(model.inputs, [model.get_layer(f"dense_{i}_act").output
                                           for i in range(DEPTH)])
        acts = probe.predict(x, verbose=0)
        scales[label] = [float(np.sqrt(np.mean(np.square(a)))) for a in acts]
        w = model.get_layer("dense_1").kernel.numpy()
        print(f"{label:<16}" + "".join(f"{s:>10.3g}" for s in scales[label])
              + f"   (weight std {w.std():.3f})")

    # Part 2: train from each initialization.
    for label, spec in inits.items():
        model = build(spec)
        hist = model.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                         epochs=epochs, batch_size=32, verbose=0,
                         callbacks=[keras.callbacks.TerminateOnNaN()])
        curves[label] = hist.history["val_accuracy"]
        test_acc[label] = model.evaluate(data.x_test, data.y_test, verbose=0,
                                         return_dict=True)["accuracy"]
    print(f"\n{'initializer':<16}{'val acc epoch 1':>16}{'final val acc':>15}{'test acc':>10}")
    for label in inits:
        print(f"{label:<16}{curves[label][0]:>16.3f}{curves[label][-1]:>15.3f}"
              f"{test_acc[label]:>10.3f}")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for label in inits:
        values = [max(s, 1e-12) for s in scales[label]]
        axes[0].plot(range(1, DEPTH + 1), values, marker="o", label=label)
        axes[1].plot(range(1, len(curves[label]) + 1), curves[label], label=label)
    axes[0].set(yscale="log", xlabel="hidden layer", ylabel="activation rms (untrained)",
                title="signal scale through 6 ReLU layers")
    axes[1].set(xlabel="epoch", ylabel="validation accuracy", title="training")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{NAME}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)

    def drift(label):  # factor by which the scale changes from the first to the last layer
        first, last = scales[label][0], scales[label][-1]
        return last / first if first > 0 else 0.0

    steady = min((lb for lb in inits if drift(lb) > 0), key=lambda lb: abs(np.log(drift(lb))))
    best = max(inits, key=lambda lb: curves[lb][-1])
    worst = min(inits, key=lambda lb: curves[lb][-1])
    print(f"\nConclusion: {steady} keeps the signal scale steadiest through {DEPTH} ReLU layers "
          f"(x{drift(steady):.2f} from layer 1 to {DEPTH}; Glorot x{drift('Glorot uniform'):.2f}, "
          f"N(0, 1) x{drift('N(0, 1)'):.3g}, zeros rms at most {max(scales['zeros']):.3g}); "
          f"after {epochs} epochs "
          f"{best} has the best validation accuracy ({curves[best][-1]:.3f}) and {worst} the "
          f"worst ({curves[worst][-1]:.3f}).")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
