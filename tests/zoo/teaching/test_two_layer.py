"""zoo.teaching.two_layer: the NumPy two-layer network, checked against Keras."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.teaching import TwoLayerNet, softmax


def _blobs(n=240, seed=0):
    from sklearn.datasets import make_blobs

    x, y = make_blobs(n_samples=n, centers=3, n_features=5, cluster_std=2.5, random_state=seed)
    return (x - x.mean(0)) / x.std(0), y


def _keras_twin(net, activation):
    import keras

    n_in, n_hidden = net.params["W1"].shape
    model = keras.Sequential([
        keras.Input((n_in,), dtype="float64"),
        keras.layers.Dense(n_hidden, activation=activation, dtype="float64"),
        keras.layers.Dense(net.n_classes, activation="softmax", dtype="float64"),
    ])
    model.set_weights(net.get_weights())
    return model


@pytest.mark.needs_tensorflow(reason="the NumPy gradients are checked against tf.GradientTape "
                                      "in float64 (JAX computes in float32 by default)")
@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_backprop_gradients_match_gradient_tape(activation):
    import tensorflow as tf

    x, y = _blobs(64)
    net = TwoLayerNet(5, 7, 3, activation=activation, seed=1)
    loss, grads = net.gradients(x, y)

    variables = [tf.Variable(w) for w in net.get_weights()]
    act = {"sigmoid": tf.sigmoid, "relu": tf.nn.relu, "tanh": tf.tanh}[activation]
    with tf.GradientTape() as tape:
        hidden = act(tf.constant(x) @ variables[0] + variables[1])
        logits = hidden @ variables[2] + variables[3]
        tf_loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    tf_grads = tape.gradient(tf_loss, variables)

    assert abs(loss - float(tf_loss)) < 1e-12
    for key, g_tf in zip(net.PARAMS, tf_grads, strict=True):
        g_tf = g_tf.numpy()
        rel = np.linalg.norm(grads[key] - g_tf) / max(np.linalg.norm(grads[key])
                                                      + np.linalg.norm(g_tf), 1e-12)
        assert rel < 1e-5, (key, rel)


def test_gradients_match_finite_differences():
    x, y = _blobs(20)
    net = TwoLayerNet(5, 4, 3, seed=2)
    _, grads = net.gradients(x, y)
    eps = 1e-6
    for key in net.PARAMS:
        flat = net.params[key].reshape(-1)
        for i in range(0, flat.size, max(1, flat.size // 5)):
            old = flat[i]
            flat[i] = old + eps
            up = net.loss(x, y)
            flat[i] = old - eps
            down = net.loss(x, y)
            flat[i] = old
            assert abs((up - down) / (2 * eps) - grads[key].reshape(-1)[i]) < 1e-6


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_numpy_gradient_descent_reaches_the_loss_of_keras_sgd(activation):
    import keras

    x, y = _blobs(120, seed=4)
    x = x + np.random.default_rng(0).normal(scale=1.5, size=x.shape)  # overlapping classes
    net = TwoLayerNet(5, 16, 3, activation=activation, seed=0)
    model = _keras_twin(net, activation)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2),
                  loss="sparse_categorical_crossentropy")
    steps = 300
    initial = net.loss(x, y)
    ours = net.fit(x, y, epochs=steps, learning_rate=0.2)
    # One epoch of `steps` full-batch steps (one fit call keeps Keras' overhead low).
    model.fit(np.tile(x, (steps, 1)), np.tile(y, steps), batch_size=len(x), epochs=1,
              shuffle=False, verbose=0)

    final_ours = net.loss(x, y)
    final_keras = float(model.evaluate(x, y, batch_size=len(x), verbose=0))
    assert ours[0] == pytest.approx(initial)
    assert final_ours < 0.75 * initial  # it learns
    print(f"{activation}: loss {initial:.6f} -> numpy {final_ours:.8f}, keras {final_keras:.8f}")
    assert final_ours == pytest.approx(final_keras, rel=1e-6)
    for mine, keras_w in zip(net.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(mine, keras_w, rtol=1e-5, atol=1e-7)


def test_two_layer_net_learns_xor():
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    net = TwoLayerNet(2, 8, 2, activation="tanh", seed=0)
    net.fit(x, y, epochs=2000, learning_rate=0.5)
    assert net.predict(x).tolist() == [0, 1, 1, 0]


def test_minibatch_fit_is_seeded():
    x, y = _blobs(100)
    a, b = TwoLayerNet(5, 6, 3, seed=0), TwoLayerNet(5, 6, 3, seed=0)
    assert a.fit(x, y, epochs=5, batch_size=16, seed=1) == b.fit(x, y, epochs=5, batch_size=16,
                                                                 seed=1)


def test_softmax_is_stable():
    p = softmax(np.array([[1000.0, 1000.0], [-1000.0, 0.0]]))
    np.testing.assert_allclose(p, [[0.5, 0.5], [0.0, 1.0]])


@pytest.mark.parametrize("kwargs, match", [
    ({"n_classes": 1}, "n_classes"),
    ({"activation": "softsign"}, "activation"),
    ({"n_hidden": 0}, "n_hidden"),
])
def test_two_layer_net_bad_arguments(kwargs, match):
    args = {"n_inputs": 3, "n_hidden": 4, "n_classes": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        TwoLayerNet(args.pop("n_inputs"), args.pop("n_hidden"), args.pop("n_classes"), **args)


def test_two_layer_net_bad_labels():
    net = TwoLayerNet(3, 4, 2)
    with pytest.raises(ValueError, match="integer labels in \\[0, 2\\)"):
        net.gradients(np.zeros((2, 3)), [0, 2])
    with pytest.raises(ValueError, match="3 features"):
        net.loss(np.zeros((2, 4)), [0, 1])
