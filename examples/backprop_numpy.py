"""Backpropagation by hand: a one-hidden-layer network in NumPy, checked against TensorFlow.

``zoo.teaching.TwoLayerNet`` computes ``softmax(f(X W1 + b1) W2 + b2)`` and the
mean cross-entropy, and its gradients with the chain rule written out in NumPy. This
script checks those gradients three ways (central finite differences,
``tf.GradientTape`` on the same weights, relative error < 1e-5), then runs a few
hundred steps of its own gradient descent next to a Keras model with ``SGD`` started
from the same weights, and prints both losses.

    python examples/backprop_numpy.py [--quick] [--activation sigmoid|tanh|relu]
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "backprop_numpy"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activation", default="sigmoid", choices=("sigmoid", "tanh", "relu"))
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--learning-rate", type=float, default=0.2)
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("ZOO_EXAMPLE_QUICK") == "1",
                        help="fewer steps (smoke test); also ZOO_EXAMPLE_QUICK=1")
    parser.add_argument("--out", default=f"runs/examples/{NAME}", help="unused; no files")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def relative_error(a, b) -> float:
    import numpy as np

    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import numpy as np
    import tensorflow as tf
    from sklearn.datasets import make_blobs

    from zoo.teaching import TwoLayerNet

    x, y = make_blobs(n_samples=200, centers=3, n_features=5, cluster_std=3.0,
                      random_state=args.seed)
    x = (x - x.mean(0)) / x.std(0)
    net = TwoLayerNet(5, 16, 3, activation=args.activation, seed=args.seed)
    loss, grads = net.gradients(x, y)
    print(f"one hidden layer of 16 {args.activation} units, 3-class softmax; "
          f"initial loss {loss:.5f}")

    # 1. Central finite differences on every weight.
    eps, worst_fd = 1e-6, 0.0
    for key in net.PARAMS:
        flat, numeric = net.params[key].reshape(-1), np.zeros(net.params[key].size)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            up = net.loss(x, y)
            flat[i] = old - eps
            numeric[i] = (up - net.loss(x, y)) / (2 * eps)
            flat[i] = old
        worst_fd = max(worst_fd, relative_error(grads[key].reshape(-1), numeric))

    # 2. tf.GradientTape on the same weights and the same formula.
    variables = [tf.Variable(w) for w in net.get_weights()]
    act = {"sigmoid": tf.sigmoid, "tanh": tf.tanh, "relu": tf.nn.relu}[args.activation]
    with tf.GradientTape() as tape:
        logits = act(tf.constant(x) @ variables[0] + variables[1]) @ variables[2] + variables[3]
        tf_loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    tape_grads = tape.gradient(tf_loss, variables)
    print("\ngradient check (relative error, want < 1e-5)")
    print(f"  finite differences, worst parameter: {worst_fd:.2e}")
    worst_tape = 0.0
    for key, g in zip(net.PARAMS, tape_grads, strict=True):
        err = relative_error(grads[key], g.numpy())
        worst_tape = max(worst_tape, err)
        print(f"  tf.GradientTape {key:<3} {err:.2e}")

    # 3. Gradient descent: NumPy against Keras SGD from the same initial weights.
    steps = 20 if args.quick else args.steps
    model = keras.Sequential([
        keras.Input((5,), dtype="float64"),
        keras.layers.Dense(16, activation=args.activation, dtype="float64"),
        keras.layers.Dense(3, activation="softmax", dtype="float64"),
    ])
    model.set_weights(net.get_weights())
    model.compile(optimizer=keras.optimizers.SGD(args.learning_rate),
                  loss="sparse_categorical_crossentropy")
    history = net.fit(x, y, epochs=steps, learning_rate=args.learning_rate)
    model.fit(tf.data.Dataset.from_tensors((x, y)).repeat(steps), epochs=1, shuffle=False,
              verbose=0)
    keras_loss = float(model.evaluate(x, y, batch_size=len(x), verbose=0))
    ours = net.loss(x, y)
    accuracy = float(np.mean(net.predict(x) == y))
    print(f"\n{steps} full-batch gradient-descent steps, learning rate {args.learning_rate}")
    print(f"  loss {history[0]:.5f} -> numpy {ours:.8f}   keras SGD {keras_loss:.8f}   "
          f"(difference {abs(ours - keras_loss):.1e}); training accuracy {accuracy:.3f}")
    ok = worst_tape < 1e-5 and worst_fd < 1e-5 and abs(ours - keras_loss) < 1e-6 * keras_loss
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
