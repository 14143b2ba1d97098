"""Change sets and date-effective assignments, in the SQL both backends share
(geodata/stores/interface/assignments.py; ``lead_units`` is each backend's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from geodata.errors import Conflict
from geodata.model import COUNTY_TZ, TARGET_KINDS, Assignment, ChangeSet, ChangeSetSummary
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import one

INSERT_ASSIGNMENT = """
    INSERT INTO assignment (county_id, unit_id, target_kind, target_id, role, person, phone, duties,
                            valid_from, valid_to, change_set_id)
    VALUES (%(county_id)s, %(unit_id)s, %(target_kind)s, %(target_id)s, %(role)s, %(person)s,
            %(phone)s, %(duties)s, %(valid_from)s, %(valid_to)s, %(change_set_id)s)
    RETURNING id
"""
LATER_LEADS = """
    SELECT target_kind, target_id, valid_from
    FROM assignment
    WHERE county_id = %(county_id)s AND role = 'lead' AND voided_by IS NULL AND valid_from >= %(valid_from)s
"""
CLOSE_LEAD = """
    UPDATE assignment
    SET valid_to = %(valid_from)s, closed_by = %(change_set_id)s, closed_from = valid_to
    WHERE county_id = %(county_id)s AND target_kind = %(target_kind)s AND target_id = %(target_id)s
      AND role = 'lead' AND voided_by IS NULL AND valid_from < %(valid_from)s
      AND (valid_to IS NULL OR valid_to > %(valid_from)s)
"""
ASSIGNMENTS_AT = """
    SELECT *
    FROM assignment
    WHERE county_id = %(county)s
      AND (CAST(%(kind)s AS TEXT) IS NULL OR target_kind = %(kind)s)
      AND voided_by IS NULL
      AND valid_from <= %(at)s AND (valid_to IS NULL OR valid_to > %(at)s)
    ORDER BY id
"""
UNIT_ASSIGNMENTS = """
    SELECT *
    FROM assignment
    WHERE county_id = %(county)s AND (CAST(%(unit)s AS INTEGER) IS NULL OR unit_id = %(unit)s)
      AND voided_by IS NULL AND valid_from < %(until)s AND (valid_to IS NULL OR valid_to > %(since)s)
    ORDER BY target_kind, target_id, valid_from
"""
# Assignments opened by a change set that a later change set has since closed: the later one
# builds on this one, so this one cannot be reverted alone.
DEPENDENT_CHANGE_SETS = """
    SELECT DISTINCT closed_by
    FROM assignment
    WHERE county_id = %(county)s AND change_set_id = %(cs)s AND voided_by IS NULL
      AND closed_by IS NOT NULL AND closed_by <> %(cs)s
    ORDER BY closed_by
"""
# The targets whose assignments a change set opened or closed: what its revert changes.
CHANGE_SET_TARGETS = """
    SELECT DISTINCT target_kind, target_id
    FROM assignment
    WHERE county_id = %(county)s AND (change_set_id = %(cs)s OR closed_by = %(cs)s)
    ORDER BY target_kind, target_id
"""
# Whether a change set redrew outlines (migration 0011): those are not undone by a revert.
OUTLINES_EDITED = """
    SELECT id
    FROM geometry_edit
    WHERE county_id = %(county)s AND change_set_id = %(cs)s
    LIMIT 1
"""
# Assignments a change set ends that no lead ends by itself (a merge of units ends the assists).
CLOSE_ASSIGNMENTS = """
    UPDATE assignment
    SET valid_to = %(at)s, closed_by = %(cs)s, closed_from = valid_to
    WHERE county_id = %(county)s AND {ids} AND voided_by IS NULL AND closed_by IS NULL
      AND valid_from < %(at)s AND (valid_to IS NULL OR valid_to > %(at)s)
    RETURNING target_kind, target_id
"""
# A unit a merge retired is in service again when the merge is reverted.
UNRETIRE = """
    UPDATE unit
    SET retired_at = NULL, retired_by = NULL, version = version + 1
    WHERE county_id = %(county)s AND retired_by = %(cs)s
"""
VOID_OPENED = """
    UPDATE assignment
    SET voided_by = %(revert)s
    WHERE county_id = %(county)s AND change_set_id = %(cs)s AND voided_by IS NULL
