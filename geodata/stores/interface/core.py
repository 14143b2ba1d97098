"""What every store is before any concern: its backend, its schema and migrations, transactions, the
map's version, and closing it."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol


class CoreStore(Protocol):
    """A store's life: migrate, transact, close; and the version every map write bumps."""

    backend: str  # "sqlite" | "postgis"

    def migrate(self) -> list[str]:
        """Apply the migrations this database lacks; return their names (empty when up to date)."""

    def schema_version(self) -> int: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def read_transaction(self) -> AbstractContextManager[None]:
        """A consistent read that holds no write lock (previews); a write inside it may wait."""
        ...

    def close(self) -> None: ...

    def map_version(self, lock: bool = False) -> int:
        """A number that grows with every write to the zones, segments or assignments of any
        county, seen when the write commits: a roads or zones tile made at one version is still
        right while it is unchanged (roads: until ``next_lead_change`` too). ``lock`` (in a
        transaction): no map edit commits until this one does."""
