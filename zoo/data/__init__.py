"""Data sets as seeded train/validation/test splits of numpy arrays.

Embedded (no download needed):

* ``digits``: scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes),
  scaled to [0, 1], as images ``(8, 8, 1)`` (or up-sampled with ``image_size``),
  flat vectors ``(64,)`` or row sequences ``(8, 8)``.
* ``classification``: ``sklearn.datasets.make_classification`` (binary by default,
  optionally imbalanced through ``weights``), standardised on the training split.
* ``regression``: ``sklearn.datasets.make_regression`` with optional gross outliers
  injected into the training and validation targets only, so that test error
  measures what was learnt about the clean relation.

Downloaded on first use by ``keras.datasets`` (then cached in ``~/.keras/datasets``):
``mnist``, ``fashion_mnist``, ``cifar10``. Offline and uncached they raise
:class:`DataUnavailableError` with one sentence saying so.

Also ``text`` (next-character windows of an embedded English corpus) and ``series``
(forecasting windows of a synthetic seasonal series).

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
