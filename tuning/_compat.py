"""Every access to keras-tuner's private parts, in one module.

keras-tuner has no public API for what the zoo's tuners change: the clean-up
before each trial's build, building a model without Hyperband's checkpoint
reload, handing a dead worker's trial back to the queue, serving the oracle from
a process that also watches its workers. This module reaches into keras-tuner's
internals for those, each in one named function or in :class:`TunerInternals`,
written against keras-tuner :data:`KERAS_TUNER_VERSION` (the version
``setup.cfg`` pins). :data:`INTERNALS` lists them;
``tests/tuning/test_compat.py`` checks each one (it exists, with the signature
or attributes the zoo relies on; the code copied from keras-tuner still matches
keras-tuner's own) and fails naming the internal and this version when an
upgrade breaks it. Nothing else in the package touches keras-tuner's private parts.
"""

from __future__ import annotations

import gc

import keras_tuner as kt
from keras_tuner.src.engine import tuner as _tuner_module

#: The keras-tuner version this module was written and checked against.
KERAS_TUNER_VERSION = "1.4.8"

#: The private keras-tuner names used here -> the signature the zoo relies on
#: (``None``: an attribute, checked on a real instance by the tests).
INTERNALS = {
    "keras_tuner.src.engine.tuner.Tuner._try_build": "(self, hp)",
    "keras_tuner.src.engine.tuner.Tuner._build_hypermodel": "(self, hp)",
    "keras_tuner.src.engine.tuner.Tuner._get_checkpoint_fname": "(self, trial_id)",
    "keras_tuner.src.engine.tuner.Tuner._build_and_fit_model": "(self, trial, *args, **kwargs)",
    "keras_tuner.src.engine.tuner.maybe_distribute": "(distribution_strategy)",
    "keras_tuner.src.engine.tuner.maybe_compute_model_size": "(model)",
    "keras_tuner.src.engine.base_tuner.BaseTuner._populate_initial_space": "(self)",
    "keras_tuner.src.engine.base_tuner.BaseTuner._is_worker": "(self)",
    "keras_tuner.src.tuners.hyperband.Hyperband._build_hypermodel": "(self, hp)",
    "keras_tuner.src.distribute.oracle_chief.OracleServicer": "(oracle)",
    "keras_tuner.src.distribute.oracle_chief.exit_chief": "(*args, **kwargs)",  # synchronized(oracle)
    "keras_tuner.src.protos.get_service_grpc": "()",
    "keras_tuner.src.protos.get_service": "()",
    "keras_tuner.src.engine.oracle.Oracle._random_values": "(self)",
    "keras_tuner.src.tuners.hyperband.HyperbandOracle._compute_values_hash": "(self, values)",
    "Oracle.ongoing_trials": None,
    "Oracle.tuner_ids": None,
    "Oracle.end_order": None,
    "Oracle._retry_queue": None,
    "Oracle.max_trials": None,
    "OracleServicer.stop_triggered": None,
    "oracle.json": None,  # its keys (ORACLE_STATE_KEYS), read back by tuning.jobfiles
}

#: keras-tuner code copied here -> a digest of its syntax tree in keras-tuner
#: KERAS_TUNER_VERSION (comments and layout aside): if keras-tuner's changes, so must the copy.
COPIED = {
    "keras_tuner.src.engine.tuner.Tuner._try_build": "30fa96489f681d9a",
}

#: What keras-tuner's saved oracle state (``oracle.json``) holds for every oracle, with
#: each value's type; :func:`oracle_state_problem` checks a file against it.
ORACLE_STATE_KEYS = {"ongoing_trials": dict, "start_order": list, "end_order": list,
                     "run_times": dict, "hyperparameters": dict}

#: Hyperparameters Hyperband adds to a trial that continues a parent trial.
PARENT_TRIAL = "tuner/trial_id"
INITIAL_EPOCH = "tuner/initial_epoch"
TRIAL_EPOCHS = "tuner/epochs"


