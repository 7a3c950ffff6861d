"""Plain-Python argument checks shared by every public entry point.

Each check runs before any TensorFlow work and raises a ``ValueError`` or
``TypeError`` whose message names the function, the parameter, the value
received and what is allowed, for example::

    build_cnn: `filters` must be a non-empty sequence of positive ints,
    received filters=(32, 0)
"""

from __future__ import annotations

import contextvars
import difflib
import math
import numbers
from collections.abc import Iterable, Sequence


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def suggest(value, choices: Iterable[str]) -> str:
    """Return a " Did you mean 'x'?" hint for a misspelt option, or ""."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_positive_int(fn: str, name: str, value, *, allow_zero: bool = False) -> int:
    """Return ``value`` as an int if it is a positive (or non-negative) int."""
    low = 0 if allow_zero else 1
    if not _is_int(value):
        raise TypeError(
            f"{fn}: `{name}` must be an int >= {low}, received {name}={value!r} "
            f"of type {type(value).__name__}"
        )
    if value < low:
        raise ValueError(f"{fn}: `{name}` must be an int >= {low}, received {name}={value!r}")
    return int(value)


def check_items(fn: str, name: str, value, items, what: str, *, kind, valid) -> None:
    """Check each item of the sequence ``value`` (its items ``items``).

    Raises:
        TypeError: an item for which ``kind(item)`` is false (the message names it).
        ValueError: an item for which ``valid(item)`` is false; both messages say
            ``value`` must be ``what``.
    """
    for item in items:
        if not kind(item):
            raise TypeError(
                f"{fn}: `{name}` must be {what}, received {name}={value!r} "
                f"(item {item!r} is a {type(item).__name__})"
            )
        if not valid(item):
            raise ValueError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")


def check_int_sequence(
    fn: str, name: str, value, *, allow_empty: bool = False, allow_zero: bool = False
) -> tuple[int, ...]:
    """Return ``value`` as a tuple of positive ints; a single int is accepted as a 1-tuple."""
    kind = "positive" if not allow_zero else "non-negative"
    what = f"{'a' if allow_empty else 'a non-empty'} sequence of {kind} ints"
    if _is_int(value):
        value = (value,)
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")
    items = tuple(value)
    if not items and not allow_empty:
        raise ValueError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")
    check_items(fn, name, value, items, what, kind=_is_int,
                valid=lambda item: item > 0 or (item == 0 and allow_zero))
    return tuple(int(i) for i in items)


def check_number(
    fn: str,
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float if it is a finite real number inside the given bounds."""
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    interval = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
    if not _is_number(value):
        raise TypeError(
            f"{fn}: `{name}` must be a number in {interval}, received {name}={value!r} "
            f"of type {type(value).__name__}"
        )
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{fn}: `{name}` must be a finite number in {interval}, received "
                         f"{name}={value!r}")
    bad = False
    if low is not None:
        bad = bad or (value < low if low_inclusive else value <= low)
    if high is not None:
        bad = bad or (value > high if high_inclusive else value >= high)
    if bad:
        raise ValueError(f"{fn}: `{name}` must be a number in {interval}, received {name}={value!r}")
    return value


def check_fraction(fn: str, name: str, value) -> float:
    """Return ``value`` if it lies in [0, 1) (a dropout-style rate)."""
    return check_number(fn, name, value, low=0.0, high=1.0, high_inclusive=False)


def check_bool(fn: str, name: str, value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{fn}: `{name}` must be True or False, received {name}={value!r}")
    return value


def check_choice(fn: str, name: str, value, choices: Iterable, *, allow_none: bool = False):
    """Return ``value`` if it is one of ``choices`` (strings compared lower-case)."""
    choices = list(choices)
    if value is None and allow_none:
        return None
    key = value.lower() if isinstance(value, str) else value
    if key not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        if allow_none:
            allowed += ", None"
        raise ValueError(
            f"{fn}: unknown {name}={value!r}; expected one of {allowed}.{suggest(value, choices)}"
        )
    return key


def check_shape(fn: str, name: str, value, *, ranks: Iterable[int], allow_none_dims: bool = False):
    """Return ``value`` as a tuple shape (batch axis excluded) of one of the given ranks.

    A bare int is read as a rank-1 shape. ``None`` dimensions are refused unless
    ``allow_none_dims`` (variable-length sequences).
    """
    ranks = tuple(ranks)
    expected = " or ".join(str(r) for r in ranks)
    if _is_int(value):
        value = (value,)
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"{fn}: `{name}` must be a tuple of {expected} positive ints (batch axis excluded), "
            f"received {name}={value!r}"
        )
    shape = tuple(value)
    if len(shape) not in ranks:
        raise ValueError(
            f"{fn}: `{name}` must have rank {expected} (batch axis excluded), "
            f"received {name}={value!r} of rank {len(shape)}"
        )
    for dim in shape:
        if dim is None and allow_none_dims:
            continue
        if not _is_int(dim) or dim < 1:
            raise ValueError(
                f"{fn}: every dimension of `{name}` must be a positive int, received {name}={value!r}"
            )
    return tuple(None if d is None else int(d) for d in shape)


