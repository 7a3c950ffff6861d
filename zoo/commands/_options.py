"""Command-line options shared by ``zoo train`` and ``zoo compare``."""

from __future__ import annotations

from zoo.io import parse_key_value


def add_factory_and_data_options(parser, *, param_help: str, data_help: str) -> None:
    """Add the repeatable ``--param KEY=VALUE`` and ``--data-option KEY=VALUE`` options."""
    for flag, dest, text in (("--param", "param", param_help),
                             ("--data-option", "data_option", data_help)):
        parser.add_argument(flag, dest=dest, action="append", default=[], metavar="KEY=VALUE",
                            help=text)


def factory_and_data_options(args) -> tuple[dict, dict]:
    """``(model_kwargs, data_options)`` parsed from ``--param`` and ``--data-option``.

    Raises:
        ValueError: an item that is not ``KEY=VALUE`` (the message names the option).
    """
    model_kwargs = dict(parse_key_value(p) for p in args.param)
    data_options = dict(parse_key_value(p, option="--data-option") for p in args.data_option)
    return model_kwargs, data_options
