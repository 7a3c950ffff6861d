"""Resolve weight-initializer specs, including the activation-aware ``"auto"``.

``resolve`` is the one place every factory turns a user's ``kernel_initializer``
argument into a fresh ``keras.initializers.Initializer``:

* a Keras initializer name (``"he_normal"``, ``"glorot_uniform"``, ``"orthogonal"``...),
* an alias (``"he"``/``"kaiming"`` -> He normal, ``"xavier"``/``"glorot"`` -> Glorot
  uniform, ``"lecun"`` -> LeCun normal),
* an ``Initializer`` instance (copied, so layers never share one object),
* ``"auto"``: He normal for the ReLU family (relu, leaky_relu, elu, gelu,
  swish/silu, relu6, mish), LeCun normal for selu (self-normalising networks
  need it), Glorot uniform otherwise (sigmoid, tanh, linear, softmax...).
"""

from __future__ import annotations

import sys

from zoo._validate import check_positive_int, suggest

#: Initializer names Keras resolves, mapped to their canonical Keras name.
KERAS_INITIALIZERS = (
    "zeros",
    "ones",
    "random_normal",
    "random_uniform",
    "truncated_normal",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "orthogonal",
    "identity",
    "variance_scaling",
)

ALIASES = {
    "he": "he_normal",
    "kaiming": "he_normal",
    "kaiming_normal": "he_normal",
    "kaiming_uniform": "he_uniform",
    "xavier": "glorot_uniform",
    "xavier_uniform": "glorot_uniform",
    "xavier_normal": "glorot_normal",
    "glorot": "glorot_uniform",
    "lecun": "lecun_normal",
    "normal": "random_normal",
    "uniform": "random_uniform",
    "zero": "zeros",
}

#: Activations whose positive half is (close to) linear: He initialization keeps
#: the forward variance constant for them (He et al., 2015).
RELU_FAMILY = frozenset(
    {"relu", "leaky_relu", "elu", "gelu", "swish", "silu", "relu6", "mish", "celu", "hard_swish",
     "hard_silu"}
)

_SEEDLESS = {"zeros", "ones", "identity"}


def known_names() -> tuple[str, ...]:
    """All accepted string specs: Keras names, aliases and ``"auto"``."""
    return ("auto",) + KERAS_INITIALIZERS + tuple(ALIASES)


def auto_name(activation) -> str:
    """Return the initializer name ``"auto"`` picks for ``activation``.

    Example:
        >>> auto_name("relu"), auto_name("selu"), auto_name("tanh")
        ('he_normal', 'lecun_normal', 'glorot_uniform')
    """
    act = activation if isinstance(activation, str) else getattr(activation, "__name__", "")
    act = (act or "").lower()
    if act in RELU_FAMILY:
        return "he_normal"
    if act == "selu":
        return "lecun_normal"
    return "glorot_uniform"


def validate(spec, *, fn: str = "resolve", name: str = "kernel_initializer"):
    """Check an initializer spec without building anything; return it normalised.

    A name is checked without importing Keras (an ``Initializer`` object means the
    caller has imported it already).

    Raises:
        TypeError: ``spec`` is not a string or Initializer.
        ValueError: ``spec`` is an unknown name.
    """
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(spec, keras.initializers.Initializer):
        return spec
    if not isinstance(spec, str):
        raise TypeError(
            f"{fn}: `{name}` must be an initializer name or a keras.initializers.Initializer, "
            f"received {name}={spec!r} of type {type(spec).__name__}"
        )
    key = spec.lower()
    if key != "auto" and key not in KERAS_INITIALIZERS and key not in ALIASES:
        raise ValueError(
            f"{fn}: unknown {name}={spec!r}; expected 'auto', a Keras initializer name "
            f"({', '.join(KERAS_INITIALIZERS)}) or an alias ({', '.join(ALIASES)})."
            f"{suggest(key, known_names())}"
        )
    return key


def resolve(spec="auto", activation=None, *, seed: int | None = None):
    """Turn an initializer spec into a fresh ``keras.initializers.Initializer``.

    Args:
        spec: Keras initializer name, alias (``"he"``, ``"kaiming"``, ``"xavier"``,
            ``"glorot"``, ``"lecun"``), ``"auto"`` or an ``Initializer`` instance.
        activation: The activation that follows the layer; only used by ``"auto"``.
        seed: Optional int seed; the same seed gives the same weights. Ignored for
            an ``Initializer`` instance, which keeps its own seed.

    Returns:
        A new ``keras.initializers.Initializer``.

    Raises:
        TypeError: ``spec`` is neither a string nor an Initializer, or ``seed`` is not an int.
        ValueError: ``spec`` is an unknown name.

    Example:
        >>> init = resolve("auto", activation="relu", seed=0)
        >>> type(init).__name__
        'HeNormal'
    """
    import keras

    if seed is not None:
        check_positive_int("resolve", "seed", seed, allow_zero=True)
    key = validate(spec)
    if isinstance(key, keras.initializers.Initializer):
        # A copy, so that two layers never hold the same stateful object.
        return key.__class__.from_config(key.get_config())
    if key == "auto":
        key = auto_name(activation)
    key = ALIASES.get(key, key)
    if key in _SEEDLESS:
        return keras.initializers.get(key)
    config = {"seed": seed} if seed is not None else {}
    return keras.initializers.get({"class_name": key, "config": config})
