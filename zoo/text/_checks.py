"""Argument checks shared by the character-model utilities (text, seeds, model shapes)."""

from __future__ import annotations

from zoo._validate import check_positive_int


def check_text(fn: str, name: str, text, *, min_length: int = 1) -> str:
    """``text`` if it is a string of at least ``min_length`` characters, else raise."""
    if not isinstance(text, str):
        raise TypeError(f"{fn}: `{name}` must be a string, received {type(text).__name__}")
    if len(text) < min_length:
        if not text:
            raise ValueError(f"{fn}: `{name}` is empty; it needs at least {min_length} "
                             "character(s)")
        raise ValueError(f"{fn}: `{name}` has {len(text)} characters, too short: at least "
                         f"{min_length} are needed")
    return text


def check_seed(fn: str, seed):
    """``seed`` if it is ``None`` or an int >= 0, else raise."""
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)
    return seed


def model_geometry(fn: str, model, vocab):
    """(window or None, whether the model predicts at every step) of a character model."""
    in_shape = tuple(model.input_shape)
    out_shape = tuple(model.output_shape)
    if len(in_shape) != 2:
        raise ValueError(f"{fn}: `model` must take token ids of shape (batch, window), its "
                         f"input_shape is {in_shape}")
    if len(out_shape) not in (2, 3) or out_shape[-1] != vocab.size:
        raise ValueError(f"{fn}: `model` must output {vocab.size} probabilities (the "
                         f"vocabulary size) per step, its output_shape is {out_shape}; was it "
                         "trained with this vocabulary?")
    return in_shape[1], len(out_shape) == 3
