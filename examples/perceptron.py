"""The perceptron learning rule in NumPy, next to scikit-learn's Perceptron.

``zoo.teaching.Perceptron`` updates ``w += lr * t * x`` (and ``b += lr * t``) for
every misclassified sample until an epoch passes without a mistake. On linearly
separable data it converges and agrees with ``sklearn.linear_model.Perceptron``
trained the same way (zero start, same order); on XOR, which no line separates, it
stops at the epoch limit and says so. A plot shows both decision boundaries.

    python examples/perceptron.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

NAME = "perceptron"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=f"runs/examples/{NAME}", help="output directory")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("ZOO_EXAMPLE_QUICK") == "1",
                        help="accepted for symmetry with the other examples (this one is fast)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.linear_model import Perceptron as SkPerceptron

    from zoo.teaching import Perceptron

    rng = np.random.default_rng(args.seed)
    x = rng.normal(size=(400, 2))
    score = 1.5 * x[:, 0] - x[:, 1] + 0.2
    keep = np.abs(score) > 0.3  # leave a margin between the classes
    x, y = x[keep], (score[keep] > 0).astype(int)
    n_train = len(x) // 2
    x_train, y_train, x_test, y_test = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

    ours = Perceptron(max_epochs=100).fit(x_train, y_train)
    sk = SkPerceptron(eta0=1.0, shuffle=False, tol=None, max_iter=100, penalty=None)
    sk.fit(x_train, y_train)
    agree = np.mean(ours.predict(x_test) == sk.predict(x_test))
    print("linearly separable data")
    print(f"  converged: {ours.converged_} after {ours.n_epochs_} epochs; mistakes per epoch: "
          f"{ours.mistakes_}")
    print(f"  weights: numpy {np.round(ours.coef_, 4).tolist()} b={ours.intercept_:.4f}; "
          f"sklearn {np.round(sk.coef_[0], 4).tolist()} b={sk.intercept_[0]:.4f}")
    print(f"  test accuracy: numpy {ours.score(x_test, y_test):.3f}, "
          f"sklearn {sk.score(x_test, y_test):.3f}; predictions agree on {agree:.1%}")

    xor_x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    xor = Perceptron(max_epochs=50).fit(xor_x, np.array([0, 1, 1, 0]))
    print("\nXOR (not linearly separable)")
    print(f"  converged: {xor.converged_}; stopped after {xor.n_epochs_} epochs with "
          f"{xor.mistakes_[-1]} mistakes in the last")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(x_test[:, 0], x_test[:, 1], c=y_test, cmap="coolwarm", s=12)
    xs = np.linspace(x[:, 0].min(), x[:, 0].max(), 2)
    for (w, b), style, label in (((ours.coef_, ours.intercept_), "-", "numpy"),
                                 ((sk.coef_[0], sk.intercept_[0]), ":", "sklearn")):
        ax.plot(xs, -(w[0] * xs + b) / w[1], "k" + style, label=f"{label} boundary")
    ax.set_ylim(x[:, 1].min(), x[:, 1].max())
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "perceptron.png", dpi=100)
    print(f"\nplot: {out / 'perceptron.png'}")
    return 0 if ours.converged_ and agree == 1.0 and not xor.converged_ else 1


if __name__ == "__main__":
    sys.exit(main())
