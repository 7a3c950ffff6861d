"""Command-line options shared by the ``zoo`` commands.

The defaults of an option come from the library function the command calls
(:func:`library_defaults`), so ``--help`` shows what the code uses and a default
is written once. Nothing here imports Keras.
"""

from __future__ import annotations

import inspect

from zoo.io import parse_key_value


def library_defaults(function) -> dict:
    """``{parameter: default}`` of ``function``'s parameters that have one.

    Example:
        >>> from zoo.training import train
        >>> library_defaults(train)["epochs"]
        30
    """
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not p.empty}


def data_help(names=None, *, what: str = "data") -> str:
    """``--data`` help: the built-in data sets by name, and that a path works too.

    Args:
        names: The names to list (default: every name ``zoo.data.list_datasets()`` knows).
        what: What the data are for, e.g. ``"image data"``.
    """
    if names is None:
        from zoo.data import list_datasets

        names = list_datasets()
    return (f"{what}: a built-in data set ({', '.join(names)}) or the path of a data file or "
            "folder of your own (see 'Your own data' in the README)")


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
