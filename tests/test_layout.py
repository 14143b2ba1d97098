"""The tests' own house: conftest files hold fixtures only and a test module holds its tests, so
no module imports from a conftest or from another test module (what tests share is in
tests/support/); and only tests/browser/ drives Chromium, so ``make test-fast``
(everything else) runs on a machine without it."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BROWSER = TESTS / "browser"


def _modules():
    for path in sorted(TESTS.rglob("*.py")):
        yield path, ast.parse(path.read_text("utf-8"), filename=str(path))


def test_no_module_imports_from_a_conftest_or_a_test_module():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            parts = [part for name in names for part in name.split(".")]
            if any(part == "conftest" or part.startswith("test_") for part in parts):
                found.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert found == [], "import from tests/support/ instead"


def test_only_the_browser_tests_take_a_browser_or_playwright():
    found = []
    for path, tree in _modules():
        if path.is_relative_to(BROWSER) or path.parent.name == "support":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if "browser" in [a.arg for a in node.args.args]:
                    found.append(f"{path.relative_to(TESTS)}:{node.lineno} {node.name}")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("playwright"):
                found.append(f"{path.relative_to(TESTS)}:{node.lineno} imports playwright")
    assert found == [], "browser tests belong in tests/browser/"
