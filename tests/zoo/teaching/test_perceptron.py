"""zoo.teaching.perceptron: the NumPy perceptron, checked against scikit-learn."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from zoo.teaching import Perceptron


def _separable(n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    w = np.array([1.5, -2.0, 0.5, 1.0])
    score = x @ w + 0.3
    keep = np.abs(score) > 0.4  # a margin, so the perceptron converges quickly
    return x[keep], (score[keep] > 0).astype(int)


def test_perceptron_converges_on_separable_data_and_matches_sklearn():
    from sklearn.linear_model import Perceptron as SkPerceptron

    x, y = _separable()
    x_train, y_train, x_test, y_test = x[:150], y[:150], x[150:], y[150:]
    ours = Perceptron(max_epochs=100).fit(x_train, y_train)
    assert ours.converged_
    assert ours.mistakes_[-1] == 0 and ours.n_epochs_ < 100
    assert ours.score(x_train, y_train) == 1.0
    assert ours.score(x_test, y_test) > 0.95

    sk = SkPerceptron(eta0=1.0, shuffle=False, tol=None, max_iter=100, penalty=None)
    sk.fit(x_train, y_train)
    np.testing.assert_allclose(ours.coef_, sk.coef_[0], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_[0], atol=1e-10)
    np.testing.assert_array_equal(ours.predict(x_test), sk.predict(x_test))


def test_perceptron_shuffled_is_seeded_and_still_agrees_on_test_set():
    from sklearn.linear_model import Perceptron as SkPerceptron

    x, y = _separable(seed=1)
    a = Perceptron(shuffle=True, seed=3).fit(x[:150], y[:150])
    b = Perceptron(shuffle=True, seed=3).fit(x[:150], y[:150])
    np.testing.assert_array_equal(a.coef_, b.coef_)
    sk = SkPerceptron(random_state=3).fit(x[:150], y[:150])
    agreement = np.mean(a.predict(x[150:]) == sk.predict(x[150:]))
    assert agreement > 0.95


def test_perceptron_non_separable_stops_at_epoch_limit_and_says_so(caplog):
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])  # XOR
    with caplog.at_level(logging.WARNING, logger="zoo.teaching.perceptron"):
        p = Perceptron(max_epochs=25).fit(x, y)
    assert not p.converged_
    assert p.n_epochs_ == 25 and p.mistakes_[-1] > 0
    assert "did not converge" in caplog.text and "max_epochs=25" in caplog.text


def test_perceptron_keeps_original_labels():
    x, y = _separable()
    labels = np.where(y == 1, "spam", "ham")
    p = Perceptron().fit(x, labels)
    assert set(p.predict(x)) <= {"spam", "ham"}
    assert p.score(x, labels) == 1.0


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"max_epochs": 0}, "max_epochs"),
])
def test_perceptron_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Perceptron(**kwargs)


def test_perceptron_bad_labels():
    with pytest.raises(ValueError, match="exactly two classes"):
        Perceptron().fit(np.zeros((3, 2)), [0, 1, 2])
    with pytest.raises(ValueError, match="same number of samples"):
        Perceptron().fit(np.zeros((3, 2)), [0, 1])
