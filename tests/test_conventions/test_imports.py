"""Imports go one way (pipelines -> assets -> publish), never in a circle, and never hide inside functions.

An import inside a function is allowed only for a slow third-party library behind it, with a comment on
that line saying so; only the Dagster factory (and pipelines/) may import Dagster."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# bench/ measures the product from outside, as tests/ does: it stands above every layer and imports what it
# measures only when it measures it, so its timings include those imports.
PACKAGES = [p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name not in ("tests", "bench")]


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, inside a function) for every import that runs (not under TYPE_CHECKING)."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append((child.module, child.lineno, in_function))
                found.extend((f"{child.module}.{a.name}", child.lineno, in_function) for a in child.names)
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return found


def project_graph() -> dict[str, set[str]]:
    """Module -> project modules it imports. `from package import submodule` is an edge to the submodule:
    the package's own __init__ only re-exports."""
    known = modules()
    graph = {}
    for name, path in known.items():
        found = {target for target, _, inner in imports(path) if target in known and target != name}
        graph[name] = {t for t in found if not any(o.startswith(t + ".") and o.rsplit(".", 1)[0] == t for o in found)}
    return graph


def test_no_import_cycle_among_project_modules():
    graph = project_graph()
    seen, stack, cycles = set(), [], []

    def visit(node, path):
        if node in path:
            cycles.append(path[path.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        for target in sorted(graph[node]):
            visit(target, path + [node])

    for node in sorted(graph):
        visit(node, stack)
    assert cycles == []


def test_project_imports_inside_functions_say_why():
    known = modules()
    hidden = []
    for name, path in known.items():
        lines = path.read_text().splitlines()
        for target, line, inner in imports(path):
            if inner and target.split(".")[0] in PACKAGES and "lazy" not in lines[line - 1]:
                hidden.append(f"{name}:{line} imports {target}")
    assert sorted(set(hidden)) == []


def test_layers_import_one_way():
    order = {"pipelines": 0, "assets": 1, "publish": 2, "sample": 2}
    wrong = []
    for name, targets in project_graph().items():
        for target in targets:
            if order.get(target.split(".")[0], 9) < order.get(name.split(".")[0], 9):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_only_the_dagster_factory_and_pipelines_import_dagster():
    importers = {name for name, path in modules().items()
                 if any(t.split(".")[0] == "dagster" for t, _, _ in imports(path))}
    assert {n for n in importers if not n.startswith("pipelines")} == {"assets.factory"}
