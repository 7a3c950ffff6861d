"""``zoo list``: the registered models with a one-line description each."""

from __future__ import annotations

HELP = "list the registered models"


def add_arguments(parser) -> None:
    parser.add_argument("pattern", nargs="?", default="*", help="wildcard filter, e.g. '*lstm'")


def run(args) -> int:
    from zoo.registry import get_spec, list_models

    names = list_models(args.pattern)
    width = max((len(n) for n in names), default=0)
    for name in names:
        spec = get_spec(name)
        print(f"{name.ljust(width)}  [{spec.input_kind}]  {spec.description}")
    return 0