class TunerInternals:
    """keras-tuner's private tuner methods that the zoo overrides, behind named hooks.

    Put it before the keras-tuner class in the bases. The hooks: :meth:`zoo_clean_up`
    (what runs before each build: keras-tuner's ``clear_session`` and ``gc.collect``)
    and :meth:`zoo_build_model` (the tuner class's own build). A worker of a
    distributed search also skips discovering the search space, which it gets from
    the chief's oracle.
    """

    def _try_build(self, hp):
        # keras-tuner 1.4.8's Tuner._try_build, its clean-up moved to zoo_clean_up
        # (tests/tuning/test_compat.py checks that keras-tuner's has not changed).
        import keras

        self.zoo_clean_up()
        model = self._build_hypermodel(hp)
        if not isinstance(model, keras.Model):
            raise kt.errors.FatalTypeError(
                "Expected the model-building function, or HyperModel.build() to return a "
                f"valid Keras Model instance. Received: {model} of type {type(model)}.")
        size = _tuner_module.maybe_compute_model_size(model)
        if self.max_model_size and size > self.max_model_size:
            raise kt.errors.FailedTrialError(f"Oversized model: {size} parameters. Skip model.")
        return model

    def zoo_clean_up(self):
        """Before each build: keras-tuner's own clean-up."""
        import keras

        keras.backend.clear_session()
        gc.collect()

    def _build_hypermodel(self, hp):
        return self.zoo_build_model(hp)

    def _build_and_fit_model(self, trial, *args, **kwargs):
        # keras-tuner's one call per execution that builds a trial's model and fits it,
        # with the fit arguments final (Hyperband's epochs and initial_epoch set).
        return self.zoo_build_and_fit(trial, *args, **kwargs)

    def zoo_build_and_fit(self, trial, *args, **kwargs):
        """Build and fit one execution of ``trial`` (mid-trial resume overrides it:
        :class:`tuning.checkpoint.TrialResume`)."""
        return super()._build_and_fit_model(trial, *args, **kwargs)

    def zoo_build_model(self, hp):
        """Build the model of ``hp`` the tuner class's way (the zoo's Hyperband overrides
        it: :class:`tuning.reuse.HyperbandReuse`)."""
        return super()._build_hypermodel(hp)

    def load_model(self, trial):
        """``trial``'s model with its best-epoch checkpoint, optimizer state included.

        keras-tuner's own ``load_model`` loads the checkpoint into a model whose
        optimizer is not built yet, so Keras skips the saved optimizer state with a
        warning; here the optimizer is built first (:func:`load_checkpoint`).
        """
        model = self._try_build(trial.hyperparameters)
        load_checkpoint(self, model, trial.trial_id, optimizer=True)
        return model

    def _populate_initial_space(self):
        # A worker takes every trial's hyperparameters from the chief's oracle, so
        # building the hypermodel to discover the space (twice with a conditional
        # hyperparameter) would only delay its first trial.
        if self._is_worker():
            return
        super()._populate_initial_space()


def build_model(tuner, hp):
    """Build (and check) the model of ``hp`` the way a trial does, outside a trial.

    For the zoo's Hyperband that is a fresh model: no parent trial's weights
    (:class:`tuning.reuse.HyperbandReuse`).
    """
    return tuner._try_build(hp)


def build_fresh_model(tuner, hp):
    """keras-tuner's plain build of ``hp`` (under the tuner's strategy), without the
    checkpoint of a parent trial that Hyperband's own build loads."""
    return _tuner_module.Tuner._build_hypermodel(tuner, hp)


def distribution_scope(strategy):
    """keras-tuner's scope of a ``tf.distribute`` strategy (``maybe_distribute``).

    Returns:
        A context manager: the strategy's scope, or nothing for ``None``.

    Example:
        >>> with distribution_scope(tuner.distribution_strategy):
        ...     model.optimizer.build(model.trainable_variables)
    """
    from keras_tuner.src.engine.tuner import maybe_distribute

    return maybe_distribute(strategy)


def checkpoint_path(tuner, trial_id) -> str:
    """The file of ``trial_id``'s best-epoch weights in the tuner's project."""
    return tuner._get_checkpoint_fname(trial_id)


def load_checkpoint(tuner, model, trial_id, *, optimizer: bool) -> None:
    """Load ``trial_id``'s best-epoch checkpoint into ``model``, saying what to do with
    the optimizer state the checkpoint holds.

    A checkpoint (``model.save_weights`` in keras-tuner's callback) holds the
    optimizer's state too. Loaded into a model whose optimizer is not built yet, as
    keras-tuner does, Keras skips that state with a ``UserWarning`` ("Skipping
    variable loading for optimizer ..."). Here the choice is made deliberately:

    Args:
        tuner: The search's tuner.
        model: A model built from the trial's hyperparameters.
        trial_id: The trial whose checkpoint to load.
        optimizer: ``True``: build the optimizer for the model's weights first (as
            ``fit`` would) and restore its saved state (slots, iteration count) with
            the weights. ``False``: the weights only; the optimizer starts afresh
            (Hyperband's continuation of a parent trial, as in keras-tuner).
    """
    from keras_tuner.src.engine.tuner import maybe_distribute

    path = checkpoint_path(tuner, trial_id)
    model_optimizer = getattr(model, "optimizer", None)
    skip = {}
    with maybe_distribute(tuner.distribution_strategy):
        if model_optimizer is not None:
            if not optimizer:
                skip = {"objects_to_skip": [model_optimizer]}
            elif not model_optimizer.built:
                model_optimizer.build(model.trainable_variables)
        model.load_weights(path, **skip)


