"""Two ``keras.utils.PyDataset`` objects read one after the other (imports Keras: load lazily).

A module of its own so that the class is importable by name (a ``PyDataset``
that uses worker processes is pickled) while :mod:`zoo.data` stays free of Keras.
"""

from __future__ import annotations

import keras


class ChainedPyDataset(keras.utils.PyDataset):
    """The batches of ``first``, then those of ``second`` (the refit on train+validation).

    Takes the first dataset's ``workers``, ``use_multiprocessing`` and
    ``max_queue_size``.

    Example:
        >>> both = ChainedPyDataset(train, val)
        >>> len(both) == len(train) + len(val)
        True
    """

    def __init__(self, first, second):
        super().__init__(workers=first.workers, use_multiprocessing=first.use_multiprocessing,
                         max_queue_size=first.max_queue_size)
        self.first, self.second = first, second

    def __len__(self):
        return len(self.first) + len(self.second)

    def __getitem__(self, index):
        if index < len(self.first):
            return self.first[index]
        return self.second[index - len(self.first)]

    def on_epoch_end(self):
        self.first.on_epoch_end()
        self.second.on_epoch_end()
