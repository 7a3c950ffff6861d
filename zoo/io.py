"""Files and text shared by the library and the command line: JSON, tables, ``KEY=VALUE``.

* :func:`write_json` writes strict JSON (never ``NaN`` or ``Infinity``, which
  most JSON readers refuse): non-finite numbers become ``null`` and, in a dict
  payload, the key ``"non_finite_values"`` lists where they were. The file is
  replaced atomically, so a reader never sees half of it.
* :func:`read_json` names the file and what is wrong with it.
* :func:`format_table` renders rows of dicts as an aligned plain-text table.
* :func:`show_progress` shows one progress line of a long job (a trial, a run)
  where Keras shows its progress bars.
* :func:`notes_only_if_accepted` holds a logger's notes until a check has passed,
  so refused input reports its one error only.
* :func:`parse_value`, :func:`parse_key_value` and :func:`parse_range` read the
  one value syntax of every ``KEY=VALUE`` option of the ``zoo`` commands
  (``--param``, ``--data-option``, ``--schedule-arg``, ``--fixed``, ``--range``,
  ``--vary``); ``docs/cli.md`` documents it once for users.

Nothing here imports Keras or a backend, so the command line can use it before
any heavy import.
"""

from __future__ import annotations

import ast
import contextlib
import json
import logging
import math
import os
import sys
import threading
from pathlib import Path

#: Key under which :func:`write_json` lists the non-finite numbers it wrote as ``null``.
NON_FINITE_KEY = "non_finite_values"
_NON_FINITE_WORDS = ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")


def jsonable(obj, *, notes: list | None = None, _path: str = "$"):
    """``obj`` as plain JSON types: numpy scalars and arrays, tuples, paths converted.

    Non-finite floats become ``None``; with ``notes`` given, the path of each
    (``"$.trials[3].score"``) is appended to it. Objects JSON has no type for are
    written as their ``repr``.

    Args:
        obj: Any nesting of dicts, lists, tuples, numbers, strings, numpy values.
        notes: A list collecting the paths of non-finite numbers, or ``None``.

    Returns:
        An object ``json.dumps(..., allow_nan=False)`` accepts.

    Example:
        >>> import numpy as np
        >>> notes = []
        >>> jsonable({"a": np.float32(0.5), "b": (1, float("nan"))}, notes=notes), notes
        ({'a': 0.5, 'b': [1, None]}, ['$.b[1]'])
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v, notes=notes, _path=f"{_path}.{k}") for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v, notes=notes, _path=f"{_path}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        if notes is not None:
            notes.append(_path)
        return None
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    item = getattr(obj, "item", None)  # numpy scalars and 0-d arrays
    tolist = getattr(obj, "tolist", None)  # numpy arrays
    if callable(tolist) and getattr(obj, "ndim", 0) > 0:
        return jsonable(tolist(), notes=notes, _path=_path)
    if callable(item):
        try:
            return jsonable(item(), notes=notes, _path=_path)
        except (TypeError, ValueError):
            pass
    return repr(obj)


def dumps(payload, *, indent: int | None = 2) -> str:
    """Strict JSON text of ``payload`` (see :func:`write_json` for non-finite numbers)."""
    notes: list = []
    data = jsonable(payload, notes=notes)
    if notes and isinstance(data, dict):
        data[NON_FINITE_KEY] = notes
    return json.dumps(data, indent=indent, allow_nan=False)


def write_json(path, payload) -> Path:
    """Write ``payload`` to ``path`` as strict, indented JSON, atomically.

    Args:
        path: Destination file; its folder is created.
        payload: What to write (see :func:`jsonable`). Non-finite numbers are written
            as ``null``; a dict payload then gains ``"non_finite_values"``, the list
            of where they were.

    Returns:
        The path written.

    Raises:
        OSError: the file cannot be written.

    Example:
        >>> write_json("/tmp/zoo_io_example.json", {"loss": float("nan")}).read_text()
        '{\\n  "loss": null,\\n  "non_finite_values": [\\n    "$.loss"\\n  ]\\n}\\n'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dumps(payload) + "\n"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def read_json(path, *, what: str = "file"):
    """Read a JSON file, with errors that name the file.

    Args:
        path: The file.
        what: What the file is, for the message (``"job manifest"``...).

    Returns:
        The decoded JSON value.

    Raises:
        FileNotFoundError: no such file (the message names it).
        ValueError: the file is not valid JSON (the message names it and the error).

    Example:
        >>> path = write_json("/tmp/zoo_io_read.json", {"loss": 0.5})
        >>> read_json(path, what="report")
        {'loss': 0.5}
    """
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{what} {path} cannot be read ({exc})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{what} {path} is not valid JSON ({exc})") from None


def format_table(rows: list[dict], columns: list[str] | None = None, *,
                 float_format: str = ".4g", empty: str = "(no rows)") -> str:
    """Render dict rows as an aligned plain-text table with a header rule.

    Args:
        rows: One dict per row.
        columns: Column keys in order (default: the first row's keys).
        float_format: Format of float cells.
        empty: Text returned when there are no rows.

    Returns:
        The table as one string.

    Example:
        >>> print(format_table([{"split": "test", "accuracy": 0.97531}]))
        split  accuracy
        -----  --------
        test   0.9753
    """
    if not rows:
        return empty
    columns = list(columns or rows[0])

    def cell(value):
        if isinstance(value, float):
            return format(value, float_format)
        return "" if value is None else str(value)

    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
              for row in cells]
    return "\n".join(lines)


# --------------------------------------------------------------- logs and progress


