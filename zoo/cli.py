"""The ``zoo`` command line: ``zoo list | train | compare | generate | predict | sample | tune``.

Each subcommand lives in its own module exposing ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``. User errors (``ValueError``, ``TypeError``,
missing files, unavailable data) end with one ``zoo: error: ...`` line on stderr
and exit code 2, argparse's usage errors too; a job that ran and failed (a diverged
model, a search in which no trial completed: :class:`zoo.errors.JobFailedError`) one
such line and exit code 1. Set ``ZOO_DEBUG=1`` to see the traceback instead.

Nothing here, in the command modules' ``add_arguments`` or in argument parsing
imports Keras or a backend: ``zoo --help``, ``zoo COMMAND --help``, ``zoo list``,
``zoo --version`` and refused arguments answer at once. The library imports Keras
when a command's ``run`` needs it; ``import zoo`` keeps TensorFlow's C++ start-up
lines off the terminal then (:func:`zoo.backend.tensorflow.quiet_first_import`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from zoo.errors import JobFailedError

# The CLI is the top layer: it is the one place in `zoo` that reaches `tuning`,
# lazily, so that the library itself keeps the one-way dependency.
COMMANDS = {
    "list": "zoo.commands.list_models",
    "train": "zoo.commands.train",
    "compare": "zoo.commands.compare",
    "generate": "zoo.commands.generate",
    "predict": "zoo.commands.predict",
    "sample": "zoo.commands.sample",
    "tune": "tuning.cli",
}

EPILOG = """\
Run `zoo COMMAND --help` for a command's options and their defaults.
Set ZOO_DEBUG=1 for tracebacks, ZOO_SHOW_TF_LOGS=1 for TensorFlow's start-up lines and
ZOO_QUICK=1 for smoke runs (every job trains at most 2 epochs and 2 trials).
"""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that shows every option's default, and epilogs as written.

    An option whose help does not mention its default gets ``(default: VALUE)``
    appended, unless there is nothing to show (``None``, a flag's ``False``, an
    empty list): then the help text itself says what happens.
    """

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if ("%(default)" in text or "(default" in text or default is None or default is False
                or default == [] or default is argparse.SUPPRESS
                or (not action.option_strings and action.nargs not in ("?", "*"))):
            return text
        return f"{text} (default: %(default)s)"


def version_text() -> str:
    """``zoo --version``: the package, Python, the Keras backend and the installed versions.

    Read from the installed distributions' metadata: nothing is imported.

    Example:
        >>> version_text().startswith("zoo ")
        True
    """
    from importlib import metadata

    from zoo import __version__, backend

    found = []
    for distribution, label in (("keras", "Keras"), ("tensorflow", "TensorFlow"),
                                ("jax", "JAX"), ("torch", "PyTorch"),
                                ("keras-tuner", "keras-tuner")):
        try:
            found.append(f"{label} {metadata.version(distribution)}")
        except metadata.PackageNotFoundError:
            continue
    python = ".".join(str(v) for v in sys.version_info[:3])
    return (f"zoo {__version__} (Python {python}; Keras backend: {backend.name()}; "
            f"{', '.join(found) or 'Keras not installed'})")


class _VersionAction(argparse.Action):
    """``--version``, its text computed only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def _load_commands() -> dict:
    modules = {}
    for name, path in COMMANDS.items():
        try:
            modules[name] = importlib.import_module(path)
        except ModuleNotFoundError as exc:
            if exc.name != path:  # a real missing dependency, not an absent command
                raise
    return modules


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as the one ``zoo: error:`` line of every user error."""

    def error(self, message):
        self.exit(2, f"zoo: error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser(modules: dict | None = None) -> argparse.ArgumentParser:
    """The argument parser with every available subcommand (imports no backend).

    Example:
        >>> build_parser().parse_args(["list", "*lstm"]).pattern
        '*lstm'
    """
    modules = _load_commands() if modules is None else modules
    parser = _Parser(
        prog="zoo", formatter_class=HelpFormatter, epilog=EPILOG,
        description="Train, tune, compare and sample Keras models from the zoo.")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="less output: no Keras progress bars, no per-trial or per-run "
                             "lines, warnings only in the log")
    parser.add_argument("--version", action=_VersionAction,
                        help="print the versions of zoo, Python, Keras and its backend, and "
                             "exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module in modules.items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP,
                           formatter_class=HelpFormatter)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def quiet_tensorflow_import() -> None:
    """Import Keras and its backend; TensorFlow without its start-up chatter (``zoo.backend``)."""
    from zoo.backend import import_keras

    import_keras()


def _user_errors() -> tuple:
    from zoo.data import DataUnavailableError

    return (ValueError, TypeError, FileNotFoundError, FileExistsError, NotADirectoryError,
            IsADirectoryError, DataUnavailableError)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``zoo`` console script; returns the exit code."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import zoo  # noqa: F401 - light; quiets TensorFlow's start-up whenever it is imported

    parser = build_parser()
    args = parser.parse_args(argv)
    if not logging.getLogger().handlers:  # as basicConfig: a caller's set-up is left alone
        # Our own INFO lines only: other libraries' INFO (JAX's backend probes, say) is
        # no news to a user, and would make a one-line error two lines.
        logging.basicConfig(level=logging.WARNING,
                            format="%(levelname)s %(name)s: %(message)s")
        for name in ("zoo", "tuning"):
            logging.getLogger(name).setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("zoo: interrupted", file=sys.stderr)
        return 130
    except (*_user_errors(), JobFailedError) as exc:
        if os.environ.get("ZOO_DEBUG"):
            raise
        return error_exit(exc)


def error_exit(exc: BaseException) -> int:
    """Print ``exc`` as the one ``zoo: error:`` line; return the exit status.

    2 for a refused input (a user error: ``ValueError``, ``TypeError``, a missing
    file...), 1 for a job that ran and failed (:class:`zoo.errors.JobFailedError`).
    """
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    print(f"zoo: error: {message}", file=sys.stderr)
    return 1 if isinstance(exc, JobFailedError) else 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