# ------------------------------------------------- a factory's checks, without building

_CHECKING_ONLY = contextvars.ContextVar("zoo_checking_only", default=False)


class ArgumentsChecked(Exception):  # noqa: N818 - a signal, not an error
    """Raised by :func:`build_starts` under :func:`check_arguments`: the checks passed."""


def checking_only() -> bool:
    """Whether a factory runs under :func:`check_arguments` (only its checks, no build)."""
    return _CHECKING_ONLY.get()


def build_starts() -> None:
    """Mark the end of a factory's argument checks, before it imports Keras and builds.

    Every zoo factory calls it there. Under :func:`check_arguments` it stops the
    factory (raising :class:`ArgumentsChecked`); otherwise it does nothing.
    """
    if _CHECKING_ONLY.get():
        raise ArgumentsChecked()


def check_arguments(factory, **kwargs) -> None:
    """Run ``factory(**kwargs)``'s own argument checks, without building (or importing Keras).

    The jobs call it before they import Keras, so that a bad factory argument
    (``zoo train fnn --activation relux``) is refused at once, with the factory's
    own message. It applies to the zoo's factories, which call
    :func:`build_starts` after their checks; another factory (a user's) is not
    called here and checks its arguments when it builds.

    Raises:
        ValueError, TypeError: what the factory raises for a bad argument.
        RuntimeError: a zoo factory that built a model without calling
            :func:`build_starts` first.

    Example:
        >>> from zoo.models.fnn import build_fnn
        >>> check_arguments(build_fnn, input_shape=(4,), task="binary", activation="relux")
        Traceback (most recent call last):
        ...
        ValueError: build_fnn: unknown activation='relux'; ...
    """
    if not getattr(factory, "__module__", "").startswith("zoo."):
        return
    token = _CHECKING_ONLY.set(True)
    try:
        factory(**kwargs)
    except ArgumentsChecked:
        return
    finally:
        _CHECKING_ONLY.reset(token)
    raise RuntimeError(f"{factory.__name__} built a model while only its arguments were "
                       "checked: call zoo._validate.build_starts() after the checks")


def check_output_dir(fn: str, name: str, path):
    """Return ``path`` as a ``Path`` once it is known to hold a job's files; leave nothing behind.

    The directory may exist (it is then used as it is) or not (its missing parents
    must be creatable). It is proved writable the only sure way, by creating it and
    writing and removing a probe file; the directories created for the probe are
    removed again, so a job refused later leaves no trace. Run it before the first
    epoch, so a job never trains for an hour and then fails to save.

    Args:
        fn: The caller's name, for messages.
        name: The parameter's name (``"out_dir"``, ``"directory"``...).
        path: The output directory.

    Returns:
        ``pathlib.Path(path)``.

    Raises:
        ValueError: an empty path, a path that is a file or lies under one, or a
            directory that cannot be created or written (read-only file system,
            permissions); the message names the path and the reason.
        TypeError: ``path`` is not a string or path.

    Example:
        >>> check_output_dir("train", "out_dir", "/tmp/zoo_probe_example/run")
        PosixPath('/tmp/zoo_probe_example/run')
    """
    import os
    from pathlib import Path

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{fn}: `{name}` must be a directory path, received {name}={path!r}")
    text = os.fspath(path)
    if not str(text).strip():
        raise ValueError(f"{fn}: `{name}` must name a directory, received {name}={text!r} "
                         "(an empty path would write into the current directory)")
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{fn}: `{name}` {text!r} is a file, not a directory; choose a "
                         "directory (it is created if missing)")
    missing, ancestor = [], out.absolute()
    while not ancestor.exists() and ancestor != ancestor.parent:
        missing.append(ancestor)
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValueError(f"{fn}: `{name}` {text!r} cannot be created: {str(ancestor)!r} is a "
                         "file, not a directory")
    try:
        for directory in reversed(missing):
            directory.mkdir()
        probe = out / f".zoo-write-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ValueError(f"{fn}: `{name}` {text!r} is not a writable directory ({reason}); "
                         "choose a directory this user can write to") from None
    finally:
        for directory in missing:  # deepest first
            try:
                directory.rmdir()
            except OSError:
                pass
    return out
