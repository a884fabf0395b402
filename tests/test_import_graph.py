"""The package's modules import each other without a circle.

A circle of imports makes the import order matter, forces lazy imports inside functions to
break it, and blurs which module stands on which.  Every import statement counts here, the
ones inside functions and under ``TYPE_CHECKING`` too: those are how circles hide.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "autofix"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The package modules that the module ``name`` at ``path`` imports, anywhere in its text."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)  # a submodule, or a name the module defines
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(path, name, known) for name, path in known.items()}


def test_the_graph_is_read() -> None:
    edges = graph()
    assert "autofix.registry" in edges["autofix.verify"]  # a module-level import
    assert "autofix.server.protocol" in edges["autofix.server.server"]
    assert "autofix.rules.base" in edges["autofix.registry"]


def test_no_module_imports_itself_back() -> None:
    try:
        tuple(TopologicalSorter(graph()).static_order())
    except CycleError as error:
        pytest.fail(f"import circle: {' -> '.join(error.args[1])}")


def test_a_circle_is_found(tmp_path: Path) -> None:
    """The check itself: two modules that import each other, one lazily, make a circle."""
    a = tmp_path / "a.py"
    a.write_text("from autofix import b\n")
    b = tmp_path / "b.py"
    b.write_text("def f():\n    from autofix.a import x\n")
    known = {"autofix.a": a, "autofix.b": b}
    edges = {"autofix.a": imported(a, "autofix.a", known), "autofix.b": imported(b, "autofix.b", known)}
    with pytest.raises(CycleError):
        tuple(TopologicalSorter(edges).static_order())
