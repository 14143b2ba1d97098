"""What the portal imports at run time is installed by requirements.txt alone (issue #17: the
monthly report's PDF once needed a package only requirements-dev.txt had)."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ["app.py", "geodata", "demo", "webmap", "layers"]
OWN = {"app", "geodata", "demo", "webmap", "layers"}


def _imported_modules() -> dict[str, str]:
    """Top-level module → the first file importing it, for every import in the runtime code."""
    found: dict[str, str] = {}
    files = [ROOT / "app.py"] + [p for d in RUNTIME[1:] for p in sorted((ROOT / d).rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed_by_requirements() -> set[str]:
    """The distributions requirements.txt names, and everything they require, transitively."""
    wanted = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            wanted.append(_norm(re.split(r"[\[<>=!~; ]", line)[0]))
    closure: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in closure:
            continue
        closure.add(name)
        for raw in metadata.requires(name) or []:
            req = Requirement(raw)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                wanted.append(_norm(req.name))
    return closure


def test_every_runtime_import_is_installed_by_requirements_txt():
    installed, by_module = _installed_by_requirements(), metadata.packages_distributions()
    missing = {}
    for module, where in _imported_modules().items():
        if module in OWN or module in sys.stdlib_module_names or module == "__future__":
            continue
        dists = {_norm(d) for d in by_module.get(module, [])}
        if not dists & installed:
            missing[module] = where
    assert not missing, f"imported at run time but not installed by requirements.txt: {missing}"
    assert "playwright" in installed  # the PDF's printer
