"""Editing the map (geodata/mapedit/): splitting and merging road segments (segments.py) and the outline
edits kept with their change sets (zones.py; migration 0011), in the SQL both backends share
(geodata/stores/interface/mapedit.py). ``segment_incidents`` is each backend's own: they keep an
incident's point differently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from geodata.errors import Conflict, NotFound
from geodata.model import TARGET_KINDS, GeometryEdit
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import check_choice

# Every column but the id, so the copy answers every date as the original does (and a revert of
# one of its change sets finds both rows).
COPY_ASSIGNMENTS = """
    INSERT INTO assignment (county_id, unit_id, target_kind, target_id, role, person, phone, duties,
                            valid_from, valid_to, change_set_id, closed_by, closed_from, voided_by)
    SELECT county_id, unit_id, target_kind, %(to)s, role, person, phone, duties,
           valid_from, valid_to, change_set_id, closed_by, closed_from, voided_by
    FROM assignment
    WHERE county_id = %(c)s AND target_kind = %(kind)s AND target_id = %(from)s
    ORDER BY id
"""
COUNT_ASSIGNMENTS = """
    SELECT COUNT(*) AS n
    FROM assignment
    WHERE county_id = %(c)s AND target_kind = %(kind)s AND target_id = %(from)s
"""
# A merged-away segment's rows are voided by the merge, not deleted: history only grows
# (migration 0012). Rows voided by a revert keep the revert that voided them.
RETIRE_ASSIGNMENTS = """
    UPDATE assignment
    SET voided_by = %(cs)s
    WHERE county_id = %(c)s AND target_kind = 'segment' AND target_id = %(id)s AND voided_by IS NULL
"""
INSERT_GEOMETRY_EDIT = """
    INSERT INTO geometry_edit (county_id, change_set_id, target_kind, target_id, version, geom_before, geom_after)
    VALUES (%(county_id)s, %(change_set_id)s, %(target_kind)s, %(target_id)s, %(version)s,
            %(before)s, %(after)s)
    RETURNING id
"""
LIST_GEOMETRY_EDITS = """
    SELECT *
    FROM geometry_edit
    WHERE county_id = %(county)s
      AND (CAST(%(kind)s AS TEXT) IS NULL OR target_kind = %(kind)s)
      AND (CAST(%(target)s AS INTEGER) IS NULL OR target_id = %(target)s)
      AND (CAST(%(cs)s AS INTEGER) IS NULL OR change_set_id = %(cs)s)
    ORDER BY id
"""


class MapEditSql(BaseStore):
    def copy_assignments(self, county_id: int, target_kind: str, from_id: int, to_id: int) -> int:
        check_choice(target_kind, TARGET_KINDS, "target kind")
        params = {"c": county_id, "kind": target_kind, "from": int(from_id), "to": int(to_id)}
        with self.transaction():
            copied = self._rows(COUNT_ASSIGNMENTS, params)[0]["n"]
            self._execute(COPY_ASSIGNMENTS, params)
        return copied

    def move_incidents(self, county_id: int, incident_ids: Sequence[int], segment_id: int) -> int:
        ids = sorted({int(i) for i in incident_ids})
        if not ids:
            return 0
        params = {"c": county_id, "ids": self._arr(ids), "s": int(segment_id)}
        with self.transaction():
            moved = self._rows(
                f"SELECT COUNT(*) AS n FROM incident WHERE county_id = %(c)s AND {self.ID_IN}", params
            )[0]["n"]
            self._execute(
                f"UPDATE incident SET segment_id = %(s)s WHERE county_id = %(c)s AND {self.ID_IN}", params
            )
        return moved

    def move_inspections(self, county_id: int, segment_ids: Sequence[int], to_segment_id: int) -> int:
        ids = [i.id for s in sorted(set(segment_ids)) for i in self.list_inspections(county_id, "segment", s)]
        if ids:
            self._execute(
                f"UPDATE inspection SET target_id = %(to)s WHERE county_id = %(c)s AND {self.ID_IN}",
                {"c": county_id, "ids": self._arr(ids), "to": int(to_segment_id)},
            )
        return len(ids)

    def delete_segments(self, county_id: int, segment_ids: Sequence[int], change_set_id: int) -> int:
        ids = sorted({int(i) for i in segment_ids})
        if not ids:
            return 0
        with self.transaction():
            found = {s.id for s in self.get_targets(county_id, "segment", ids)}
            missing = [i for i in ids if i not in found]
            if missing:
                raise NotFound(
                    f"路段 #{missing[0]} 不存在", en=f"Road segment #{missing[0]} does not exist", field="ids"
                )
            self._refuse_if_segment_referenced(county_id, ids)
            for segment_id in ids:
                self._execute(RETIRE_ASSIGNMENTS, {"c": county_id, "id": segment_id, "cs": change_set_id})
            self._execute(
                f"DELETE FROM segment WHERE county_id = %(c)s AND {self.ID_IN}",
                {"c": county_id, "ids": self._arr(ids)},
            )
            for segment_id in ids:
                self._unindexed("segment", segment_id)
        return len(ids)

    def _refuse_if_segment_referenced(self, county_id: int, ids: list[int]) -> None:
        cases = self.segment_incidents(county_id, ids)
        if cases:
            raise Conflict(
                f"路段 #{cases[0].segment_id} 仍有问题记录（如 #{cases[0].id}），请先将其移到其他路段再删除",
                en=f"Road segment #{cases[0].segment_id} still has cases (such as #{cases[0].id}): move them to another segment before deleting it",
            )
        for segment_id in ids:
            if self.list_inspections(county_id, "segment", segment_id):
                raise Conflict(
                    f"路段 #{segment_id} 仍有考评记录，请先将其移到其他路段再删除",
                    en=f"Road segment #{segment_id} still has evaluation records: move them to another segment before deleting it",
                )

    def add_geometry_edits(self, edits: Sequence[GeometryEdit]) -> list[GeometryEdit]:
        for e in edits:
            check_choice(e.target_kind, TARGET_KINDS, "target kind")
        rows = [{**vars(e), "before": self._g(e.before), "after": self._g(e.after)} for e in edits]
        ids = self._insert_many(INSERT_GEOMETRY_EDIT, rows)
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
            for r in self._rows(LIST_GEOMETRY_EDITS, params)
        ]  # fmt: skip
