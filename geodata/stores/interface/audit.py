"""The audit log (geodata/audit.py; append-only, migration 0012), a hash chain of events. Both backends
implement it with geodata/stores/shared/audit.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from geodata.audit import AuditEvent, AuditFilter


class AuditStore(Protocol):
    """Appending to the audit chain and reading it back."""

    def audit_chain_head(self) -> str | None:
        """The last event's hash (None for an empty log), read under a lock held to the end of
        the transaction, so that appends queue instead of forking the chain."""

    def add_audit_event(self, event: AuditEvent) -> AuditEvent:
        """Append an event whose hashes are already computed; returns it with its id."""

    def list_audit_events(self, where: AuditFilter, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
        """Events matching ``where``, newest first."""

    def count_audit_events(self, where: AuditFilter) -> int: ...

    def iter_audit_events(self, where: AuditFilter | None = None, batch: int = 1000) -> Iterator[AuditEvent]:
        """Every event (matching ``where``) in id order, the chain's order, a batch at a time."""

    def audit_actions(self) -> list[str]:
        """The distinct actions recorded so far, sorted."""
