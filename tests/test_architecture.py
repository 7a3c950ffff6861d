"""The import graph of ``zoo`` and ``tuning`` keeps the layering of docs/architecture.md.

The graph is read from the source with ``ast``: every ``import`` and ``from ...
import`` (at module level and inside functions, relative ones resolved),
``importlib.import_module("literal")``, and the modules a lazy package (PEP 562
``__getattr__``) or a command table imports on demand: the module names in the
module-level tables of a package ``__init__`` or of a module that calls
``import_module`` with a variable. ``if TYPE_CHECKING:`` blocks are left out: they never run.
``import a.b.c`` and ``from a.b import c`` (``c`` a module) depend on ``a.b.c``
itself; like import-linter and grimp, the graph does not add the parent packages
Python also initialises, so a package whose ``__init__`` re-exports a leaf module
does not put every importer of that leaf on a circle.

Rules:

* no import circle but the registry's: ``zoo.registry`` loads ``zoo.models``, whose
  families register into ``zoo.registry`` (without that one edge the graph is acyclic);
* no ``zoo`` module imports ``tuning``, and no library module imports the command
  line (``zoo.cli``, ``zoo.commands``); the command line itself (``zoo.cli``,
  ``zoo.commands.*``, ``zoo.demo``, ``tuning.cli``) may reach ``tuning`` lazily;
* the data sets are built from ``zoo.text`` and ``zoo.series``, never the other way:
  those two reach into ``zoo.data`` for the ``Dataset`` type alone
  (``zoo.data.dataset``, a leaf);
* the modules the command line needs before any training (the registry listing
  included) import no Keras, and each imports first in a fresh interpreter.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("zoo", "tuning")
#: The command-line layer: it may import the library and reach ``tuning`` lazily.
CLI_LAYER = ("zoo.cli", "zoo.commands", "zoo.demo", "tuning.cli", "tuning.__main__")
#: The one circle allowed: the registry loads the families, which register into it.
REGISTRY_EDGE = ("zoo.registry", "zoo.models")


# ----------------------------------------------------------------------------- the graph


def module_names(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """``{dotted module name: file}`` of every module of ``packages`` under ``root``."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _known(name: str, modules) -> str | None:
    """``name`` or its longest prefix that is a module of ours (None: an outside module)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _nodes(tree: ast.AST):
    """Every node of ``tree`` except those inside ``if TYPE_CHECKING:`` bodies."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, modules) -> set[str]:
    """The modules of ours that module ``name`` (file ``path``) imports, lazily or not."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found, dynamic = set(), False
    for node in _nodes(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    targets = [arg.value]
                else:
                    dynamic = True
        for target in targets:
            known = _known(target, modules)
            if known and known != name:
                found.add(known)
    lazy_package = path.name == "__init__.py"
    if dynamic or lazy_package:
        # A lazy package or a command table: the module names held in its module-level
        # tables ("zoo.gan.model", or "backend" for zoo.backend in a package) are what
        # it imports on demand.
        for statement in tree.body:
            if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
                continue
            for node in ast.walk(statement.value):
                if isinstance(node, (ast.Dict, ast.Tuple, ast.List, ast.Set)):
                    for item in ast.iter_child_nodes(node):
                        if isinstance(item, ast.Constant) and isinstance(item.value, str):
                            targets = [item.value]
                            if lazy_package:
                                targets.append(f"{package}.{item.value}")
                            found.update(t for t in targets if t in modules and t != name)
    return found


def import_graph(root: Path = ROOT, packages=PACKAGES) -> dict[str, set[str]]:
    """``{module: modules it imports}`` over ``packages``."""
    modules = module_names(root, packages)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as ``[a, b, ..., a]``, or ``None``."""
    state = dict.fromkeys(graph, 0)  # 0 unseen, 1 on the path, 2 done
    for start in sorted(graph):
        if state[start]:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif state.get(nxt) == 0:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def _in(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.fixture(scope="module")
def graph():
    return import_graph()


# ----------------------------------------------------------------------------- the rules


def test_the_graph_sees_lazy_and_function_level_imports(graph):
    assert "zoo.models" in graph["zoo.registry"]  # inside a function
    assert "zoo.gan.model" in graph["zoo.gan.builders"]  # inside build_dcgan
    assert {"zoo.gan.model", "zoo.gan.job", "zoo.training"} <= graph["zoo"]  # PEP 562 maps
    assert {"zoo.gan.model", "zoo.gan.job"} <= graph["zoo.gan"]
    assert "tuning.cli" in graph["zoo.cli"]  # the command table
    assert "zoo.data.dataset" in graph["zoo.series"]  # inside make_windows


def test_no_import_circle_but_the_registry_one(graph):
    assert REGISTRY_EDGE[1] in graph[REGISTRY_EDGE[0]]
    assert find_cycle(graph) is not None  # the registry's circle is there...
    acyclic = {name: set(deps) for name, deps in graph.items()}
    acyclic[REGISTRY_EDGE[0]].discard(REGISTRY_EDGE[1])
    cycle = find_cycle(acyclic)  # ...and it is the only one
    assert cycle is None, f"import circle: {' -> '.join(cycle)}"


def test_zoo_never_imports_tuning_and_the_library_never_the_command_line(graph):
    bad = sorted(f"{name} -> {dep}" for name, deps in graph.items() for dep in deps
                 if not _in(name, CLI_LAYER) and (
                     (name.split(".")[0] == "zoo" and dep.split(".")[0] == "tuning")
                     or _in(dep, ("zoo.cli", "zoo.commands"))))
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_text_and_series_reach_the_data_package_for_the_dataset_type_only(graph):
    for name, deps in graph.items():
        if _in(name, ("zoo.text", "zoo.series")):
            data = {d for d in deps if _in(d, ("zoo.data",))}
            assert data <= {"zoo.data.dataset"}, f"{name} imports {sorted(data)}"
    assert {"zoo.text", "zoo.series"} <= graph["zoo.data.builtin"]


LIGHT = ("zoo", "zoo.registry", "zoo.models", "zoo.gan", "zoo.gan.builders", "zoo.data",
         "zoo.data.dataset", "zoo.text", "zoo.series", "zoo.teaching", "zoo.io", "zoo.cli",
         # what the command line imports before a command runs (zoo --help, zoo list...)
         "zoo.commands.train", "zoo.commands.compare", "zoo.commands.generate",
         "zoo.commands.sample", "zoo.commands.list_models", "zoo.commands.predict", "tuning",
         "tuning.cli",
         "tuning.config",
         # the modules of public names zoo.__getattr__ hands out without importing Keras
         "zoo.training", "zoo.compare", "zoo.gan.job", "zoo.models.fnn", "zoo.models.cnn",
         "zoo.models.rnn", "zoo.prediction",
         "zoo.errors", "zoo.data.validate", "zoo.models.checks",
         # zoo tune refuses a busy job directory before Keras loads (issue 15)
         "tuning.search", "tuning.job", "tuning.jobfiles", "tuning.distributed")


@pytest.mark.parametrize("module", LIGHT)
def test_light_modules_import_first_without_keras(module):
    script = textwrap.dedent(f"""
        import json, sys
        import {module}
        names = None
        if {module!r} == "zoo.registry":
            names = {module}.list_models()  # what `zoo list` needs
        print(json.dumps({{"keras": "keras" in sys.modules, "models": names}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["keras"] is False, f"import {module} imported Keras"
    if out["models"] is not None:
        assert "dcgan" in out["models"] and "cnn" in out["models"]


# ----------------------------------------------------------------------------- the checker


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def test_the_checker_finds_circles_through_lazy_and_relative_imports(tmp_path):
    root = _package(tmp_path, {
        "pkg/__init__.py": """
            import importlib
            from typing import TYPE_CHECKING
            _LAZY = {"thing": "pkg.a"}
            def __getattr__(name):
                return importlib.import_module(_LAZY[name])
            if TYPE_CHECKING:
                from pkg import c  # never runs: no edge
        """,
        "pkg/a.py": "from .b import helper\n",
        "pkg/b.py": "def helper():\n    from pkg import c\n",
        "pkg/c.py": "import importlib\nimportlib.import_module('pkg.a')\n",
    })
    graph = import_graph(root, ("pkg",))
    assert graph == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.c"},
                     "pkg.c": {"pkg.a"}}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
    graph["pkg.c"].clear()
    assert find_cycle(graph) is None


def test_the_light_public_names_are_in_light_modules():
    import zoo

    assert zoo._LIGHT_ATTRIBUTE_MODULES <= set(LIGHT)
