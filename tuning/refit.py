"""The final model of a search: refit on train+val, retrain on train, or the best checkpoint.

Once the validation split has chosen the hyperparameters, it is more useful as
training data (scikit-learn's ``refit=True``). :func:`final_model` builds the
model ``SearchConfig.refit`` asks for:

* ``"train+val"``: the best hyperparameters trained afresh on the training and
  validation splits together for the best trial's best epoch count
  (:func:`best_epochs`); no early stopping, no data is left to stop on;
* ``"train"``: the best hyperparameters retrained on the training split with
  early stopping on the validation split (:func:`retrain`);
* ``False``: the best trial's own model, reloaded from its best-epoch checkpoint
  (:func:`best_checkpoint`; retrained when the checkpoint is on another machine).
"""

from __future__ import annotations

import logging
import os
import time

from tuning import _compat
from tuning.job import fit_inputs

logger = logging.getLogger("tuning.refit")


def final_model(tuner, best, job):
    """Build the final model of a finished search the way ``job.config.refit`` says.

    Args:
        tuner: The search's tuner.
        best: The best keras-tuner ``Trial``.
        job: The :class:`tuning.job.Job`.

    Returns:
        ``(model, info)``: the model and ``{"mode": ..., "seconds": ..., "epochs"
        and "samples" where trained}``.

    Example:
        >>> model, info = final_model(tuner, tuner.oracle.get_best_trials(1)[0], job)
        >>> info["mode"]
        'train+val'
    """
    started = time.time()
    refit = job.config.refit
    job.progress(_announce(tuner, best, job))
    if refit == "train+val":
        model, info = refit_on_train_and_val(tuner, best, job)
    elif refit == "train":
        model = retrain(tuner, best, job)
        info = {"mode": "train", "samples": job.dataset.size("train")}
    else:
        model = best_checkpoint(tuner, best, job)
        info = {"mode": False}
    info["seconds"] = time.time() - started
    return model, info


def _announce(tuner, best, job) -> str:
    """The progress line before the final model is built (a refit can take a while)."""
    refit = job.config.refit
    data = job.dataset
    if refit == "train+val":
        samples = _samples(data, "train", "val")
        return (f"final model: trial {best.trial_id}'s hyperparameters trained on train+val "
                f"({'?' if samples is None else samples} samples) for "
                f"{best_epochs(best, job)} epochs")
    if refit == "train":
        samples = data.size("train")
        return (f"final model: trial {best.trial_id}'s hyperparameters retrained on train "
                f"({'?' if samples is None else samples} samples), early stopping on val")
    return f"final model: trial {best.trial_id}'s best-epoch checkpoint"


def best_checkpoint(tuner, best, job):
    """The best trial's model: its best-epoch checkpoint, or retrained when it cannot be read.

    A checkpoint that is missing (on another machine, deleted) or damaged (a
    truncated file) is treated like a trial that died: its hyperparameters are
    trained again, with a warning.
    """
    path = _compat.checkpoint_path(tuner, best.trial_id)
    if os.path.exists(path):
        try:
            return tuner.load_model(best)  # weights and optimizer state (tuning._compat)
        except Exception as exc:  # noqa: BLE001 - h5py, zip and Keras errors alike
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() \
                else type(exc).__name__
            logger.warning("checkpoint %s of trial %s cannot be read (%s): retraining it",
                           path, best.trial_id, reason)
            return retrain(tuner, best, job)
    logger.info("checkpoint of trial %s not on this machine: retraining it", best.trial_id)
    return retrain(tuner, best, job)


def best_epochs(best, job) -> int:
    """Epochs the best trial's model trained to reach its best score.

    keras-tuner counts ``best_step`` from the start of the trial's own ``fit``; a
    Hyperband trial that continues an earlier one starts at ``tuner/initial_epoch``
    from that trial's weights, so those epochs count too (not with ``cv``, whose folds
    train from scratch; there ``best_step`` is the mean of the folds' best epochs).
    """
    values = best.hyperparameters.values
    if best.best_step is None:
        return int(values.get(_compat.TRIAL_EPOCHS, job.config.max_epochs))
    # Cross-validated folds train from scratch (best_step: the folds' mean best epoch).
    start = 0 if job.config.cv else int(values.get(_compat.INITIAL_EPOCH, 0))
    return start + int(best.best_step) + 1


def refit_on_train_and_val(tuner, best, job):
    """Train the best hyperparameters on train+validation for the best trial's epochs.

    Returns:
        ``(model, {"mode": "train+val", "epochs": ..., "samples": ...})``.
    """
    data = job.dataset
    # Arrays are concatenated; streams joined (an image folder's file lists, a
    # caller's tf.data.Dataset.concatenate), still read batch by batch.
    args, kwargs = fit_inputs(tuner.hypermodel, data, "train", "val", validation=None,
                              seed=job.config.seed)
    samples = _samples(data, "train", "val")
    epochs = best_epochs(best, job)
    hypermodel = tuner.hypermodel
    # The schedules decay per step: give them the refit's steps per epoch.
    sizes = {name: getattr(hypermodel, name, None) for name in ("train_size", "steps_per_epoch")}
    if sizes["train_size"] is not None and samples is not None:
        hypermodel.train_size = samples
    steps = [getattr(data, f"x_{split}").steps(1) for split in ("train", "val")] \
        if data.streamed else [None]
    if sizes["steps_per_epoch"] is not None and None not in steps:
        hypermodel.steps_per_epoch = sum(steps)  # a caller's batches, both splits
    try:
        model = _compat.build_model(tuner, best.hyperparameters)
        hypermodel.fit(best.hyperparameters, model, *args, **kwargs, epochs=epochs, verbose=0)
    finally:
        for name, value in sizes.items():
            if value is not None:
                setattr(hypermodel, name, value)
    return model, {"mode": "train+val", "epochs": epochs, "samples": samples}


def _samples(data, *splits):
    """Samples in ``splits`` together, or ``None`` when a stream does not know."""
    sizes = [data.size(split) for split in splits]
    return None if None in sizes else int(sum(sizes))


def retrain(tuner, best, job):
    """Retrain the best hyperparameters on the training split, early stopping on validation."""
    import keras

    model = _compat.build_model(tuner, best.hyperparameters)
    epochs = best.hyperparameters.values.get(_compat.TRIAL_EPOCHS, job.config.max_epochs)
    stop = keras.callbacks.EarlyStopping(monitor=job.config.objective_name,
                                         patience=job.config.patience, restore_best_weights=True,
                                         mode=tuner.oracle.objective.direction)
    args, kwargs = fit_inputs(tuner.hypermodel, job.dataset, "train", seed=job.config.seed)
    tuner.hypermodel.fit(best.hyperparameters, model, *args, **kwargs, epochs=epochs,
                         callbacks=[stop], verbose=0)
    return model
