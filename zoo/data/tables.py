"""Reading tabular files (``.csv``, ``.tsv``, ``.parquet``) into columns, and typing them.

:func:`read_table` returns a :class:`Table`: the file's columns by name, each a
numpy object array of the raw cells. :func:`numeric_column` and
:func:`text_column` type a column, with the missing cells pandas recognises
(empty, ``NA``, ``NaN``, ``null``, ``None``...) marked. The training loaders
and ``zoo predict`` read files through these, so new data is read exactly as
the training file was.

No pandas is needed: CSV and TSV go through the standard library's ``csv``;
``.parquet`` needs ``pyarrow``.

Example:
    >>> table = read_table("wine.csv")
    >>> table.names[:3], len(table)  # doctest: +SKIP
    (['alcohol', 'malic_acid', 'ash'], 178)
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zoo.data.dataset import DataFileError

#: Extensions read as tables.
TABLE_EXTENSIONS = (".csv", ".tsv", ".parquet")
#: Cells read as missing: pandas' default ``na_values`` (and Python's ``None``).
MISSING = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                     "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                     "nan", "null"})


@dataclass
class Table:
    """A tabular file's columns: ``columns[name]`` is an object array of the raw cells.

    Attributes:
        path: The file it was read from (for messages).
        columns: Column name -> cells, in the file's column order.
    """

    path: Path
    columns: dict

    @property
    def names(self) -> list[str]:
        """The column names, in file order."""
        return list(self.columns)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def require(self, fn: str, names, what: str = "column") -> None:
        """Raise naming the file and listing its columns if any of ``names`` is absent."""
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise DataFileError(
                f"{fn}: {what} {', '.join(map(repr, missing))} not in '{self.path}'; its "
                f"columns are: {', '.join(self.names)}")


def read_table(path, *, fn: str = "read_table", delimiter: str | None = None) -> Table:
    """Read a ``.csv``, ``.tsv`` or ``.parquet`` file with a header row into a :class:`Table`.

    Args:
        path: The file.
        fn: The caller's name, for messages.
        delimiter: CSV field separator (default ``","`` for ``.csv``, tab for ``.tsv``).

    Returns:
        A :class:`Table`.

    Raises:
        DataFileError: no header, duplicate or empty column names, a row with the
            wrong number of fields (its line number), no data rows, text that is not
            UTF-8, or ``.parquet`` without ``pyarrow``.

    Example:
        >>> read_table("wine.csv").names[-1]  # doctest: +SKIP
        'label'
    """
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path, fn)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle, delimiter=delimiter))
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{fn}: '{path}' is not UTF-8 text ({exc.reason} at byte "
                            f"{exc.start})") from None
    except csv.Error as exc:
        raise DataFileError(f"{fn}: '{path}' is not valid CSV: {exc}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise DataFileError(f"{fn}: '{path}' is empty; expected a header row of column names "
                            "and one row per sample")
    header = [name.strip() for name in rows[0]]
    _check_header(fn, path, header)
    body = rows[1:]
    if not body:
        raise DataFileError(f"{fn}: '{path}' has a header but no data rows")
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataFileError(f"{fn}: '{path}' line {line} has {len(row)} field(s), the "
                                f"header {len(header)}")
    cells = np.asarray(body, dtype=object)
    return Table(path, {name: cells[:, i] for i, name in enumerate(header)})


def _check_header(fn, path, header):
    if any(not name for name in header):
        raise DataFileError(f"{fn}: '{path}' has an empty column name in its header row "
                            f"{header}")
    seen = set()
    for name in header:
        if name in seen:
            raise DataFileError(f"{fn}: '{path}' has two columns named {name!r}")
        seen.add(name)


def _read_parquet(path: Path, fn: str) -> Table:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(f"{fn}: reading '{path}' needs pyarrow (pip install pyarrow), or "
                            "save the table as .csv") from None
    try:
        columns = pq.read_table(path).to_pydict()
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a damaged file vary
        raise DataFileError(f"{fn}: '{path}' is not a readable parquet file: {exc}") from None
    if not columns or not len(next(iter(columns.values()))):
        raise DataFileError(f"{fn}: '{path}' holds no rows")
    _check_header(fn, path, list(columns))
    return Table(path, {name: np.asarray(values, dtype=object)
                        for name, values in columns.items()})


def is_missing(cell) -> bool:
    """Whether a raw cell is missing (``None``, NaN, or one of :data:`MISSING`)."""
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    return isinstance(cell, str) and cell.strip() in MISSING


def missing_mask(cells) -> np.ndarray:
    """Boolean mask of the missing cells of a column."""
    return np.fromiter((is_missing(c) for c in cells), dtype=bool, count=len(cells))


def numeric_column(cells) -> np.ndarray | None:
    """The column as float64 (missing cells NaN), or ``None`` if a cell is not a number."""
    try:  # numpy's own conversion first: the common case of a clean column, at C speed
        return np.asarray(cells, dtype=object).astype("float64")
    except (TypeError, ValueError):
        pass
    out = np.empty(len(cells), dtype="float64")
    for i, cell in enumerate(cells):
        if is_missing(cell):
            out[i] = np.nan
            continue
        try:
            out[i] = float(cell)
        except (TypeError, ValueError):
            return None
    return out


def text_column(cells) -> np.ndarray:
    """The column as stripped strings (missing cells ``""``); numbers as written."""
    return np.asarray(["" if is_missing(c) else _text(c) for c in cells], dtype=str)


def _text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def first_bad_number(cells) -> tuple[int, str]:
    """``(row, cell)`` of the first non-missing cell that is not a number (row from 0)."""
    for i, cell in enumerate(cells):
        if is_missing(cell):
            continue
        try:
            float(cell)
        except (TypeError, ValueError):
            return i, cell
    return -1, ""


__all__ = ["MISSING", "TABLE_EXTENSIONS", "Table", "first_bad_number", "is_missing",
           "missing_mask", "numeric_column", "read_table", "text_column"]
