"""``zoo list``: the registered models with a one-line description each, and what the tags mean."""

from __future__ import annotations

HELP = "list the registered models and the data each one takes"

EPILOG = """\
Each line reads: NAME  [INPUT KIND]  description. The input kind in brackets is the
shape of data the model takes; the legend under the list says which data sets give it.
"""


def add_arguments(parser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("pattern", nargs="?", default="*",
                        help="shell-style wildcard on the names, e.g. '*lstm'")


def run(args) -> int:
    from zoo.registry import INPUT_KIND_HELP, INPUT_KINDS, get_spec, list_models

    names = list_models(args.pattern)
    if not names:
        raise ValueError(f"no registered model matches {args.pattern!r}; `zoo list` shows "
                         "them all")
    specs = [get_spec(name) for name in names]
    width = max(len(n) for n in names)
    kind_width = max(len(s.input_kind) for s in specs) + 3
    for spec in specs:
        note = " (unsupervised: train it with `zoo generate`)" if "unsupervised" in spec.tags \
            else ""
        print(f"{spec.name.ljust(width)}  {f'[{spec.input_kind}]'.ljust(kind_width)}  "
              f"{spec.description}{note}")
    print("\ninput kinds:")
    used = {s.input_kind for s in specs}
    for kind in (k for k in INPUT_KINDS if k in used):
        print(f"  {f'[{kind}]'.ljust(kind_width)} {INPUT_KIND_HELP[kind]}")
    return 0
