"""Rosenblatt's perceptron in NumPy, trained with the classic learning rule.

It agrees with ``sklearn.linear_model.Perceptron`` trained the same way (the
tests check it). Everything is float64 NumPy; nothing here imports TensorFlow.

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

from zoo._validate import check_bool, check_number, check_positive_int
from zoo.teaching._checks import check_xy

logger = logging.getLogger("zoo.teaching.perceptron")


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
        x, y = check_xy(fn, x, y)
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
        return check_xy("Perceptron.decision_function", x) @ self.coef_ + self.intercept_

    def predict(self, x) -> np.ndarray:
        """Predicted labels (values of ``classes_``)."""
        return np.where(self.decision_function(x) > 0, self.classes_[1], self.classes_[0])

    def score(self, x, y) -> float:
        """Accuracy on ``(x, y)``."""
        return float(np.mean(self.predict(x) == np.asarray(y).reshape(-1)))

    def _check_fitted(self, fn):
        if not hasattr(self, "coef_"):
            raise RuntimeError(f"Perceptron.{fn}: call fit() first")



__all__ = ["Perceptron"]
