"""Importable helpers for the tuning tests (worker subprocesses unpickle these)."""

from __future__ import annotations

import os
import signal

from tuning.hypermodels import HyperCNN

#: A small, fast corner of the CNN search space for tests.
SMALL = {"conv_blocks": 1, "dense_units": 64, "batch_norm": False, "l2": 0.0,
         "kernel_initializer": "he_normal", "dropout": 0.0}
SMALL_RANGES = {"filters": [8, 16], "learning_rate": (1e-3, 1e-2), "batch_size": [64, 128],
                "optimizer": ["adam", "rmsprop"], "activation": ["relu", "elu", "tanh"],
                "schedule": ["constant", "cosine"], "dense_units": [32, 64], "dropout": (0.0, 0.5)}


def small_cnn(dataset, **kwargs):
    """A HyperCNN over a small, fast corner of its space."""
    kwargs.setdefault("fixed", dict(SMALL))
    kwargs.setdefault("ranges", dict(SMALL_RANGES))
    return HyperCNN(dataset.input_shape, dataset.num_classes, train_size=len(dataset.x_train),
                    **kwargs)


class DyingCNN(HyperCNN):
    """Kills its own process (SIGKILL) in the first trial fit by worker ``die_as``.

    The marker file makes it die once only, so a replacement could finish.
    """

    def __init__(self, *args, die_as="tuner1", marker="", **kwargs):
        super().__init__(*args, **kwargs)
        self.die_as = die_as
        self.marker = marker

    def fit(self, hp, model, *args, **kwargs):
        if (os.environ.get("KERASTUNER_TUNER_ID") == self.die_as and self.marker
                and not os.path.exists(self.marker)):
            open(self.marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
        return super().fit(hp, model, *args, **kwargs)
