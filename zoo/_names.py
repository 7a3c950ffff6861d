"""Names the library accepts, known without importing Keras.

The loss and schedule tables live in :mod:`zoo.losses` and :mod:`zoo.schedules`,
which import Keras to build their classes. The checks that run before any backend
loads (``zoo train --loss hubber`` refused at once, ``zoo.models.compile.
check_compile_args``, ``zoo.train``) read these copies instead;
``tests/zoo/test_names.py`` fails, naming what differs, when a table changes
(a Keras upgrade adding a loss) and a copy does not.
"""

from __future__ import annotations

#: ``zoo.losses.list_losses()``: every loss name ``zoo.losses.get`` accepts.
LOSS_NAMES = (
    "bce", "binary_crossentropy", "binary_focal", "binary_focal_crossentropy",
    "categorical_crossentropy", "categorical_focal", "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy", "categorical_hinge", "circle",
    "cosine_similarity", "ctc", "dice", "focal", "hinge", "huber", "kl_divergence", "kld",
    "log_cosh", "logcosh", "mae", "mape", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error",
    "mse", "msle", "pinball", "poisson", "quantile", "quantile_loss",
    "sparse_categorical_crossentropy", "squared_hinge", "tukey", "tukey_biweight", "tversky",
    "weighted_bce", "weighted_binary_crossentropy", "weighted_categorical_crossentropy",
    "weighted_cce", "weighted_sparse_categorical_crossentropy", "weighted_sparse_cce",
)

#: ``zoo.schedules.SCHEDULES``: the schedule names ``zoo.schedules.get_schedule`` accepts.
SCHEDULE_NAMES = ("step", "step_decay", "cyclical", "clr", "one_cycle", "onecycle",
                  "warmup_cosine", "exponential", "piecewise", "cosine", "cosine_restarts",
                  "inverse_time", "polynomial")
