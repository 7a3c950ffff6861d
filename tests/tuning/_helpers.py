"""Importable helpers for the tuning tests (worker subprocesses unpickle these)."""

from __future__ import annotations

import os
import signal

from tuning.hypermodels import HyperCNN, HyperFNN

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


class EpochDyingFNN(HyperFNN):
    """Logs each trained epoch as ``trial worker epoch`` to ``log``; worker ``die_as``
    SIGKILLs itself right after epoch ``die_after`` (1-based) of its first trial has
    been checkpointed (once: the marker file)."""

    def __init__(self, *args, log="", die_as="tuner1", die_after=6, marker="", **kwargs):
        super().__init__(*args, **kwargs)
        self.log, self.die_as, self.die_after, self.marker = log, die_as, die_after, marker

    def fit(self, hp, model, *args, **kwargs):
        import keras

        from tuning.checkpoint import EpochCheckpoint

        helper = self
        checkpoint = [c for c in kwargs.get("callbacks", []) if isinstance(c, EpochCheckpoint)]
        if not checkpoint:  # the final model's training, outside any trial
            return super().fit(hp, model, *args, **kwargs)
        trial = os.path.basename(os.path.dirname(checkpoint[0].directory))[len("trial_"):]
        worker = os.environ.get("KERASTUNER_TUNER_ID", "")

        class Log(keras.callbacks.Callback):  # after the checkpoint callback
            def on_epoch_end(self, epoch, logs=None):
                with open(helper.log, "a") as f:
                    f.write(f"{trial} {worker} {epoch + 1}\n")
                if (worker == helper.die_as and epoch + 1 == helper.die_after
                        and not os.path.exists(helper.marker)):
                    open(helper.marker, "w").close()
                    os.kill(os.getpid(), signal.SIGKILL)

        kwargs["callbacks"] = [*kwargs.get("callbacks", []), Log()]
        return super().fit(hp, model, *args, **kwargs)
