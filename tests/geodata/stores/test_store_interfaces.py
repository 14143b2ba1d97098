"""The Store interface by concern: small Protocols that together are ``Store``, each method in one of
them, every one implemented by both backends with the interface's parameters."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import geodata.stores.shared
from geodata.stores.shared.base import BaseStore
from geodata.stores.store import CONCERNS, Store

MAX_METHODS = 20
SHARED = Path(geodata.stores.shared.__file__).parent


def _methods(protocol) -> set[str]:
    return {name for name, value in vars(protocol).items() if inspect.isfunction(value) and name[0] != "_"}


def test_every_concern_has_at_most_twenty_methods():
    sizes = {p.__name__: len(_methods(p)) for p in CONCERNS}
    assert all(n <= MAX_METHODS for n in sizes.values()), sizes


def test_every_method_of_the_store_is_in_exactly_one_concern():
    seen: dict[str, str] = {}
    for protocol in CONCERNS:
        for name in _methods(protocol):
            assert name not in seen, f"{name} is in {seen[name]} and {protocol.__name__}"
            seen[name] = protocol.__name__
    assert set(seen) == {name for name in dir(Store) if not name.startswith("_")} - {"backend"}
    assert not _methods(Store)  # Store only composes


def test_both_backends_implement_every_method_with_its_parameters(store):
    assert isinstance(store, Store)
    for protocol in CONCERNS:
        for name in _methods(protocol):
            wanted = [
                (p.name, p.kind) for p in inspect.signature(getattr(protocol, name)).parameters.values()
            ]
            found = getattr(type(store), name)
            assert not getattr(found, "__isabstractmethod__", False), f"{store.backend} lacks {name}"
            got = [(p.name, p.kind) for p in inspect.signature(found).parameters.values()]
            assert got == wanted, f"{store.backend}.{name}{got} is not {protocol.__name__}.{name}{wanted}"


def test_what_the_shared_sql_calls_is_its_own_or_declared_by_the_base():
    """A piece of shared/ uses only what it defines and what ``BaseStore`` declares (typed, abstract
    until a backend or another concern gives it): no helper reached through the backend unseen."""
    declared = set(dir(BaseStore)) | set(BaseStore.__annotations__) | {"_epsg", "on_close"}
    for path in sorted(SHARED.glob("*.py")):
        for cls in ast.walk(ast.parse(path.read_text())):
            if not isinstance(cls, ast.ClassDef):
                continue
            own = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)} | {
                t.id
                for n in cls.body
                if isinstance(n, ast.Assign)
                for t in n.targets
                if isinstance(t, ast.Name)
            }
            used = {
                n.attr
                for n in ast.walk(cls)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
            }
            assert used <= own | declared, f"{path.name} {cls.name} uses {sorted(used - own - declared)}"
