"""Command-line options shared by the ``zoo`` commands: factory, data and ``--data PATH``.

The defaults of an option come from the library function the command calls
(:func:`library_defaults`), so ``--help`` shows what the code uses and a default
is written once; the data flags (:data:`DATA_FLAGS`) become the options of the
file loaders of :mod:`zoo.data.files`. Nothing here imports Keras.
"""

from __future__ import annotations

import inspect

from zoo.io import parse_key_value

#: The data flags: flag -> (loader option, argparse keywords). Each becomes the loader
#: option of the same name (zoo.data owns their checks and defaults); ``args.data_<option>``.
DATA_FLAGS = {
    "--target": ("target", {"metavar": "COLUMN",
                            "help": "a table's target column (default: label, target, y or "
                                    "class, else the last column); for .npy features, the "
                                    "labels file"}),
    "--task": ("task", {"choices": ("binary", "multiclass", "regression"),
                        "help": "force the task of a file's labels (default: read from them)"}),
    "--impute": ("impute", {"choices": ("mean", "median", "most_frequent"),
                            "help": "fill a table's missing values (scikit-learn's "
                                    "SimpleImputer, fitted on the training split); default: "
                                    "missing values are an error"}),
    "--image-size": ("image_size", {"type": int, "metavar": "N",
                                    "help": "side images are resized to (an image folder: "
                                            "default the most common size; digits: "
                                            "up-sampled)"}),
    "--color-mode": ("color_mode", {"choices": ("grayscale", "rgb", "rgba"),
                                    "help": "an image folder's channels (default: grayscale "
                                            "when every image is, else rgb)"}),
    "--column": ("column", {"metavar": "NAME",
                            "help": "read a table as a time series of this column (or "
                                    "'a,b'), windowed by --past/--future"}),
    "--past": ("past", {"type": int, "metavar": "N",
                        "help": "time steps in each input window of a series (default {})"}),
    "--future": ("future", {"type": int, "metavar": "N",
                            "help": "time steps each series window forecasts (default {})"}),
}


def _help(option: str, text: str) -> str:
    """``text`` with the loader's own default filled in (the series window lengths)."""
    if "{}" not in text:
        return text
    from zoo.data.files import load_series_file

    return text.format(inspect.signature(load_series_file).parameters[option].default)


_ALIASES = {"--target": ("--target-column",)}


def library_defaults(function) -> dict:
    """``{parameter: default}`` of ``function``'s parameters that have one.

    Example:
        >>> from zoo.training import train
        >>> library_defaults(train)["epochs"]
        30
    """
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not p.empty}


#: The paths ``--data`` reads (zoo.data.files).
PATHS = ("a .csv/.tsv/.parquet table, .npz/.npy arrays, a .txt file (or a folder of them), a "
         "folder of images with one subfolder per class")


def data_help(names=None, *, what: str = "data", paths: str = PATHS) -> str:
    """``--data`` help: the built-in data sets by name, and that a path works too.

    Args:
        names: The names to list (default: every name ``zoo.data.list_datasets()`` knows).
        what: What the data are for, e.g. ``"image data"``.
        paths: The kinds of path the command reads.
    """
    if names is None:
        from zoo.data import list_datasets

        names = list_datasets()
    return (f"{what}: a built-in data set ({', '.join(names)}) or the path of a data file or "
            f"folder of your own: {paths} (see 'Your own data' in the README)")


def add_factory_and_data_options(parser, *, param_help: str, data_help: str) -> None:
    """Add the repeatable ``--param KEY=VALUE`` and ``--data-option KEY=VALUE`` options."""
    for flag, dest, text in (("--param", "param", param_help),
                             ("--data-option", "data_option", data_help)):
        parser.add_argument(flag, dest=dest, action="append", default=[], metavar="KEY=VALUE",
                            help=text)


def add_data_flags(parser, *, skip=()) -> None:
    """Add the data flags (:data:`DATA_FLAGS`) except those in ``skip``.

    ``--target`` is also ``--target-column``: the one spelling in ``zoo compare``,
    whose ``--target`` is a metric value to reach (pass ``skip=("--target",)``).
    """
    group = parser.add_argument_group("your own data (with --data PATH)")
    for flag, (dest, kwargs) in DATA_FLAGS.items():
        flags = [f for f in (flag, *_ALIASES.get(flag, ())) if f not in skip]
        if flags:  # dest data_<option>: no clash with a command's own --target
            kwargs = dict(kwargs, help=_help(dest, kwargs["help"]))
            group.add_argument(*flags, dest=f"data_{dest}", default=None, **kwargs)


def data_flag_options(args, options: dict | None = None) -> dict:
    """The data options of ``args``: the data flags given, plus ``options``.

    Raises:
        ValueError: an option given both as a flag and as ``--data-option``.
    """
    options = dict(options or {})
    for flag, (option, _) in DATA_FLAGS.items():
        value = getattr(args, f"data_{option}", None)
        if value is None:
            continue
        if option in options:
            raise ValueError(f"{flag} and --data-option {option}=... both given; give one")
        options[option] = value
    return options


def factory_and_data_options(args) -> tuple[dict, dict]:
    """``(model_kwargs, data_options)`` parsed from ``--param``, ``--data-option`` and the
    data flags.

    Raises:
        ValueError: an item that is not ``KEY=VALUE`` (the message names the option), or a
            data option given twice.
    """
    model_kwargs = dict(parse_key_value(p) for p in args.param)
    data_options = dict(parse_key_value(p, option="--data-option") for p in args.data_option)
    return model_kwargs, data_flag_options(args, data_options)
