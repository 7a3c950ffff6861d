"""A one-hidden-layer network in NumPy with hand-written forward and backward passes.

Its gradients match ``tf.GradientTape`` and its gradient descent follows Keras
``SGD`` from the same weights (the tests check both). Everything is float64
NumPy; nothing here imports TensorFlow.

Example:
    >>> import numpy as np
    >>> net = TwoLayerNet(2, 8, 2, seed=0)
    >>> net.predict_proba(np.zeros((1, 2))).shape
    (1, 2)
"""

from __future__ import annotations

import numpy as np

from zoo._validate import check_choice, check_number, check_positive_int
from zoo.teaching._checks import check_xy

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow
    if name == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def _activate_grad(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    return (z > 0).astype(z.dtype)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum for stability.

    Example:
        >>> softmax(np.array([[0.0, np.log(3.0)]])).round(2).tolist()
        [[0.25, 0.75]]
    """
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class TwoLayerNet:
    """A one-hidden-layer classifier with hand-written forward and backward passes.

    Forward, for a batch ``X`` of ``n`` samples and integer labels ``y``::

        Z1 = X W1 + b1        A1 = f(Z1)              (f: sigmoid, tanh or ReLU)
        Z2 = A1 W2 + b2       P  = softmax(Z2)
        L  = -(1/n) sum_i log P[i, y_i]                (mean cross-entropy)

    Backward, by the chain rule, with ``Y`` the one-hot labels::

        dZ2 = (P - Y) / n     dW2 = A1^T dZ2          db2 = sum_i dZ2
        dA1 = dZ2 W2^T        dZ1 = dA1 * f'(Z1)
        dW1 = X^T dZ1         db1 = sum_i dZ1

    (``softmax`` followed by cross-entropy has the simple gradient ``P - Y``.) The
    weights are float64 and laid out like two Keras ``Dense`` layers, so
    :meth:`get_weights` / :meth:`set_weights` exchange them with a Keras model.

    Args:
        n_inputs: Input features.
        n_hidden: Hidden units.
        n_classes: Output classes (>= 2).
        activation: ``"sigmoid"``, ``"tanh"`` or ``"relu"``.
        seed: Seed of the initial weights (Glorot-uniform kernels, zero biases; He-
            uniform kernels for ReLU's hidden layer).

    Example:
        >>> net = TwoLayerNet(4, 8, 3, seed=0)
        >>> x, y = np.random.default_rng(0).normal(size=(10, 4)), np.arange(10) % 3
        >>> loss, grads = net.gradients(x, y)
        >>> sorted(grads), grads["W1"].shape
        (['W1', 'W2', 'b1', 'b2'], (4, 8))
    """

    PARAMS = ("W1", "b1", "W2", "b2")

    def __init__(self, n_inputs: int, n_hidden: int, n_classes: int, *,
                 activation: str = "sigmoid", seed: int = 0):
        fn = "TwoLayerNet"
        n_inputs = check_positive_int(fn, "n_inputs", n_inputs)
        n_hidden = check_positive_int(fn, "n_hidden", n_hidden)
        n_classes = check_positive_int(fn, "n_classes", n_classes)
        if n_classes < 2:
            raise ValueError(f"{fn}: `n_classes` must be >= 2, received n_classes={n_classes}")
        self.activation = check_choice(fn, "activation", activation, HIDDEN_ACTIVATIONS)
        check_positive_int(fn, "seed", seed, allow_zero=True)
        rng = np.random.default_rng(seed)
        gain = 6.0 if self.activation == "relu" else 3.0  # He or Glorot uniform limits
        limit1 = np.sqrt(gain / (n_inputs if self.activation == "relu" else
                                 0.5 * (n_inputs + n_hidden)))
        limit2 = np.sqrt(6.0 / (n_hidden + n_classes))
        self.params = {
            "W1": rng.uniform(-limit1, limit1, size=(n_inputs, n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": rng.uniform(-limit2, limit2, size=(n_hidden, n_classes)),
            "b2": np.zeros(n_classes),
        }
        self.n_classes = n_classes

    def get_weights(self) -> list[np.ndarray]:
        """Copies of ``[W1, b1, W2, b2]`` (the order of two Keras ``Dense`` layers)."""
        return [self.params[k].copy() for k in self.PARAMS]

    def set_weights(self, weights) -> None:
        """Replace the weights with ``[W1, b1, W2, b2]`` of the same shapes."""
        weights = list(weights)
        if len(weights) != 4:
            raise ValueError(f"TwoLayerNet.set_weights: expected 4 arrays [W1, b1, W2, b2], "
                             f"received {len(weights)}")
        for key, value in zip(self.PARAMS, weights, strict=True):
            value = np.asarray(value, dtype=np.float64)
            if value.shape != self.params[key].shape:
                raise ValueError(f"TwoLayerNet.set_weights: {key} must have shape "
                                 f"{self.params[key].shape}, received {value.shape}")
            self.params[key] = value.copy()

    def forward(self, x) -> tuple[np.ndarray, dict]:
        """Class probabilities ``(n, n_classes)`` and the cache the backward pass needs."""
        p = self.params
        z1 = x @ p["W1"] + p["b1"]
        a1 = _activate(self.activation, z1)
        z2 = a1 @ p["W2"] + p["b2"]
        return softmax(z2), {"x": x, "z1": z1, "a1": a1}

    def _labels(self, fn, x, y):
        x, y = check_xy(fn, x, y)
        if x.shape[1] != self.params["W1"].shape[0]:
            raise ValueError(f"{fn}: `x` must have {self.params['W1'].shape[0]} features, "
                             f"received {x.shape[1]}")
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= self.n_classes:
            raise ValueError(f"{fn}: `y` must hold integer labels in [0, {self.n_classes})")
        return x, y

    def loss(self, x, y) -> float:
        """Mean softmax cross-entropy on ``(x, y)``."""
        x, y = self._labels("TwoLayerNet.loss", x, y)
        probs, _ = self.forward(x)
        return float(-np.mean(np.log(probs[np.arange(len(y)), y])))

    def gradients(self, x, y) -> tuple[float, dict]:
        """Loss and its analytic gradients ``{"W1", "b1", "W2", "b2"}`` by backpropagation.

        Raises:
            ValueError: labels out of range, wrong feature count, NaNs.
        """
        x, y = self._labels("TwoLayerNet.gradients", x, y)
        n = len(x)
        probs, cache = self.forward(x)
        loss = float(-np.mean(np.log(probs[np.arange(n), y])))
        dz2 = probs.copy()
        dz2[np.arange(n), y] -= 1.0
        dz2 /= n
        grads = {"W2": cache["a1"].T @ dz2, "b2": dz2.sum(axis=0)}
        da1 = dz2 @ self.params["W2"].T
        dz1 = da1 * _activate_grad(self.activation, cache["z1"], cache["a1"])
        grads["W1"] = x.T @ dz1
        grads["b1"] = dz1.sum(axis=0)
        return loss, grads

    def step(self, x, y, learning_rate: float) -> float:
        """One gradient-descent step ``theta <- theta - learning_rate * grad``; returns the loss
        before it."""
        loss, grads = self.gradients(x, y)
        for key in self.PARAMS:
            self.params[key] = self.params[key] - learning_rate * grads[key]
        return loss

    def fit(self, x, y, *, epochs: int = 100, learning_rate: float = 0.1,
            batch_size: int | None = None, seed: int = 0) -> list[float]:
        """Plain (mini-batch) gradient descent.

        Args:
            x, y: Training data and integer labels.
            epochs: Passes over the data.
            learning_rate: Step size.
            batch_size: ``None`` for full-batch gradient descent (one step per epoch),
                else mini-batches in a new seeded order each epoch.
            seed: Seed of the mini-batch order.

        Returns:
            The mean training loss of each epoch (measured before each step, as
            Keras reports it).
        """
        fn = "TwoLayerNet.fit"
        x, y = self._labels(fn, x, y)
        epochs = check_positive_int(fn, "epochs", epochs)
        learning_rate = check_number(fn, "learning_rate", learning_rate, low=0.0,
                                     low_inclusive=False)
        if batch_size is not None:
            batch_size = check_positive_int(fn, "batch_size", batch_size)
        rng = np.random.default_rng(seed)
        history = []
        for _ in range(epochs):
            if batch_size is None or batch_size >= len(x):
                history.append(self.step(x, y, learning_rate))
                continue
            order = rng.permutation(len(x))
            losses, sizes = [], []
            for start in range(0, len(x), batch_size):
                idx = order[start:start + batch_size]
                losses.append(self.step(x[idx], y[idx], learning_rate))
                sizes.append(len(idx))
            history.append(float(np.average(losses, weights=sizes)))
        return history

    def predict_proba(self, x) -> np.ndarray:
        """Class probabilities ``(n, n_classes)``."""
        return self.forward(check_xy("TwoLayerNet.predict_proba", x))[0]

    def predict(self, x) -> np.ndarray:
        """Most likely class per sample."""
        return np.argmax(self.predict_proba(x), axis=1)


__all__ = ["HIDDEN_ACTIVATIONS", "TwoLayerNet", "softmax"]
