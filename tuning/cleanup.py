"""Per-trial memory clean-up of the zoo's tuners, cheaper than keras-tuner's.

keras-tuner clears Keras' session and runs two full garbage collections before
every trial; with TensorFlow loaded a full collection costs more than training
a small model for an epoch. :class:`TrialCleanup`, mixed into every zoo tuner:

* clears Keras' session keeping the backend's compiled kernels, which
  ``clear_session`` would flush on TensorFlow (``zoo.backend.kernels_kept``);
* freezes the objects alive when the search starts (the backend, Keras, the data)
  out of the collector's reach for the search (``gc.freeze``);
* runs one full collection, and only while collections have taken less than
  :data:`GC_BUDGET` of the search's time, so short trials share a collection and
  long ones each get their own; the backend's caches are freed with each of them
  (``zoo.backend.flush_caches``: TensorFlow's kernel cache, PyTorch's unused CUDA
  memory; JAX's compiled functions go with the models that own them);
* before each trial, unregisters the gradient functions that earlier trials'
  train steps registered with ``tf.custom_gradient``
  (``zoo.backend.drop_custom_gradients``; TensorFlow only): TensorFlow never
  removes them, and each holds its traced graph;
* with ``zoo_max_trials`` set (a worker of ``trials_per_process``), ends the
  search after that many trials so that a fresh process takes over.

What each of these saves is measured in BENCHMARKS.md (rows 4 and 6).
"""

from __future__ import annotations

import gc
import time

from zoo import backend

#: Share of a search's wall time that full garbage collections between trials may take.
GC_BUDGET = 0.005


class Recycle(Exception):
    """Raised after a worker's share of trials, to end its search loop."""


class TrialCleanup:
    """Mixin for the zoo's keras-tuner tuners: the per-trial clean-up described above.

    Put it before :class:`tuning._compat.TunerInternals`, whose ``_try_build`` calls
    :meth:`zoo_clean_up` before each build.

    Attributes:
        zoo_max_trials: End the search after this many trials (``None``: never).
        zoo_recycled: Set when the search ended that way.
    """

    zoo_max_trials = None
    zoo_recycled = False

    def search(self, *fit_args, **fit_kwargs):
        # Every trial's clear_session collects garbage; scanning TensorFlow's heap each
        # time costs more than a small trial's training. Objects created by the trials
        # are still collected.
        gc.freeze()
        # "last" starts at a typical collection's cost, so the first one also waits
        # until the budget allows it.
        self._zoo_gc = {"start": time.perf_counter(), "spent": 0.0, "last": 0.1,
                        "custom_gradients": backend.custom_gradient_names()}
        try:
            return super().search(*fit_args, **fit_kwargs)
        except Recycle:
            self.zoo_recycled = True
        finally:
            self._zoo_gc = None
            gc.unfreeze()

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        self.zoo_trials_done = getattr(self, "zoo_trials_done", 0) + 1
        if self.zoo_max_trials and self.zoo_trials_done >= self.zoo_max_trials:
            raise Recycle()  # leave search(); the process is replaced by a fresh one

    def zoo_clean_up(self):
        """Before each build: clear Keras' session, drop old gradients, collect on budget."""
        import keras

        with backend.kernels_kept():  # flushed with the collections instead
            keras.backend.clear_session(free_memory=False)
        budget = getattr(self, "_zoo_gc", None)
        if budget is not None:
            # No earlier trial's train step is differentiated again.
            backend.drop_custom_gradients(keep=budget["custom_gradients"])
        self._zoo_collect_garbage()

    def _zoo_collect_garbage(self):
        """A full collection, unless collections would exceed GC_BUDGET of the search."""
        budget = getattr(self, "_zoo_gc", None)
        if budget is None:  # outside search(): load_model() and the like
            gc.collect()
            backend.flush_caches()
            return
        now = time.perf_counter()
        if budget["spent"] + budget["last"] > GC_BUDGET * (now - budget["start"]):
            return  # the previous trials' garbage waits for a later trial
        gc.collect()
        backend.flush_caches()
        budget["last"] = time.perf_counter() - now
        budget["spent"] += budget["last"]
