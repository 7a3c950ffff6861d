"""The JAX backend: devices, gradients through ``jax.grad``, the DCGAN's stateless train step.

Keras' JAX trainer is stateless: ``fit`` hands ``train_step(state, data)`` the
values of the model's trainable, non-trainable, optimizer and metric variables,
and takes the new values back (keras.io, "Customizing what happens in fit() with
JAX"). It carries the variables of ``model.optimizer`` only, so a model with two
optimizers, like the DCGAN, gives Keras one :class:`GANOptimizers` whose
variables are both optimizers' (:func:`gan_compiled`). Everything here uses
public Keras APIs (``keras.StatelessScope``, ``stateless_call``,
``Optimizer.stateless_apply``). What it relies on in Keras' private JAX trainer,
that the state it carries and writes back is ``model.optimizer.variables``
(:data:`INTERNALS`), is checked by ``tests/zoo/backend/test_jax.py``.
"""

from __future__ import annotations

import numpy as np

#: Methods of Keras' JAX trainer (keras/src/backend/jax/trainer.py, Keras 3.15.1) that must
#: read and write the optimizer state through ``self.optimizer.variables``.
INTERNALS = ("JAXTrainer._get_jax_state", "JAXTrainer.jax_state_sync")


def devices() -> list[dict]:
    """``jax.devices()`` as device dicts (see :func:`zoo.backend.devices`), the CPU last."""
    import jax

    found = []
    for device in jax.devices():
        kind = str(getattr(device, "platform", "cpu")).upper()
        if kind in ("GPU", "TPU"):
            found.append({"type": kind, "name": getattr(device, "device_kind", str(device)),
                          "compute_capability": _capability(device) if kind == "GPU" else None})
    found.append({"type": "CPU", "name": "CPU", "compute_capability": None})
    return found


def runs_on_cpu() -> bool:
    """Whether JAX computes on the CPU (no GPU or TPU backend)."""
    import jax

    return jax.default_backend() == "cpu"


def _capability(device):
    """A CUDA device's compute capability as ``(major, minor)`` (``None`` when not reported)."""
    value = getattr(device, "compute_capability", None)
    if not value:
        return None
    major, _, minor = str(value).partition(".")
    try:
        return int(major), int(minor or 0)
    except ValueError:
        return None


def loss_gradients(model, x, y, variables, *, sample_weight=None, training=True) -> list:
    """Gradients of the compiled loss with ``jax.grad`` (see :func:`zoo.backend.loss_gradients`).

    The forward pass and the loss run in one ``keras.StatelessScope`` over the
    model's variables, so regularisation and activity losses are included and
    nothing of the model (moving statistics, seed states, loss trackers) changes.
    """
    import jax
    import keras

    trainable = list(model.trainable_variables)
    fixed = [(v, v.value) for v in (*model.non_trainable_variables, *model.metrics_variables)]

    def loss(values):
        mapping = list(zip(trainable, values, strict=True)) + fixed
        with keras.StatelessScope(state_mapping=mapping, collect_losses=True):
            y_pred = model(x, training=training)
            return model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                      training=training)

    grads = jax.grad(loss)([v.value for v in trainable])
    index = {id(v): i for i, v in enumerate(trainable)}
    return [None if id(v) not in index else np.asarray(grads[index[id(v)]], dtype="float64")
            for v in variables]


class GANOptimizers:
    """The DCGAN's two optimizers seen by Keras' JAX trainer as one ``model.optimizer``.

    The trainer carries ``model.optimizer.variables`` through its stateless
    steps and writes them back at the end of each epoch; these are the
    discriminator's optimizer's variables followed by the generator's, so both
    optimizers' slots and iteration counts train, save and reload as usual (they
    are saved under ``d_optimizer`` and ``g_optimizer``, as on every backend; this
    object itself holds no state and is not saved).

    Args:
        d_optimizer, g_optimizer: The two built ``keras.optimizers.Optimizer``.
    """

    built = True

    def __init__(self, d_optimizer, g_optimizer):
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def variables(self):
        return [*self.d_optimizer.variables, *self.g_optimizer.variables]

    @property
    def iterations(self):
        """The generator's step count (``fit``'s steps)."""
        return self.g_optimizer.iterations

    def build(self, variables):
        """Both optimizers are built by ``DCGAN.compile``."""

    def scale_loss(self, loss):
        return loss


def gan_compiled(gan) -> None:
    """Give Keras' JAX trainer the DCGAN's two optimizers as one (:class:`GANOptimizers`)."""
    gan.optimizer = GANOptimizers(gan.d_optimizer, gan.g_optimizer)


