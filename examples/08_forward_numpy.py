"""Forward propagation of a one-hidden-layer network in NumPy, checked against Keras.

A ``zoo.build_fnn`` network with one hidden layer (4 inputs -> 8 tanh units -> 3
softmax outputs) is trained briefly on the iris flowers; its weights are then read
out and the forward pass is written out in NumPy, one line per step:

    z1 = x @ W1 + b1        (n, 4) @ (4, 8) + (8,)  -> (n, 8)
    a1 = tanh(z1)
    z2 = a1 @ W2 + b2       (n, 8) @ (8, 3) + (3,)  -> (n, 3)
    p  = softmax(z2)        exp(z2 - max) / sum(exp(z2 - max)), row by row

and the probabilities are compared with ``model.predict`` on the same inputs.

    python examples/08_forward_numpy.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "08_forward_numpy"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=f"runs/examples/{NAME}", help="output directory")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("ZOO_EXAMPLE_QUICK") == "1",
                        help="tiny budget (smoke test); also ZOO_EXAMPLE_QUICK=1")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def forward(x, w1, b1, w2, b2):
    """The forward pass in NumPy; returns every intermediate."""
    import numpy as np

    z1 = x @ w1 + b1
    a1 = np.tanh(z1)
    z2 = a1 @ w2 + b2
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))  # shift for numerical stability
    return {"z1": z1, "a1": a1, "z2": z2, "p": e / e.sum(axis=1, keepdims=True)}


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    import zoo

    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.3, random_state=args.seed, stratify=iris.target)
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = (scaler.transform(a).astype("float32") for a in (x_train, x_test))
    model = zoo.build_fnn((4,), task="multiclass", num_classes=3, hidden_units=(8,),
                          activation="tanh", seed=args.seed, learning_rate=0.02)
    model.fit(x_train, y_train, epochs=5 if args.quick else 60, batch_size=16, verbose=0)

    w1, b1 = (v.numpy() for v in model.get_layer("dense_0").weights)
    w2, b2 = (v.numpy() for v in model.get_layer("output").weights)
    print(f"W1 {w1.shape}, b1 {b1.shape}, W2 {w2.shape}, b2 {b2.shape}")
    steps = forward(x_test.astype("float64"), w1, b1, w2, b2)
    keras_p = model.predict(x_test, verbose=0)

    i = 0
    np.set_printoptions(precision=4, suppress=True)
    print(f"\nsample 0: x = {x_test[i]}")
    for key in ("z1", "a1", "z2", "p"):
        print(f"  {key:<2} = {steps[key][i]}")
    print(f"  keras p = {keras_p[i]}")

    diff = np.abs(steps["p"] - keras_p)
    agree = np.mean(steps["p"].argmax(1) == keras_p.argmax(1))
    accuracy = np.mean(steps["p"].argmax(1) == y_test)
    print(f"\nmax |p_numpy - p_keras| over {len(x_test)} test samples: {diff.max():.2e}")
    print(f"predicted classes agree on {agree:.0%}; NumPy forward pass accuracy {accuracy:.3f}")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    order = np.argsort(y_test)
    im = axes[0].imshow(steps["a1"][order].T, aspect="auto", cmap="coolwarm", vmin=-1, vmax=1)
    axes[0].set(xlabel="test sample (sorted by class)", ylabel="hidden unit",
                title="hidden activations a1 = tanh(x W1 + b1)")
    fig.colorbar(im, ax=axes[0])
    for k, name in enumerate(iris.target_names):
        axes[1].scatter(keras_p[:, k], steps["p"][:, k], s=14, label=name)
    axes[1].plot([0, 1], [0, 1], "k:", linewidth=1)
    axes[1].set(xlabel="Keras probability", ylabel="NumPy probability",
                title=f"max difference {diff.max():.1e}")
    axes[1].legend(fontsize="small")
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{NAME}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)

    tolerance = 1e-5  # float32 Keras vs float64 NumPy
    verdict = ("matches Keras to float32 precision, so a Dense layer is exactly x @ W + b "
               "followed by its activation" if diff.max() < tolerance
               else f"differs from Keras by more than {tolerance:g}: check the layer order")
    print(f"\nConclusion: the four-line NumPy forward pass {verdict} (largest probability "
          f"difference {diff.max():.1e}, classes agree on {agree:.0%} of {len(x_test)} "
          "samples).")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
