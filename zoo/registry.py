"""The model registry: a dict of named factories plus a decorator (timm-style).

Example:
    >>> import zoo
    >>> "cnn" in zoo.list_models()
    True
    >>> model = zoo.create_model("fnn", input_shape=(64,), task="binary")
"""

from __future__ import annotations

import fnmatch
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from zoo._validate import suggest

#: The input representations a model family consumes (used by the data loaders,
#: the CLI and the tests to feed each model the right shape of data).
INPUT_KINDS = ("flat", "image", "sequence", "tokens", "latent")

#: What each input kind means, for ``zoo list`` (one entry per :data:`INPUT_KINDS`).
INPUT_KIND_HELP = {
    "flat": "vectors of features, shape (features,); images are flattened "
            "(digits representation=flat, classification, regression, tables)",
    "image": "images, shape (height, width, channels) (digits, mnist, fashion_mnist, "
             "cifar10); a CNN also takes (length, channels) signals",
    "sequence": "sequences, shape (timesteps, features) (series, digits "
                "representation=sequence), or token ids (timesteps,) with vocab_size (text)",
    "tokens": "token ids, shape (timesteps,)",
    "latent": "latent vectors, shape (latent_dim,)",
}


@dataclass(frozen=True)
class ModelSpec:
    """A registered factory and what it needs.

    Attributes:
        name: Registry name.
        factory: The function building the model.
        description: One line for ``zoo list``.
        input_kind: The data representation the model consumes (``INPUT_KINDS``).
        tags: Free-form labels; ``"unsupervised"`` models are fit on ``x`` alone.
        example_kwargs: ``f(dataset) -> dict`` giving the factory arguments for a
            :class:`zoo.data.Dataset` (default: ``dataset.model_kwargs()``). The CLI
            and the registry-wide tests build every model through it.
    """

    name: str
    factory: Callable
    description: str
    input_kind: str
    tags: tuple = field(default_factory=tuple)
    example_kwargs: Callable | None = None

    def kwargs_for(self, dataset) -> dict:
        """Factory arguments that fit ``dataset``."""
        if self.example_kwargs is not None:
            return dict(self.example_kwargs(dataset))
        return dataset.model_kwargs()


_REGISTRY: dict[str, ModelSpec] = {}


def register_model(name: str | Callable | None = None, *, description: str | None = None,
                   input_kind: str = "flat", tags=(), example_kwargs: Callable | None = None):
    """Register a model factory under ``name``; usable bare or with arguments.

    Args:
        name: Registry name; defaults to the function name without ``build_``.
        description: One-line description; defaults to the docstring's first line.
        input_kind: The data representation the model consumes (see ``INPUT_KINDS``).
        tags: Free-form labels (``"unsupervised"``: fit on ``x`` alone).
        example_kwargs: ``f(dataset) -> dict`` of factory arguments for a data set.

    Returns:
        The decorator (or, used bare, the function itself, unchanged).

    Raises:
        ValueError: the name is already registered or ``input_kind`` is unknown.

    Example:
        >>> @register_model("my_mlp", input_kind="flat")
        ... def build_my_mlp(input_shape, *, task, **kw):
        ...     return zoo.build_fnn(input_shape, task=task, hidden_units=(16,), **kw)
    """
    if input_kind not in INPUT_KINDS:
        raise ValueError(f"register_model: unknown input_kind={input_kind!r}; expected one of "
                         f"{', '.join(INPUT_KINDS)}")

    def decorator(func: Callable) -> Callable:
        key = name if isinstance(name, str) else func.__name__.removeprefix("build_")
        if key in _REGISTRY:
            raise ValueError(f"register_model: a model named {key!r} is already registered "
                             f"(by {_REGISTRY[key].factory.__module__}."
                             f"{_REGISTRY[key].factory.__name__})")
        doc = (inspect.getdoc(func) or "").strip().splitlines()
        _REGISTRY[key] = ModelSpec(key, func, description or (doc[0] if doc else ""),
                                   input_kind, tuple(tags), example_kwargs)
        return func

    if callable(name):
        return decorator(name)
    return decorator


def unregister_model(name: str) -> None:
    """Remove a registered model (for tests and interactive sessions)."""
    get_spec(name)
    del _REGISTRY[name]


def list_models(pattern: str = "*") -> list[str]:
    """Registered model names matching a shell-style wildcard ``pattern``, sorted.

    Example:
        >>> list_models("*lstm")
        ['bilstm', 'lstm']
    """
    _load_builtin_models()
    return sorted(n for n in _REGISTRY if fnmatch.fnmatch(n, pattern))


def get_spec(name: str) -> ModelSpec:
    """Return the :class:`ModelSpec` for ``name``.

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: unknown name; the message lists the known ones and the nearest.
    """
    _load_builtin_models()
    if not isinstance(name, str):
        raise TypeError(f"create_model: model `name` must be a string, received {name!r}")
    if name not in _REGISTRY:
        known = sorted(_REGISTRY)
        raise ValueError(f"unknown model {name!r}; registered models: {', '.join(known)}."
                         f"{suggest(name, known)}")
    return _REGISTRY[name]


def create_model(name: str, **kwargs):
    """Build the registered model ``name`` with ``kwargs`` passed to its factory.

    Args:
        name: A name from :func:`list_models`.
        **kwargs: The factory's arguments (``input_shape``, ``task``, ...).

    Returns:
        What the factory returns (a ``keras.Model``).

    Raises:
        ValueError: unknown model name, or a bad argument reported by the factory.
        TypeError: an argument the factory does not take.

    Example:
        >>> model = create_model("cnn", input_shape=(8, 8, 1), task="multiclass", num_classes=10)
    """
    spec = get_spec(name)
    params = inspect.signature(spec.factory).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        unknown = sorted(set(kwargs) - set(params))
        if unknown:
            raise TypeError(f"create_model({name!r}): unexpected argument(s) {', '.join(unknown)};"
                            f" {spec.factory.__name__} takes {', '.join(params)}")
    return spec.factory(**kwargs)


def _load_builtin_models() -> None:
    # Importing the families registers them; done lazily so `zoo.registry` has no cycle.
    import zoo.models  # noqa: F401