"""
REOPEN_CLOSED = """
    UPDATE assignment
    SET valid_to = closed_from, closed_by = NULL, closed_from = NULL
    WHERE county_id = %(county)s AND closed_by = %(cs)s AND voided_by IS NULL
"""
# Rows voided by a change set that is no revert: a merge voided them with their segment
# (mapedit.py); they no longer count among what their change set assigned.
NOT_MERGED_AWAY = """
    (a.voided_by IS NULL OR a.voided_by IN (SELECT r.id FROM change_set AS r WHERE r.reverts IS NOT NULL))
"""
# Change sets newest first, each with how many assignments it opened (a revert: voided) and the
# change set that reverted it.
CHANGE_SET_SUMMARIES = f"""
    SELECT cs.*,
           (SELECT MIN(r.id) FROM change_set AS r WHERE r.county_id = cs.county_id AND r.reverts = cs.id)
               AS reverted_by,
           CASE WHEN cs.reverts IS NULL
                THEN (SELECT COUNT(*) FROM assignment AS a WHERE a.county_id = cs.county_id AND a.change_set_id = cs.id
                      AND {NOT_MERGED_AWAY})
                ELSE (SELECT COUNT(*) FROM assignment AS a WHERE a.county_id = cs.county_id AND a.voided_by = cs.reverts)
           END AS targets
    FROM change_set AS cs
    WHERE cs.county_id = %(c)s AND (CAST(%(id)s AS BIGINT) IS NULL OR cs.id = %(id)s)
    ORDER BY cs.id DESC
    LIMIT %(limit)s OFFSET %(offset)s
"""


def _refuse_double_leads(leads: list[dict]) -> None:
    """Conflict when one batch gives a target two leads at once (before the database would)."""
    seen: dict[tuple[str, int], list[dict]] = {}
    for r in leads:
        key = (r["target_kind"], r["target_id"])
        for other in seen.get(key, []):
            if _overlap(r, other):
                raise Conflict(
                    f"{'路段' if key[0] == 'segment' else '区域'} #{key[1]} 在一次调整中同一时段被指定了两个牵头单位",
                    en=f"{'Road segment' if key[0] == 'segment' else 'Zone'} #{key[1]} is given two leads for the same period in one change",
                )
        seen.setdefault(key, []).append(r)


def _overlap(a: dict, b: dict) -> bool:
    """Whether two rows' [valid_from, valid_to) periods meet (encoded times compare in order)."""
    a_to, b_to = a["valid_to"], b["valid_to"]
    return (b_to is None or a["valid_from"] < b_to) and (a_to is None or b["valid_from"] < a_to)


