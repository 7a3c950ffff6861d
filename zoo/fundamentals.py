"""Deep-learning fundamentals from scratch in NumPy: the perceptron and backpropagation.

Two small, readable reference implementations for teaching, each checked against a
library in the tests:

* :class:`Perceptron`: Rosenblatt's learning rule (it agrees with
  ``sklearn.linear_model.Perceptron`` trained the same way).
* :class:`TwoLayerNet`: one hidden layer (sigmoid, tanh or ReLU) and a softmax
  output with cross-entropy, with forward and backward propagation written out by
  hand (its gradients match ``tf.GradientTape``; its gradient descent follows Keras
  ``SGD`` from the same weights).

Everything is float64 NumPy; nothing here imports TensorFlow.

Example:
    >>> import numpy as np
    >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> p = Perceptron(max_epochs=20).fit(x, np.array([0, 0, 0, 1]))   # AND
    >>> p.converged_, p.predict(x).tolist()
    (True, [0, 0, 0, 1])
"""

from __future__ import annotations

import logging

import numpy as np

from zoo._validate import check_bool, check_choice, check_number, check_positive_int

logger = logging.getLogger("zoo.fundamentals")

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _check_xy(fn: str, x, y=None):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{fn}: `x` must be a non-empty 2-D array (samples, features), "
                         f"received shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"{fn}: `x` contains NaN or infinite values")
    if y is None:
        return x
    y = np.asarray(y).reshape(-1)
    if len(y) != len(x):
        raise ValueError(f"{fn}: `x` and `y` must have the same number of samples, received "
                         f"{len(x)} and {len(y)}")
    return x, y


# ----------------------------------------------------------------------------- perceptron


class Perceptron:
    """Rosenblatt's perceptron for two classes, trained with the classic learning rule.

    With labels mapped to ``t in {-1, +1}``, each training sample in turn updates the
    weights only when it is misclassified (``t * (w . x + b) <= 0``)::

        w <- w + learning_rate * t * x
        b <- b + learning_rate * t

    An epoch without a mistake means the data are separated and training stops
    (``converged_ = True``); the perceptron convergence theorem guarantees this for
    linearly separable data. Otherwise training stops at ``max_epochs``, sets
    ``converged_ = False`` and logs a warning saying so. Weights start at zero, so
    with ``shuffle=False`` the result is exactly that of
    ``sklearn.linear_model.Perceptron(eta0=learning_rate, shuffle=False, tol=None)``.

    Args:
        learning_rate: Step size (positive).
        max_epochs: Most passes over the data.
        shuffle: Visit the samples in a new seeded order each epoch.
        fit_intercept: Learn the bias ``b``.
        seed: Seed of the shuffling.

    Attributes:
        coef_: Weights ``(features,)``.
        intercept_: Bias.
        classes_: The two labels; ``classes_[1]`` is the positive class.
        converged_: Whether an epoch ended without mistakes.
        n_epochs_: Epochs run.
        mistakes_: Mistakes (updates) in each epoch.

    Example:
        >>> x = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -1.0], [-2.0, 0.5]])
        >>> Perceptron().fit(x, [1, 1, 0, 0]).score(x, [1, 1, 0, 0])
        1.0
    """

    def __init__(self, *, learning_rate: float = 1.0, max_epochs: int = 100,
                 shuffle: bool = False, fit_intercept: bool = True, seed: int = 0):
        fn = "Perceptron"
        self.learning_rate = check_number(fn, "learning_rate", learning_rate, low=0.0,
                                          low_inclusive=False)
        self.max_epochs = check_positive_int(fn, "max_epochs", max_epochs)
        self.shuffle = check_bool(fn, "shuffle", shuffle)
        self.fit_intercept = check_bool(fn, "fit_intercept", fit_intercept)
        self.seed = check_positive_int(fn, "seed", seed, allow_zero=True)

    def fit(self, x, y) -> Perceptron:
        """Learn from ``x`` ``(samples, features)`` and two-class labels ``y``.

        Returns:
            ``self``.

        Raises:
            ValueError: ``y`` does not hold exactly two classes; bad shapes or NaNs.
        """
        fn = "Perceptron.fit"
        x, y = _check_xy(fn, x, y)
        classes = np.unique(y)
        if len(classes) != 2:
            raise ValueError(f"{fn}: `y` must hold exactly two classes, received "
                             f"{len(classes)}: {classes.tolist()[:10]}")
        self.classes_ = classes
        t = np.where(y == classes[1], 1.0, -1.0)
        w, b = np.zeros(x.shape[1]), 0.0
        rng = np.random.default_rng(self.seed)
        self.mistakes_ = []
        self.converged_ = False
        for _ in range(self.max_epochs):
            order = rng.permutation(len(x)) if self.shuffle else range(len(x))
            mistakes = 0
            for i in order:
                if t[i] * (x[i] @ w + b) <= 0.0:
                    w = w + self.learning_rate * t[i] * x[i]
                    if self.fit_intercept:
                        b = b + self.learning_rate * t[i]
                    mistakes += 1
            self.mistakes_.append(mistakes)
            if mistakes == 0:
                self.converged_ = True
                break
        self.coef_, self.intercept_ = w, float(b)
        self.n_epochs_ = len(self.mistakes_)
        if self.converged_:
            logger.info("Perceptron converged after %d epochs", self.n_epochs_)
        else:
            logger.warning("Perceptron did not converge: stopped at the epoch limit "
                           "max_epochs=%d with %d mistakes in the last epoch; the data are "
                           "probably not linearly separable", self.max_epochs,
                           self.mistakes_[-1])
        return self

    def decision_function(self, x) -> np.ndarray:
        """Signed score ``w . x + b`` (positive means ``classes_[1]``)."""
        self._check_fitted("decision_function")
        return _check_xy("Perceptron.decision_function", x) @ self.coef_ + self.intercept_

    def predict(self, x) -> np.ndarray:
        """Predicted labels (values of ``classes_``)."""
        return np.where(self.decision_function(x) > 0, self.classes_[1], self.classes_[0])

    def score(self, x, y) -> float:
        """Accuracy on ``(x, y)``."""
        return float(np.mean(self.predict(x) == np.asarray(y).reshape(-1)))

    def _check_fitted(self, fn):
        if not hasattr(self, "coef_"):
            raise RuntimeError(f"Perceptron.{fn}: call fit() first")


# ----------------------------------------------------------------------------- two-layer net


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
        x, y = _check_xy(fn, x, y)
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
        return self.forward(_check_xy("TwoLayerNet.predict_proba", x))[0]

    def predict(self, x) -> np.ndarray:
        """Most likely class per sample."""
        return np.argmax(self.predict_proba(x), axis=1)
