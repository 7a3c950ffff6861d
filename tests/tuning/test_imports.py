"""The tuning package's imports go one way: no circle, lazy ones included."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tuning"


def _imports(path: Path) -> set[str]:
    """The ``tuning`` modules ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("tuning.")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "tuning":
                found |= {f"tuning.{a.name}" for a in node.names
                          if (PACKAGE / f"{a.name}.py").exists()}
            elif node.module.startswith("tuning."):
                found.add(node.module)
    return found


def _graph() -> dict[str, set[str]]:
    return {f"tuning.{p.stem}": _imports(p) for p in PACKAGE.glob("*.py")
            if p.stem != "__init__"}


def test_no_module_of_tuning_imports_itself_back():
    graph = _graph()
    assert "tuning.job" in graph["tuning.distributed"]  # the job, not run_search's module
    cycles = []

    def visit(module, path):
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append(path[path.index(imported):] + [imported])
            else:
                visit(imported, path + [imported])

    for module in sorted(graph):
        visit(module, [module])
    assert not cycles, f"import circles: {cycles[:3]}"


def test_the_lower_layers_do_not_import_the_job_runners():
    graph = _graph()
    for low in ("tuning.config", "tuning._compat", "tuning.cleanup", "tuning.reuse",
                "tuning.tuners", "tuning.job", "tuning.refit", "tuning.report",
                "tuning.distributed"):
        assert "tuning.search" not in graph[low] and "tuning.cli" not in graph[low], low
    assert graph["tuning.config"] == set()  # the settings depend on nothing in tuning