@contextlib.contextmanager
def notes_only_if_accepted(logger: logging.Logger):
    """Hold what this thread logs on ``logger`` until the block ends; log it only if
    the block raised nothing.

    Loading data logs notes (files ignored, a default chosen) before the checks that
    may refuse the data; a refusal should say its one error, not the notes before it
    (the command line prints one stderr line). Nested blocks hand their notes to the
    enclosing one; records of other threads pass untouched.

    Args:
        logger: The logger whose records are held (not its children's).

    Example:
        >>> log = logging.getLogger("zoo.data")
        >>> with notes_only_if_accepted(log):
        ...     log.info("ignored 1 file")        # logged when the block ends
    """
    held = []
    this_thread = threading.get_ident()

    def hold(record):
        if record.thread != this_thread:
            return True
        held.append(record)
        return False

    logger.addFilter(hold)
    try:
        yield
    finally:
        logger.removeFilter(hold)
    for record in held:  # reached only when the block raised nothing
        logger.handle(record)


def show_progress(line: str, logger: logging.Logger | None = None) -> None:
    """Show one progress line of a long job the way Keras shows its progress bars.

    On stdout, flushed, like ``model.fit(verbose=1)``; through ``logger`` at INFO
    instead when Keras' interactive logging is off
    (``keras.config.disable_interactive_logging()``, e.g. for log files), as Keras
    does with its own progress. The jobs call it only when their ``verbose`` asks
    for progress, and then do not log the same line, so nothing shows twice.

    Args:
        line: The text, one line.
        logger: Where the line goes without interactive logging (default: ``zoo``).

    Example:
        >>> show_progress("[trial 1/10] val_loss=0.1234")
        [trial 1/10] val_loss=0.1234
    """
    keras = sys.modules.get("keras")
    config = getattr(keras, "config", None)
    if config is not None and not config.is_interactive_logging_enabled():
        (logger or logging.getLogger("zoo")).info("%s", line)
        return
    print(line, flush=True)


# --------------------------------------------------------------- KEY=VALUE syntax


def _scalar(text: str, option: str):
    stripped = text.strip()
    lowered = stripped.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    if lowered in _NON_FINITE_WORDS:
        raise ValueError(f"{option}: {stripped!r} is not a finite number")
    try:
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return stripped
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{option}: {stripped!r} is not a finite number")
    if isinstance(value, (list, tuple)):
        return tuple(_check_finite(v, stripped, option) for v in value)
    if isinstance(value, (dict, set, bytes, complex)):
        return stripped  # not part of the syntax: keep the text
    return value


def _check_finite(value, text, option):
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{option}: {text!r} holds a number that is not finite")
    return value


def parse_value(text: str, *, option: str = "value"):
    """Read one command-line value.

    The syntax of every ``KEY=VALUE`` option:

    * ``true``/``false`` (any case): booleans; ``none``/``null``: ``None``;
    * numbers (``64``, ``-3``, ``1e-3``), which must be finite;
    * ``64,32`` or ``[64, 32]`` or ``(64, 32)``: a tuple, its items read the same way;
    * anything else (``relu``, ``'he normal'``): a string.

    Args:
        text: The value as typed.
        option: The option's name, for the message (``"--param hidden_units"``).

    Returns:
        The value.

    Raises:
        ValueError: a non-finite number (``inf``, ``nan``, ``1e999``).

    Example:
        >>> parse_value("64,32"), parse_value("1e-3"), parse_value("relu"), parse_value("TRUE")
        ((64, 32), 0.001, 'relu', True)
    """
    if "," in text and not text.strip().startswith(("[", "(", "'", '"')):
        return tuple(_scalar(part, option) for part in text.split(",") if part.strip())
    return _scalar(text, option)


def parse_key_value(text: str, *, option: str = "--param") -> tuple[str, object]:
    """Split ``KEY=VALUE`` and read the value with :func:`parse_value`.

    Args:
        text: ``"KEY=VALUE"`` as typed.
        option: The option's name, for the message.

    Returns:
        ``(key, value)``.

    Raises:
        ValueError: no ``=``, an empty key, or a bad value.

    Example:
        >>> parse_key_value("hidden_units=128,64")
        ('hidden_units', (128, 64))
    """
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"{option} expects KEY=VALUE, received {text!r}")
    key = key.strip()
    return key, parse_value(value, option=f"{option} {key}")


def parse_range(text: str, *, option: str = "--range") -> tuple[str, object]:
    """Read ``NAME=LOW:HIGH`` (a numeric interval) or ``NAME=A,B,C`` (choices).

    Args:
        text: As typed after ``--range``.
        option: The option's name, for the message.

    Returns:
        ``(name, (low, high))`` for an interval, ``(name, [choices])`` otherwise.

    Raises:
        ValueError: no ``=``, an interval whose ends are not finite numbers.

    Example:
        >>> parse_range("learning_rate=1e-4:1e-2"), parse_range("filters=16,32")
        (('learning_rate', (0.0001, 0.01)), ('filters', [16, 32]))
    """
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"{option} expects NAME=LOW:HIGH or NAME=A,B,..., received {text!r}")
    key = key.strip()
    where = f"{option} {key}"
    if ":" in value and not value.strip().startswith(("[", "(")):
        low, _, high = value.partition(":")
        ends = []
        for end in (low, high):
            try:
                number = parse_value(end, option=where)
            except ValueError:
                number = None
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                raise ValueError(f"{where}: LOW:HIGH must be two finite numbers, received "
                                 f"{value!r}")
            ends.append(number)
        return key, tuple(ends)
    parsed = parse_value(value, option=where)
    return key, list(parsed) if isinstance(parsed, tuple) else [parsed]
