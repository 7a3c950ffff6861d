"""Lazy packages (PEP 562): public names imported from their modules on first use."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_attributes(package: str, attributes: dict[str, str], *,
                    before: Callable[[], object] | None = None):
    """The module ``__getattr__`` and ``__dir__`` of a package whose names load on first use.

    Args:
        package: The package's ``__name__``.
        attributes: ``{public name: module that defines it}``.
        before: Called before the first import of a name (``zoo.backend.import_keras``
            to import Keras quietly), or ``None``.

    Returns:
        ``(__getattr__, __dir__)``, to assign at the package's module level. A name
        found is cached in the package, so ``__getattr__`` runs once per name.

    Example:
        >>> _ATTRIBUTES = {"DCGAN": "zoo.gan.model"}
        >>> __getattr__, __dir__ = lazy_attributes(__name__, _ATTRIBUTES)
    """
    def __getattr__(name: str):
        if name not in attributes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if before is not None:
            before()
        value = getattr(importlib.import_module(attributes[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(attributes))

    return __getattr__, __dir__
