"""The PyTorch backend: devices, gradients through autograd, the DCGAN's train step.

Keras' PyTorch trainer runs ``train_step(data)`` eagerly (one step per call) on
variables that are ``torch`` tensors, so gradients come from ``backward()`` and
``torch.autograd.grad``, as in keras.io's "Writing a GAN training loop in PyTorch"
guide. Only public Keras and PyTorch APIs are used here.
"""

from __future__ import annotations


def devices() -> list[dict]:
    """``torch.cuda`` devices as device dicts (see :func:`zoo.backend.devices`), the CPU last."""
    import torch

    found = []
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            found.append({"type": "GPU", "name": torch.cuda.get_device_name(i),
                          "compute_capability": tuple(torch.cuda.get_device_capability(i))})
    found.append({"type": "CPU", "name": "CPU", "compute_capability": None})
    return found


def loss_gradients(model, x, y, variables, *, sample_weight=None, training=True) -> list:
    """Gradients of the compiled loss with ``torch.autograd.grad`` (see
    :func:`zoo.backend.loss_gradients`); the model's non-weight state is restored after."""
    import torch

    state = [(v, v.value.detach().clone())
             for v in (*model.non_trainable_variables, *model.metrics_variables)]
    try:
        with torch.enable_grad():
            y_pred = model(x, training=training)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                      training=training)
            grads = torch.autograd.grad(loss, [v.value for v in variables], allow_unused=True)
    finally:
        for variable, value in state:
            variable.assign(value)
    return [None if g is None else g.detach().cpu().numpy().astype("float64") for g in grads]


def gan_train_step(gan, data):
    """One DCGAN step with ``backward()`` per network (see ``DCGAN.train_step``).

    The generator's forward pass runs once: the discriminator learns from its
    detached fakes, then the generator's loss under the updated discriminator
    is back-propagated through the same forward pass. Gradients are cleared per
    network before each backward pass (``zero_grad``).
    """
    import torch
    from keras import ops

    real, latent, d_view, g_view = gan.step_inputs(data)
    batch = real.shape[0]
    generator, discriminator = gan.generator, gan.discriminator
    fake = generator(latent, training=True)

    discriminator.zero_grad()
    pair = gan.discriminator_view(ops.concatenate([real, fake.detach()], 0), d_view)
    d_loss, real_logits, fake_logits = gan.discriminator_loss(
        discriminator(pair, training=True), batch)
    d_loss.backward()
    d_vars = discriminator.trainable_variables
    with torch.no_grad():
        gan.d_optimizer.apply([v.value.grad for v in d_vars], d_vars)

    # The generator is judged by the discriminator it has just been updated against.
    generator.zero_grad()
    g_logits = discriminator(gan.discriminator_view(fake, g_view), training=True)
    g_loss = gan.generator_loss(g_logits)
    g_loss.backward()  # also leaves gradients on the discriminator: cleared next step
    g_vars = generator.trainable_variables
    with torch.no_grad():
        gan.g_optimizer.apply([v.value.grad for v in g_vars], g_vars)
        if gan.ema_generator is not None:
            gan.update_ema()
    return gan.record(d_loss.detach(), g_loss.detach(), real_logits.detach(),
                      fake_logits.detach())


def flush_caches() -> None:
    """Hand the CUDA allocator's unused blocks back, where CUDA is in use."""
    import torch

    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()


def replicas() -> int:
    """1: the zoo runs PyTorch on one device."""
    return 1


def limit_threads(intra_op: int, inter_op: int) -> None:
    """``torch.set_num_threads`` (and inter-op threads while PyTorch still allows it)."""
    import torch

    torch.set_num_threads(intra_op)
    try:
        torch.set_num_interop_threads(inter_op)
    except RuntimeError:  # only before the first parallel work
        pass


def versions() -> dict:
    import torch

    return {"torch": torch.__version__}