def gan_train_step(gan, state, data):
    """One DCGAN step as a pure function of the trainer's ``state`` (see ``DCGAN.train_step``).

    The step runs in a ``keras.StatelessScope`` mapping every variable of the
    state to its value, so the DCGAN's shared methods (random draws, weight
    average, metrics) read and assign variables as on the other backends, and
    their assignments become the new state. The generator's forward pass runs
    once, under ``jax.vjp``: the discriminator learns from its fakes (held
    constant), then the fakes' gradient under the updated discriminator is pulled
    back to the generator's weights, as the TensorFlow step's two tapes do.

    Returns:
        ``(logs, new_state)``.
    """
    import jax
    import keras
    from keras import ops

    groups = (gan.trainable_variables, gan.non_trainable_variables, gan.optimizer.variables,
              gan.metrics_variables)
    mapping = [pair for refs, values in zip(groups, state, strict=True)
               for pair in zip(refs, values, strict=True)]
    generator, discriminator = gan.generator, gan.discriminator
    with keras.StatelessScope(state_mapping=mapping) as scope:
        def current(variables):
            return [scope.get_current_value(v) for v in variables]

        real, latent, d_view, g_view = gan.step_inputs(data)
        batch = real.shape[0]
        g_weights = current(generator.trainable_variables)
        g_state = current(generator.non_trainable_variables)
        d_weights = current(discriminator.trainable_variables)
        d_state = current(discriminator.non_trainable_variables)

        def generate(weights):
            return generator.stateless_call(weights, g_state, latent, training=True)

        fake, pull_back, g_state = jax.vjp(generate, g_weights, has_aux=True)

        pair = gan.discriminator_view(ops.concatenate([real, jax.lax.stop_gradient(fake)], 0),
                                      d_view)

        def discriminator_loss(weights):
            logits, new_state = discriminator.stateless_call(weights, d_state, pair,
                                                             training=True)
            loss, real_logits, fake_logits = gan.discriminator_loss(logits, batch)
            return loss, (real_logits, fake_logits, new_state)

        (d_loss, (real_logits, fake_logits, d_state)), d_grads = jax.value_and_grad(
            discriminator_loss, has_aux=True)(d_weights)
        d_weights, d_slots = gan.d_optimizer.stateless_apply(
            current(gan.d_optimizer.variables), d_grads, d_weights)

        # The generator is judged by the discriminator it has just been updated against.
        def generator_loss(images):
            logits, new_state = discriminator.stateless_call(
                d_weights, d_state, gan.discriminator_view(images, g_view), training=True)
            return gan.generator_loss(logits), new_state

        (g_loss, d_state), fake_grads = jax.value_and_grad(generator_loss, has_aux=True)(fake)
        (g_grads,) = pull_back(fake_grads)
        g_weights, g_slots = gan.g_optimizer.stateless_apply(
            current(gan.g_optimizer.variables), g_grads, g_weights)

        for variables, values in (
                (generator.trainable_variables, g_weights),
                (generator.non_trainable_variables, g_state),
                (discriminator.trainable_variables, d_weights),
                (discriminator.non_trainable_variables, d_state),
                (gan.d_optimizer.variables, d_slots),
                (gan.g_optimizer.variables, g_slots)):
            for variable, value in zip(variables, values, strict=True):
                variable.assign(value)
        if gan.ema_generator is not None:
            gan.update_ema()
        logs = gan.record(d_loss, g_loss, real_logits, fake_logits)
    new_state = tuple([scope.get_current_value(v) for v in refs] for refs in groups)
    return logs, new_state


def flush_caches() -> None:
    """Nothing: JAX's caches follow the lifetime of the functions they compiled."""


def replicas() -> int:
    """Devices of the ``keras.distribution`` in force (1 without one)."""
    import keras

    distribution = keras.distribution.distribution()
    mesh = getattr(distribution, "device_mesh", None)
    if mesh is None:
        return 1
    batch_axis = getattr(distribution, "batch_dim_name", None)
    shape = dict(zip(mesh.axis_names, mesh.shape, strict=True))
    return int(shape.get(batch_axis, 1)) if batch_axis else int(np.prod(mesh.shape))


def limit_threads(intra_op: int, inter_op: int) -> None:
    """Nothing at run time: XLA reads its thread flags from ``XLA_FLAGS`` at start-up
    (:func:`zoo.backend.process_environment`)."""


def versions() -> dict:
    import jax

    return {"jax": jax.__version__}
