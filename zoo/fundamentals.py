"""Deprecated: the NumPy perceptron and two-layer network moved to :mod:`zoo.teaching`.

This module re-exports them from there and warns once on import.
"""

import warnings

from zoo.teaching import HIDDEN_ACTIVATIONS, Perceptron, TwoLayerNet, softmax

warnings.warn("zoo.fundamentals is deprecated: import Perceptron, TwoLayerNet and softmax "
              "from zoo.teaching", DeprecationWarning, stacklevel=2)

__all__ = ["HIDDEN_ACTIVATIONS", "Perceptron", "TwoLayerNet", "softmax"]