def random_values(oracle):
    """New random hyperparameter values from ``oracle`` (not tried before), or ``None``
    when its space is exhausted (keras-tuner's own random draw, seeded by the oracle).

    :class:`tuning.oracles.asha.ASHAOracle` inherits ``HyperbandOracle``'s hash of
    values, which leaves out the epoch budget (``tuner/epochs``...), so a drawn
    configuration is new whatever rung the earlier ones reached.
    """
    return oracle._random_values()


def trials_ended(oracle) -> int:
    """How many trials the oracle has seen end."""
    return len(oracle.end_order)


def cap_trials(oracle, max_trials) -> None:
    """Stop handing out trials after ``max_trials`` (Hyperband has no such argument)."""
    oracle.max_trials = max_trials


def nothing_left(oracle) -> bool:
    """Whether a trial-capped search has nothing left to hand out or wait for."""
    return bool(oracle.max_trials and len(oracle.trials) >= oracle.max_trials
                and not oracle.ongoing_trials and not oracle._retry_queue)


def _requeue(oracle, tuner_id):
    trial = oracle.ongoing_trials.pop(tuner_id, None)
    oracle.tuner_ids.discard(tuner_id)
    if trial is not None:
        oracle._retry_queue.append(trial.trial_id)
        oracle.save()
    return trial


def requeue_trial_of(oracle, tuner_id):
    """Put the trial of a dead worker ``tuner_id`` back in the queue; return it or ``None``.

    The oracle also forgets the worker, so the chief does not wait for it.
    """
    return kt.synchronized(_requeue)(oracle, tuner_id)


def forget_tuner(oracle, tuner_id) -> None:
    """Stop waiting for worker ``tuner_id`` (it left after its share of trials)."""
    oracle.tuner_ids.discard(tuner_id)


def start_oracle_server(oracle, host, port):
    """Serve ``oracle`` over gRPC on ``host:port``; return ``(server, servicer, bound_port)``.

    Raises:
        ValueError: the address cannot be bound.
    """
    from concurrent import futures

    import grpc
    from keras_tuner.src import protos
    from keras_tuner.src.distribute.oracle_chief import OracleServicer

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = OracleServicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    try:
        bound = server.add_insecure_port(f"{host}:{port}")
    except RuntimeError:
        bound = 0
    if not bound:
        raise ValueError(f"the tuning chief cannot listen on {host}:{port} (address in use or "
                         "not an address of this machine); pick another --oracle HOST:PORT")
    server.start()
    return server, servicer, bound


def ask_oracle(channel, timeout: float) -> None:
    """Ask the oracle service behind ``channel`` for its search space (a read, no change).

    Raises:
        grpc.RpcError: what answers is no keras-tuner oracle (``UNIMPLEMENTED``: another
            gRPC or HTTP/2 service), or it did not answer within ``timeout`` seconds.
    """
    from keras_tuner.src import protos

    stub = protos.get_service_grpc().OracleStub(channel)
    stub.GetSpace(protos.get_service().GetSpaceRequest(), timeout=timeout,
                  wait_for_ready=False)


def search_over(oracle, servicer) -> bool:
    """Whether the served search is over: stopped, no trial running, no worker left."""
    from keras_tuner.src.distribute.oracle_chief import exit_chief

    return servicer.stop_triggered and exit_chief(oracle)


def stop_serving(servicer) -> None:
    """Tell workers asking for trials that the search is over."""
    servicer.stop_triggered = True


def oracle_state_problem(state) -> str | None:
    """What is wrong with a decoded ``oracle.json``, or ``None`` if it looks like one."""
    if not isinstance(state, dict):
        return "is not a search state (a JSON object)"
    for key, kind in ORACLE_STATE_KEYS.items():
        if not isinstance(state.get(key), kind):
            return f"is not a search state (no valid {key!r})"
    return None


def trials_in_oracle_state(state) -> tuple[set, set]:
    """``(every trial id the saved oracle state refers to, the ids of ended trials)``."""
    ids = {str(t) for t in state["start_order"]} | {str(t) for t in state["end_order"]}
    ids |= {str(t) for t in state["ongoing_trials"].values()}
    ids |= {str(t) for t in state["run_times"]}
    ids |= {str(t) for t in state.get("retry_queue") or []}
    return ids, {str(t) for t in state["end_order"]}
