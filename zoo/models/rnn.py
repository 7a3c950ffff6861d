"""Recurrent networks: LSTM, GRU and simple RNN stacks, optionally bidirectional."""

from __future__ import annotations

from zoo import initializers, tasks
from zoo._validate import (
    build_starts,
    check_bool,
    check_choice,
    check_fraction,
    check_int_sequence,
    check_positive_int,
    check_shape,
)
from zoo.layers import check_activation, layer_seed, regularizer
from zoo.models._common import check_common, dense_head, finish
from zoo.precision import precision_aware
from zoo.registry import register_model

CELLS = ("lstm", "gru", "simple_rnn")


@register_model("lstm", input_kind="sequence",
                description="Recurrent network (LSTM by default; cell='gru'|'simple_rnn', "
                            "bidirectional, token input with an Embedding)")
@precision_aware
def build_lstm(input_shape, *, task, num_classes=None, num_outputs=1, units=(64,), cell="lstm",
               bidirectional=False, return_sequences=False, activation="tanh", dropout=0.0,
               recurrent_dropout=0.0, kernel_initializer="auto",
               recurrent_initializer="orthogonal", dense_units=(), dense_activation="relu",
               batch_norm=False, l2=0.0, vocab_size=None, embedding_dim=None, mask_zero=False,
               seed=None, optimizer="adam", learning_rate=None, loss=None, metrics=None,
               compile=True, compile_kwargs=None, name="lstm"):
    """Build a stacked recurrent network with a task head.

    Numeric sequences have ``input_shape=(timesteps, features)``; token sequences
    (integer ids) have ``input_shape=(timesteps,)`` together with ``vocab_size``, and
    go through an ``Embedding`` first. ``timesteps`` may be ``None`` for variable
    length. With ``return_sequences=True`` the head is applied at every step, so a
    next-character model predicts ``(batch, timesteps, num_classes)``.

    Args:
        input_shape: ``(timesteps, features)``, or ``(timesteps,)`` with ``vocab_size``.
        task, num_classes, num_outputs: As in :func:`zoo.build_fnn`.
        units: Width of each recurrent layer, e.g. ``(64,)`` or ``(128, 64)``.
        cell: ``"lstm"``, ``"gru"`` or ``"simple_rnn"``.
        bidirectional: Wrap each recurrent layer in ``Bidirectional`` (outputs concatenated).
        return_sequences: Emit a prediction at every timestep instead of only the last.
        activation: The cell's output activation (``"tanh"``; Keras' fast cuDNN path
            on GPU needs tanh and ``recurrent_dropout=0``).
        dropout: Dropout on each recurrent layer's inputs, and after dense blocks.
        recurrent_dropout: Dropout on the recurrent state.
        kernel_initializer: Input-kernel initializer; ``"auto"`` follows ``activation``.
        recurrent_initializer: Recurrent-kernel initializer (orthogonal keeps the
            state's norm stable across steps).
        dense_units: Dense blocks between the recurrent stack and the head.
        dense_activation: Activation of those dense blocks.
        batch_norm: Batch normalization in the dense blocks.
        l2: L2 penalty on input and dense kernels.
        vocab_size: Token vocabulary size; enables the Embedding input.
        embedding_dim: Embedding width (default 32).
        mask_zero: Treat token id 0 as padding.
        seed, optimizer, learning_rate, loss, metrics, compile, compile_kwargs, name,
            mixed_precision: As in :func:`zoo.build_fnn`.

    Returns:
        A built (and by default compiled) functional ``keras.Model`` (``LSTM``,
        ``GRU`` or bidirectional ``LSTM`` layers, then the dense head).

    Raises:
        ValueError, TypeError: on any bad argument, before TensorFlow builds anything.

    Example:
        >>> model = build_lstm((8, 8), task="multiclass", num_classes=10, units=(32,), seed=0)
        >>> model.output_shape
        (None, 10)
    """
    fn = "build_lstm"
    if vocab_size is None:
        if embedding_dim is not None:
            raise ValueError(f"{fn}: `embedding_dim` needs `vocab_size`, received "
                             f"embedding_dim={embedding_dim!r} with vocab_size=None")
        input_shape = check_shape(fn, "input_shape", input_shape, ranks=(2,),
                                  allow_none_dims=True)
        if input_shape[1] is None:
            raise ValueError(f"{fn}: the feature axis of `input_shape` must be known, "
                             f"received input_shape={input_shape!r}")
    else:
        vocab_size = check_positive_int(fn, "vocab_size", vocab_size)
        embedding_dim = check_positive_int(fn, "embedding_dim", 32 if embedding_dim is None
                                           else embedding_dim)
        input_shape = check_shape(fn, "input_shape", input_shape, ranks=(1,),
                                  allow_none_dims=True)
    task, out_units = tasks.check_task(fn, task, num_classes, num_outputs)
    units = check_int_sequence(fn, "units", units)
    cell = check_choice(fn, "cell", cell, CELLS)
    check_bool(fn, "bidirectional", bidirectional)
    check_bool(fn, "return_sequences", return_sequences)
    check_bool(fn, "mask_zero", mask_zero)
    check_fraction(fn, "recurrent_dropout", recurrent_dropout)
    initializers.validate(recurrent_initializer, fn=fn, name="recurrent_initializer")
    dense_units = check_int_sequence(fn, "dense_units", dense_units, allow_empty=True)
    dense_activation = check_activation(fn, dense_activation, name="dense_activation")
    activation = check_common(fn, activation=activation, kernel_initializer=kernel_initializer,
                              dropout=dropout, batch_norm=batch_norm, l2=l2, seed=seed,
                              optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                              loss=loss)
    build_starts()  # the checks are done (zoo._validate.check_arguments)
    import keras

    layer_cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU,
                 "simple_rnn": keras.layers.SimpleRNN}[cell]
    inputs = keras.Input(input_shape, name="inputs", dtype="int32" if vocab_size else "float32")
    x = inputs
    if vocab_size:
        x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=mask_zero,
                                   name="embedding")(x)
    for i, n in enumerate(units):
        last = i == len(units) - 1
        seed_i = layer_seed(seed, i)
        rnn = layer_cls(
            n,
            activation=activation,
            return_sequences=return_sequences or not last,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            kernel_initializer=initializers.resolve(kernel_initializer, activation, seed=seed_i),
            recurrent_initializer=initializers.resolve(recurrent_initializer, seed=seed_i),
            kernel_regularizer=regularizer(l2),
            seed=seed_i,
            name=f"{cell}_{i}",
        )
        if bidirectional:
            rnn = keras.layers.Bidirectional(rnn, name=f"bi_{cell}_{i}")
        x = rnn(x)
    outputs = dense_head(x, dense_units, task=task, out_units=out_units,
                         activation=dense_activation, kernel_initializer=kernel_initializer,
                         batch_norm=batch_norm, dropout=dropout, l2=l2, seed=seed,
                         first_index=len(units))
    return finish(inputs, outputs, name=name, compile=compile, task=task, optimizer=optimizer,
                  learning_rate=learning_rate, loss=loss, metrics=metrics,
                  compile_kwargs=compile_kwargs)


@register_model("gru", input_kind="sequence",
                description="Recurrent network with GRU cells (build_lstm with cell='gru')")
def build_gru(input_shape, *, task, name="gru", **kwargs):
    """Build a GRU network: :func:`build_lstm` with ``cell="gru"``.

    Example:
        >>> build_gru((8, 8), task="regression", units=(16,)).layers[1].__class__.__name__
        'GRU'
    """
    kwargs.setdefault("cell", "gru")
    return build_lstm(input_shape, task=task, name=name, **kwargs)


@register_model("bilstm", input_kind="sequence",
                description="Bidirectional LSTM network (build_lstm with bidirectional=True)")
def build_bilstm(input_shape, *, task, name="bilstm", **kwargs):
    """Build a bidirectional LSTM: :func:`build_lstm` with ``bidirectional=True``.

    Example:
        >>> build_bilstm((8, 8), task="binary", units=(8,)).output_shape
        (None, 1)
    """
    kwargs.setdefault("bidirectional", True)
    return build_lstm(input_shape, task=task, name=name, **kwargs)
