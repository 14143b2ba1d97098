"""The audit log's rows (geodata/audit.py), in the SQL both backends share
(geodata/stores/interface/audit.py).

The chain's order is the id order; ``audit_chain_head`` is read under a lock held to the end of
the transaction, so appends queue. SQLite's write transaction (BEGIN IMMEDIATE) is that lock
already; PostGIS takes an advisory lock (``_lock_audit_chain``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from geodata.audit import AuditEvent, AuditFilter, detail_json
from geodata.stores.shared.base import BaseStore

INSERT_AUDIT_EVENT = """
    INSERT INTO audit_event (at, actor, address_hash, action, object, result, detail, prev_hash, hash)
    VALUES (%(at)s, %(actor)s, %(address_hash)s, %(action)s, %(object)s, %(result)s, %(detail)s,
            %(prev_hash)s, %(hash)s)
    RETURNING id
"""
LAST_AUDIT_HASH = """
    SELECT hash
    FROM audit_event
    ORDER BY id DESC
    LIMIT 1
"""
AUDIT_FILTERS = """
    WHERE (CAST(%(actor)s AS TEXT) IS NULL OR actor = %(actor)s)
      AND (CAST(%(action)s AS TEXT) IS NULL OR action = %(action)s)
      AND (CAST(%(since)s AS TIMESTAMPTZ) IS NULL OR at >= %(since)s)
      AND (CAST(%(until)s AS TIMESTAMPTZ) IS NULL OR at < %(until)s)
"""
AUDIT_BATCH = """
    SELECT *
    FROM audit_event
    WHERE id > %(after)s
    ORDER BY id
    LIMIT %(limit)s
"""


class AuditSql(BaseStore):
    def audit_chain_head(self) -> str | None:
        self._lock_audit_chain()
        rows = self._rows(LAST_AUDIT_HASH)
        return rows[0]["hash"] if rows else None

    def add_audit_event(self, event: AuditEvent) -> AuditEvent:
        params = {**vars(event), "at": self._t(event.at), "detail": detail_json(event.detail)}
        del params["id"]
        row = self._insert(INSERT_AUDIT_EVENT, params)
        return AuditEvent(**{**vars(event), "id": row[0]})

    def list_audit_events(self, where: AuditFilter, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
        rows = self._rows(
            f"SELECT * FROM audit_event {AUDIT_FILTERS} ORDER BY id DESC LIMIT %(limit)s OFFSET %(offset)s",
            {**self._audit_params(where), "limit": int(limit), "offset": int(offset)},
        )
        return [self._audit_event(r) for r in rows]

    def count_audit_events(self, where: AuditFilter) -> int:
        rows = self._rows(f"SELECT COUNT(*) AS n FROM audit_event {AUDIT_FILTERS}", self._audit_params(where))
        return rows[0]["n"]

    def iter_audit_events(self, where: AuditFilter | None = None, batch: int = 1000) -> Iterator[AuditEvent]:
        """Every event (matching ``where``) in id order, read a batch at a time."""
        after = 0
        while True:
            if where is None:
                rows = self._rows(AUDIT_BATCH, {"after": after, "limit": batch})
            else:
                rows = self._rows(
                    f"SELECT * FROM audit_event {AUDIT_FILTERS} AND id > %(after)s ORDER BY id LIMIT %(limit)s",
                    {**self._audit_params(where), "after": after, "limit": batch},
                )
            yield from (self._audit_event(r) for r in rows)
            if len(rows) < batch:
                return
            after = rows[-1]["id"]

    def audit_actions(self) -> list[str]:
        """The actions recorded so far, for the page's filter."""
        return [r["action"] for r in self._rows("SELECT DISTINCT action FROM audit_event ORDER BY action")]

    def _audit_params(self, where: AuditFilter) -> dict:
        return {
            "actor": where.actor, "action": where.action,
            "since": self._t(where.since), "until": self._t(where.until),
        }  # fmt: skip

    def _audit_event(self, r) -> AuditEvent:
        return AuditEvent(
            self._time(r["at"]), r["actor"], r["action"], r["object"], r["result"], r["address_hash"],
            json.loads(r["detail"]), r["prev_hash"], r["hash"], r["id"],
        )  # fmt: skip
