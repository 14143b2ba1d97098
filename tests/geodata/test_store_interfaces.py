"""The Store interface by concern: small Protocols that together are ``Store``, each method in one of
them, every one implemented by both backends with the interface's parameters."""

from __future__ import annotations

import inspect

from geodata.stores.store import CONCERNS, Store

MAX_METHODS = 20


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
