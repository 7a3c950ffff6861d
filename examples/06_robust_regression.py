"""Regression with gross outliers: MSE vs MAE vs Huber vs Tukey's biweight.

10% of the training (and validation) targets are moved by 10-20 standard
deviations; the test targets are clean. The same network is trained with each loss
and judged by its mean absolute error on the clean test split: a robust loss
should learn the underlying function and ignore the outliers. Tukey's biweight is
not convex, so (as its docstring advises) it starts from the Huber fit. Early
stopping watches the corrupted validation loss, as it would in practice.

    python examples/06_robust_regression.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "06_robust_regression"


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

    data = zoo.data.load("regression", n_samples=400 if args.quick else 1500, noise=5.0,
                         outlier_fraction=0.1, outlier_scale=10.0, seed=args.seed)
    share = data.meta["outliers_train"].mean()
    print(f"{data.summary()}; {share:.0%} of the training targets are outliers")
    epochs = 3 if args.quick else 60
    losses = {"MSE": "mse", "MAE": "mae", "Huber (delta=1)": zoo.losses.get("huber", delta=1.0),
              "Tukey (c=4.685)": zoo.losses.get("tukey")}
    mae, curves, epochs_run, huber_weights = {}, {}, {}, None
    for label, loss in losses.items():
        keras.utils.set_random_seed(args.seed)
        model = zoo.build_fnn(data.input_shape, task="regression", hidden_units=(64, 32),
                              seed=args.seed, loss=loss, learning_rate=3e-3)
        if label.startswith("Tukey") and huber_weights is not None:
            model.set_weights(huber_weights)  # warm start: the biweight is not convex
        curve = curves[label] = []

        def clean_mae(epoch, logs, model=model, curve=curve):
            pred = keras.ops.convert_to_numpy(model(data.x_test, training=False)).reshape(-1)
            curve.append(float(np.mean(np.abs(pred - data.y_test))))

        # Early stopping watches the (equally corrupted) validation loss, as it would
        # in practice: clean data is not available while training.
        callbacks = zoo.default_callbacks(patience=8, lr_logger=False)
        hist = model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=32, verbose=0,
                         validation_data=(data.x_val, data.y_val),
                         callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=clean_mae),
                                    *callbacks])
        epochs_run[label] = len(hist.history["loss"])
        if label.startswith("Huber"):
            huber_weights = model.get_weights()
        pred = keras.ops.convert_to_numpy(model(data.x_test, training=False)).reshape(-1)
        mae[label] = float(np.mean(np.abs(pred - data.y_test)))
    baseline = float(np.mean(np.abs(data.y_test - np.median(data.y_train))))
    print(f"\n{'loss':<18}{'clean test MAE':>15}{'epochs':>8}")
    print(f"{'(median baseline)':<18}{baseline:>15.4f}")
    for label, value in mae.items():
        print(f"{label:<18}{value:>15.4f}{epochs_run[label]:>8}")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].bar(list(mae), list(mae.values()), color=["C0", "C1", "C2", "C3"])
    axes[0].set(ylabel="MAE on clean test data (target std units)", title="test error by loss")
    axes[0].tick_params(axis="x", labelsize=8)
    for label, curve in curves.items():
        axes[1].plot(range(1, len(curve) + 1), curve, label=label)
    axes[1].set(xlabel="epoch", ylabel="clean test MAE", yscale="log", title="during training")
    axes[1].legend(fontsize="small")
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{NAME}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)

    best = min(mae, key=mae.get)
    huber_gain = 1 - mae["Huber (delta=1)"] / mae["MSE"]
    print(f"\nConclusion: with {share:.0%} gross outliers in training, {best} gives the lowest "
          f"clean-test MAE ({mae[best]:.4f}); Huber's error is {abs(huber_gain):.0%} "
          f"{'lower' if huber_gain > 0 else 'higher'} than MSE's ({mae['Huber (delta=1)']:.4f} "
          f"vs {mae['MSE']:.4f}), because the squared error lets each outlier pull the fit "
          f"{'hard' if huber_gain > 0 else 'no harder than the others here'}.")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
