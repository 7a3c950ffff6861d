"""The ``zoo`` command line: ``zoo list | train | compare | generate | sample | tune``.

Each subcommand lives in its own module exposing ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``. User errors (``ValueError``, ``TypeError``,
missing files, unavailable data) end with one ``zoo: error: ...`` line on stderr
and exit code 2; set ``ZOO_DEBUG=1`` to see the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

# The CLI is the top layer: it is the one place in `zoo` that reaches `tuning`,
# lazily, so that the library itself keeps the one-way dependency.
COMMANDS = {
    "list": "zoo.commands.list_models",
    "train": "zoo.commands.train",
    "compare": "zoo.commands.compare",
    "generate": "zoo.commands.generate",
    "sample": "zoo.commands.sample",
    "tune": "tuning.cli",
}


def _load_commands() -> dict:
    modules = {}
    for name, path in COMMANDS.items():
        try:
            modules[name] = importlib.import_module(path)
        except ModuleNotFoundError as exc:
            if exc.name != path:  # a real missing dependency, not an absent command
                raise
    return modules


def build_parser(modules: dict | None = None) -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    modules = _load_commands() if modules is None else modules
    parser = argparse.ArgumentParser(
        prog="zoo", description="Train, tune, compare and sample Keras models from the zoo.")
    parser.add_argument("-q", "--quiet", action="store_true", help="less output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module in modules.items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def quiet_tensorflow_import() -> None:
    """Import TensorFlow without its start-up chatter (see ``zoo.backend.tensorflow``)."""
    from zoo.backend.tensorflow import import_tensorflow_quietly

    import_tensorflow_quietly()


def _user_errors() -> tuple:
    from zoo.data import DataUnavailableError

    return (ValueError, TypeError, FileNotFoundError, FileExistsError, DataUnavailableError)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``zoo`` console script; returns the exit code."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Before the parser: command modules (tuning's) and the registry import Keras.
    quiet_tensorflow_import()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("zoo: interrupted", file=sys.stderr)
        return 130
    except _user_errors() as exc:
        if os.environ.get("ZOO_DEBUG"):
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"zoo: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
