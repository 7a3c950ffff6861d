"""Deep-learning fundamentals from scratch in NumPy: the perceptron and backpropagation.

Two small, readable reference implementations for teaching, each checked against a
library in the tests:

* :class:`Perceptron` (:mod:`zoo.teaching.perceptron`): Rosenblatt's learning rule
  (it agrees with ``sklearn.linear_model.Perceptron`` trained the same way).
* :class:`TwoLayerNet` (:mod:`zoo.teaching.two_layer`): one hidden layer (sigmoid,
  tanh or ReLU) and a softmax output with cross-entropy, with forward and backward
  propagation written out by hand (its gradients match ``tf.GradientTape``; its
  gradient descent follows Keras ``SGD`` from the same weights).

Everything is float64 NumPy; nothing here imports TensorFlow.

Example:
    >>> import numpy as np
    >>> from zoo.teaching import Perceptron
    >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> p = Perceptron(max_epochs=20).fit(x, np.array([0, 0, 0, 1]))   # AND
    >>> p.converged_, p.predict(x).tolist()
    (True, [0, 0, 0, 1])
"""

from zoo.teaching.perceptron import Perceptron
from zoo.teaching.two_layer import HIDDEN_ACTIVATIONS, TwoLayerNet, softmax

__all__ = ["HIDDEN_ACTIVATIONS", "Perceptron", "TwoLayerNet", "softmax"]
