"""The house (docs/ARCHITECTURE.md), checked from the source: imports point one way
(webmap → layers → geodata; demo → geodata; nothing imports scripts), no two modules import each
other round a cycle, and no module is over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geodata", "layers", "webmap", "demo")
MAX_LINES = 400
# What each package must not import (its own layer and those below it are fine).
FORBIDDEN = {
    "geodata": ("flask", "flask_login", "flask_wtf", "webmap", "layers", "demo", "scripts"),
    "layers": ("flask", "flask_login", "webmap", "demo", "scripts"),
    "demo": ("flask", "webmap", "layers", "scripts"),
    "webmap": ("scripts",),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(tree: ast.Module, module: str, top_level_only: bool) -> list[tuple[str, int]]:
    """The modules ``tree`` imports (``a.b`` when ``from a import b`` names a module), with lines;
    at module level only (no function bodies, no ``if TYPE_CHECKING``) when ``top_level_only``."""

    def statements(body):
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Try | ast.If):
                yield from statements(node.body)
                yield from statements(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    yield from statements(handler.body)
            else:
                yield node

    nodes = statements(tree.body) if top_level_only else ast.walk(tree)
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                found.append((full if full in MODULES else node.module, node.lineno))
        elif isinstance(node, ast.ImportFrom):  # relative: from . import x
            base = module.rsplit(".", node.level)[0] if node.level else module
            found += [(f"{base}.{node.module}" if node.module else base, node.lineno)]
    return found


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"), filename=str(path))


def test_imports_point_one_way():
    wrong = []
    for module, path in MODULES.items():
        package = module.split(".")[0]
        for name, line in _imports(_tree(path), module, top_level_only=False):
            if name.split(".")[0] in FORBIDDEN[package]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert wrong == []


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    """Each import cycle of ``graph`` (module → the modules it imports), as ``a → b → a``."""
    cycles, state = [], {}  # state: 1 on the path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for nxt in sorted(graph[module]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*path, module][[*path, module].index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, [*path, module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    return cycles


def test_no_import_cycle():
    graph = {
        module: {name for name, _ in _imports(_tree(path), module, top_level_only=True) if name in MODULES}
        for module, path in MODULES.items()
    }
    assert _cycles(graph) == []


def test_the_checks_are_not_blind():
    """Modules that import each other round a ring are a cycle; an import under TYPE_CHECKING is none."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a → b → c → a"]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    plain = ast.parse("from geodata import clock\n")
    assert _imports(plain, "geodata.x", top_level_only=True) == [("geodata.clock", 1)]
    guarded = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import geodata.model\n")
    assert [n for n, _ in _imports(guarded, "geodata.x", top_level_only=True)] == ["typing"]


def test_no_module_over_400_lines():
    sources = list(MODULES.values()) + sorted((ROOT / "webmap" / "static").rglob("*.js"))
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for p in sources
        if "vendor" not in p.parts and (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []
