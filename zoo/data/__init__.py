"""Data sets as seeded train/validation/test splits of numpy arrays.

The built-in sets (:mod:`zoo.data.builtin` describes each): ``digits``,
``classification`` and ``regression`` are embedded or generated (no download);
``mnist``, ``fashion_mnist`` and ``cifar10`` are downloaded by ``keras.datasets``
on first use and cached (offline and uncached they raise
:class:`DataUnavailableError`); ``text`` and ``series`` are next-character
windows of an embedded English corpus and forecasting windows of a synthetic
seasonal series.

The package: :mod:`zoo.data.dataset` (:class:`Dataset`), :mod:`zoo.data.builtin`
(the loaders above), :mod:`zoo.data.catalog` (:func:`load`, :func:`list_datasets`,
:func:`register_dataset`) and :mod:`zoo.data.resolve` (:func:`resolve`, the one
resolver of a ``data`` argument).

Example:
    >>> from zoo import data
    >>> ds = data.load("digits", representation="flat", seed=0)
    >>> ds.input_shape, ds.num_classes
    ((64,), 10)
"""

from zoo.data.builtin import REPRESENTATIONS
from zoo.data.catalog import list_datasets, load, register_dataset
from zoo.data.dataset import Dataset, DataUnavailableError
from zoo.data.resolve import IMAGE_SETS, representation_for, resolve

__all__ = ["IMAGE_SETS", "REPRESENTATIONS", "DataUnavailableError", "Dataset", "list_datasets",
           "load", "register_dataset", "representation_for", "resolve"]
