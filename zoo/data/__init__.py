"""Data sets as seeded train/validation/test splits of numpy arrays.

The built-in sets (:mod:`zoo.data.builtin` describes each): ``digits``,
``classification`` and ``regression`` are embedded or generated (no download);
``mnist``, ``fashion_mnist`` and ``cifar10`` are downloaded by ``keras.datasets``
on first use and cached (offline and uncached they raise
:class:`DataUnavailableError`); ``text`` and ``series`` are next-character
windows of an embedded English corpus and forecasting windows of a synthetic
seasonal series.

Your own data: ``load(PATH, **options)`` reads tables (``.csv``, ``.tsv``,
``.parquet``), arrays (``.npz``, ``.npy``), text (``.txt`` or a folder of them),
time series (a table's ``column``) and image folders (one subfolder per class,
streamed); :func:`resolve` also takes ``tf.data.Dataset`` / ``PyDataset`` splits.

The package: :mod:`zoo.data.dataset` (:class:`Dataset`, the errors),
:mod:`zoo.data.builtin` (the loaders above), :mod:`zoo.data.files` (files and
folders), :mod:`zoo.data.tables` (reading tables), :mod:`zoo.data.images` (image
folders), :mod:`zoo.data.streams` (streamed splits), :mod:`zoo.data.preprocess`
(the encoding saved with a model), :mod:`zoo.data.catalog` (:func:`load`,
:func:`list_datasets`, :func:`register_dataset`) and :mod:`zoo.data.resolve`
(:func:`resolve`, the one resolver of a ``data`` argument).

Example:
    >>> from zoo import data
    >>> ds = data.load("digits", representation="flat", seed=0)
    >>> ds.input_shape, ds.num_classes
    ((64,), 10)
"""

from zoo.data.builtin import REPRESENTATIONS
from zoo.data.catalog import list_datasets, load, register_dataset
from zoo.data.dataset import DataFileError, Dataset, DataUnavailableError, MissingDataFileError
from zoo.data.preprocess import Preprocessing
from zoo.data.resolve import IMAGE_SETS, representation_for, resolve

__all__ = ["IMAGE_SETS", "REPRESENTATIONS", "DataFileError", "DataUnavailableError", "Dataset",
           "MissingDataFileError", "Preprocessing", "list_datasets", "load", "register_dataset",
           "representation_for", "resolve"]
