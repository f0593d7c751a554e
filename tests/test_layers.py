"""The import direction, enforced: portal → tasks → bot → models, never back up; inside models,
core imports nothing else of ours and the domain packages form no cycle; SQL only in models."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("models", "bot", "tasks", "portal")  # each may import only those before it
SQL_MODULES = ("sqlalchemy", "sqlmodel")
SQL_TYPES = {"AsyncSession", "async_sessionmaker", "AsyncEngine"}  # annotations are not SQL


def sources(package: str) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        yield module, ast.parse(path.read_text(encoding="utf-8"))


def imports(tree: ast.Module) -> Iterator[tuple[str, list[str]]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def test_no_layer_imports_a_layer_above_it():
    wrong = []
    for rank, layer in enumerate(LAYERS):
        above = LAYERS[rank + 1:]
        for module, tree in sources(layer):
            wrong += [f"{module} → {name}" for name, _ in imports(tree) if name.split(".")[0] in above]
    assert not wrong


def test_core_imports_nothing_else_of_ours():
    wrong = [f"{module} → {name}" for module, tree in sources("models/core") for name, _ in imports(tree)
             if name.startswith("models.") and not name.startswith("models.core")]
    assert not wrong


def domain_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, tree in sources("models"):
        own = module.split(".")[1] if module.count(".") else ""
        if own in ("", "migrate"):
            continue
        deps = {name.split(".")[1] for name, _ in imports(tree) if name.startswith("models.")}
        graph.setdefault(own, set()).update(deps - {own})
    return graph


def test_domain_packages_form_no_cycle():
    graph, done, path = domain_graph(), set[str](), list[str]()

    def visit(node: str) -> None:
        assert node not in path, f"cycle: {' → '.join([*path[path.index(node):], node])}"
        if node in done:
            return
        path.append(node)
        for dep in sorted(graph.get(node, ())):
            visit(dep)
        path.pop()
        done.add(node)

    for package in sorted(graph):
        visit(package)


def test_sql_lives_only_in_models():
    wrong = []
    for layer in LAYERS[1:]:
        for module, tree in sources(layer):
            wrong += [f"{module}: {name}.{names}" for name, names in imports(tree)
                      if name.split(".")[0] in SQL_MODULES and not set(names) <= SQL_TYPES]
    assert not wrong