class AssignmentsSql(BaseStore):
    # -- change sets and assignments ---------------------------------------------------------------
    def add_change_set(self, change_set: ChangeSet) -> ChangeSet:
        cs = change_set
        row = self._insert(
            "INSERT INTO change_set (county_id, author, reason, created_at, geom, reverts) "
            "VALUES (%(county_id)s, %(author)s, %(reason)s, %(created_at)s, %(geom)s, %(reverts)s) RETURNING id",
            {**vars(cs), "created_at": self._t(cs.created_at), "geom": self._g(cs.geom)},
        )
        return replace(cs, id=row[0], created_at=self._time(self._t(cs.created_at)))

    def get_change_set(self, county_id: int, change_set_id: int) -> ChangeSet:
        rows = self._rows(
            "SELECT * FROM change_set WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": change_set_id},
        )
        return self._change_set(one(rows, f"change set #{change_set_id}"))

    def list_change_sets(
        self, county_id: int, limit: int = 20, offset: int = 0, change_set_id: int | None = None
    ) -> list[ChangeSetSummary]:
        rows = self._rows(
            CHANGE_SET_SUMMARIES,
            {"c": county_id, "id": change_set_id, "limit": limit, "offset": offset},
        )
        return [ChangeSetSummary(self._change_set(r), r["targets"], r["reverted_by"]) for r in rows]

    def _assignment(self, r) -> Assignment:
        return Assignment(
            r["county_id"], r["unit_id"], r["target_kind"], r["target_id"], r["role"],
            self._time(r["valid_from"]), self._time(r["valid_to"]), r["person"], r["phone"],
            tuple(self._list(r["duties"])), r["change_set_id"], r["id"], r["closed_by"], r["voided_by"],
        )  # fmt: skip

    def _change_set(self, r) -> ChangeSet:
        return ChangeSet(
            r["county_id"], r["author"], r["reason"], self._time(r["created_at"]), self._geom(r["geom"]),
            r["id"], r["reverts"],
        )  # fmt: skip

    def assign(self, assignment: Assignment) -> Assignment:
        return self.assign_many([assignment])[0]

    def assign_many(self, assignments: Sequence[Assignment]) -> list[Assignment]:
        """Open many assignments in one transaction with a fixed number of statements: each lead
        closes the one in force when it starts; any conflict refuses the whole batch."""
        for a in assignments:
            self._check_assignment(a)
        rows = [
            {**vars(a), "duties": self._arr(a.duties),
             "valid_from": self._t(a.valid_from), "valid_to": self._t(a.valid_to)}
            for a in assignments
        ]  # fmt: skip
        leads = [r for r in rows if r["role"] == "lead"]
        _refuse_double_leads(leads)
        try:
            with self.transaction():
                if leads:
                    self._refuse_later_leads(leads)
                    self._execute_many(CLOSE_LEAD, leads)
                ids = self._insert_many(INSERT_ASSIGNMENT, rows)
                touched = [(a.county_id, a.target_kind, a.target_id) for a in assignments]
                for county_id in {c for c, _, _ in touched}:
                    self._bump_versions(county_id, [(k, t) for c, k, t in touched if c == county_id])
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                "同一对象在同一时段将有两个牵头单位", en="A target would have two leads in the same period"
            ) from None
        return [
            replace(a, id=i, valid_from=self._time(r["valid_from"]), valid_to=self._time(r["valid_to"]))
            for a, r, i in zip(assignments, rows, ids, strict=True)
        ]

    def _refuse_later_leads(self, leads: list[dict]) -> None:
        """Conflict when a lead would start inside (or before) a lead that starts later."""
        since = min(self._time(r["valid_from"]) for r in leads)
        later: dict[tuple[str, int], datetime] = {}
        for r in self._rows(LATER_LEADS, {"county_id": leads[0]["county_id"], "valid_from": self._t(since)}):
            key, start = (r["target_kind"], r["target_id"]), self._time(r["valid_from"])
            later[key] = max(start, later.get(key, start))
        for r in leads:
            start = later.get((r["target_kind"], r["target_id"]))
            if start is not None and start >= self._time(r["valid_from"]):
                kind = "路段" if r["target_kind"] == "segment" else "区域"
                raise Conflict(
                    f"{kind} #{r['target_id']} 已有自 {start.astimezone(COUNTY_TZ):%Y-%m-%d} 起的牵头单位，"
                    "不晚于本次调整的生效日期：请从更晚的日期调整，或先撤销那次调整",
                    en=f"{'Road segment' if r['target_kind'] == 'segment' else 'Zone'} #{r['target_id']} already has a lead unit from {start.astimezone(COUNTY_TZ):%Y-%m-%d}, not later than this change takes effect: make the change from a later date, or revert that change first",
                )

    def revert_change_set(self, county_id: int, change_set_id: int, revert: ChangeSet) -> ChangeSet:
        """Undo a change set as a new one (``revert``): its assignments are voided and the ones it
        closed reopen, so every date answers as before. Conflict when a later change set built on
        it (naming them), when it was reverted already, or when it is itself a revert."""
        params = {"county": county_id, "cs": change_set_id}
        with self.transaction():
            target = self.get_change_set(county_id, change_set_id)
            if target.reverts is not None:
                raise Conflict(
                    f"变更单 #{change_set_id} 本身是一次撤销：如需恢复，请重新调整",
                    en=f"Change set #{change_set_id} is itself a revert: to restore it, make the change again",
                )
            done = self._rows(
                "SELECT id FROM change_set WHERE county_id = %(county)s AND reverts = %(cs)s", params
            )
            if done:
                raise Conflict(
                    f"变更单 #{change_set_id} 已被变更单 #{done[0]['id']} 撤销",
                    en=f"Change set #{change_set_id} was already reverted by change set #{done[0]['id']}",
                )
            if self._rows(OUTLINES_EDITED, params):
                raise Conflict(
                    f"变更单 #{change_set_id} 调整的是区域边界，不能在此撤销：请再次编辑边界把它改回",
                    en=f"Change set #{change_set_id} redrew zone outlines and cannot be reverted here: edit the outlines again to change them back",
                )
            later = [r["closed_by"] for r in self._rows(DEPENDENT_CHANGE_SETS, params)]
            if later:
                names = ", ".join(f"#{i}" for i in later)
                raise Conflict(
                    f"变更单 #{change_set_id} 不能单独撤销：之后的变更单 {names} 又调整了它分配的对象，请先撤销这些变更单",
                    en=f"Change set #{change_set_id} cannot be reverted alone: the later change sets {names} changed its targets again; revert those first",
                    depends=later,
                )
            touched = [(r["target_kind"], r["target_id"]) for r in self._rows(CHANGE_SET_TARGETS, params)]
            if not touched:  # e.g. a split or merge of segments (geodata/mapedit/segments.py)
                raise Conflict(
                    f"变更单 #{change_set_id} 没有调整任何责任分配（如路段切分、合并），无可撤销",
                    en=f"Change set #{change_set_id} changed no assignment (a segment split or merge, say): there is nothing to revert",
                )
            made = self.add_change_set(replace(revert, county_id=county_id, reverts=change_set_id))
            self._execute(VOID_OPENED, {**params, "revert": made.id})
            self._execute(REOPEN_CLOSED, params)
            self._execute(UNRETIRE, params)
            self._bump_versions(county_id, touched)
        return made

    def close_assignments(
        self, county_id: int, assignment_ids: Sequence[int], at: datetime, change_set_id: int
    ) -> int:
        if not assignment_ids:
            return 0
        params = {"county": county_id, "ids": self._arr(sorted(set(assignment_ids))), "at": self._t(at),
                  "cs": change_set_id}  # fmt: skip
        with self.transaction():
            rows = self._rows(CLOSE_ASSIGNMENTS.replace("{ids}", self.ID_IN), params)
            self._bump_versions(county_id, [(r["target_kind"], r["target_id"]) for r in rows])
        return len(rows)

    def _bump_versions(self, county_id: int, targets: Sequence[tuple[str, int]]) -> None:
        """A target's version counts changes to it, its assignments included, so an editor who
        drew on an older version is told (StaleVersion) instead of overwriting someone's change."""
        for kind in TARGET_KINDS:
            ids = sorted({target_id for k, target_id in targets if k == kind})
            if ids:
                # ``kind`` is one of the fixed table names, never the caller's text.
                self._execute(
                    f"UPDATE {kind} SET version = version + 1 WHERE county_id = %(c)s AND {self.ID_IN}",
                    {"c": county_id, "ids": self._arr(ids)},
                )

    def change_set_assignments(self, county_id: int, change_set_id: int) -> list[Assignment]:
        self.get_change_set(county_id, change_set_id)
        rows = self._rows(
            f"SELECT * FROM assignment AS a WHERE county_id = %(c)s AND change_set_id = %(cs)s "
            f"AND {NOT_MERGED_AWAY} ORDER BY id",
            {"c": county_id, "cs": change_set_id},
        )
        return [self._assignment(r) for r in rows]

    def unit_assignments(
        self, county_id: int, unit_id: int | None, since: datetime, until: datetime
    ) -> list[Assignment]:
        """Everything ``unit_id`` (every unit, for None) guarded at some time in [since, until),
        reverted work left out."""
        params = {"county": county_id, "unit": unit_id, "since": self._t(since), "until": self._t(until)}
        return [self._assignment(r) for r in self._rows(UNIT_ASSIGNMENTS, params)]

    def assignments_of(self, county_id: int, target_kind: str, target_id: int) -> list[Assignment]:
        rows = self._rows(
            "SELECT * FROM assignment WHERE county_id = %(c)s AND target_kind = %(k)s AND target_id = %(t)s "
            "ORDER BY valid_from, id",
            {"c": county_id, "k": target_kind, "t": target_id},
        )
        return [self._assignment(r) for r in rows]

    def assignments_at(
        self, county_id: int, at: datetime, target_kind: str | None = None
    ) -> list[Assignment]:
        rows = self._rows(ASSIGNMENTS_AT, {"county": county_id, "kind": target_kind, "at": self._t(at)})
        return [self._assignment(r) for r in rows]
