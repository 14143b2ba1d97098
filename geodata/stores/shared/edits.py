"""Outline edits kept with their change sets (migration 0011), shared by both stores (see common.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from geodata.model import TARGET_KINDS, GeometryEdit
from geodata.stores.shared.base import check_choice

_INSERT = """
    INSERT INTO geometry_edit (county_id, change_set_id, target_kind, target_id, version, geom_before, geom_after)
    VALUES (%(county_id)s, %(change_set_id)s, %(target_kind)s, %(target_id)s, %(version)s,
            %(before)s, %(after)s)
    RETURNING id
"""
_LIST = """
    SELECT *
    FROM geometry_edit
    WHERE county_id = %(county)s
      AND (CAST(%(kind)s AS TEXT) IS NULL OR target_kind = %(kind)s)
      AND (CAST(%(target)s AS INTEGER) IS NULL OR target_id = %(target)s)
      AND (CAST(%(cs)s AS INTEGER) IS NULL OR change_set_id = %(cs)s)
    ORDER BY id
"""


class GeometryEditsSql:
    def add_geometry_edits(self, edits: Sequence[GeometryEdit]) -> list[GeometryEdit]:
        for e in edits:
            check_choice(e.target_kind, TARGET_KINDS, "target kind")
        rows = [{**vars(e), "before": self._g(e.before), "after": self._g(e.after)} for e in edits]
        ids = self._insert_many(_INSERT, rows)
        return [replace(e, id=i) for e, i in zip(edits, ids, strict=True)]

    def geometry_edits(
        self,
        county_id: int,
        target_kind: str | None = None,
        target_id: int | None = None,
        change_set_id: int | None = None,
    ) -> list[GeometryEdit]:
        params = {"county": county_id, "kind": target_kind, "target": target_id, "cs": change_set_id}
        return [
            GeometryEdit(r["county_id"], r["change_set_id"], r["target_kind"], r["target_id"], r["version"],
                         self._geom(r["geom_before"]), self._geom(r["geom_after"]), r["id"])
            for r in self._rows(_LIST, params)
        ]  # fmt: skip
