"""Change sets and date-effective assignments, shared by both stores (see common.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from geodata.errors import Conflict, NotFound
from geodata.model import Assignment, ChangeSet
from geodata.stores.queries import (
    ASSIGNMENTS_AT,
    CLOSE_LEAD,
    DEPENDENT_CHANGE_SETS,
    INSERT_ASSIGNMENT,
    LATER_LEADS,
    REOPEN_CLOSED,
    UNIT_ASSIGNMENTS,
    VOID_OPENED,
)


def one(rows: list, what: str):
    if not rows:
        raise NotFound(f"{what} does not exist")
    return rows[0]


class AssignmentsSql:
    # -- change sets and assignments -----------------------------------------------------------
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
        r = one(rows, f"change set #{change_set_id}")
        return ChangeSet(
            r["county_id"], r["author"], r["reason"], self._time(r["created_at"]), self._geom(r["geom"]),
            r["id"], r["reverts"],
        )  # fmt: skip

    def assign(self, assignment: Assignment) -> Assignment:
        a = assignment
        self._check_assignment(a)
        params = {
            **vars(a), "duties": self._arr(a.duties),
            "valid_from": self._t(a.valid_from), "valid_to": self._t(a.valid_to),
        }  # fmt: skip
        try:
            with self.transaction():
                if a.role == "lead":
                    self._close_lead(a, params)
                row = self._insert(INSERT_ASSIGNMENT, params)
        except self.CONSTRAINT_ERRORS:
            raise Conflict(f"{a.target_kind} #{a.target_id} already has a lead in that period") from None
        return replace(
            a, id=row[0], valid_from=self._time(params["valid_from"]), valid_to=self._time(params["valid_to"])
        )

    def _close_lead(self, a: Assignment, params: dict) -> None:
        """End the lead in force when ``a`` starts; refuse when a later lead already exists."""
        if self._rows(LATER_LEADS, params):
            raise Conflict(
                f"{a.target_kind} #{a.target_id} has a lead starting on or after "
                f"{self._time(params['valid_from']):%Y-%m-%d}; reassign from a later date or revert that change first"
            )
        self._execute(CLOSE_LEAD, params)

    def revert_change_set(self, county_id: int, change_set_id: int, revert: ChangeSet) -> ChangeSet:
        """Undo a change set as a new one (``revert``): its assignments are voided and the ones it
        closed reopen, so every date answers as before. Conflict when a later change set built on
        it (naming them), when it was reverted already, or when it is itself a revert."""
        params = {"county": county_id, "cs": change_set_id}
        with self.transaction():
            target = self.get_change_set(county_id, change_set_id)
            if target.reverts is not None:
                raise Conflict(
                    f"change set #{change_set_id} is itself a revert; apply the change again instead"
                )
            done = self._rows(
                "SELECT id FROM change_set WHERE county_id = %(county)s AND reverts = %(cs)s", params
            )
            if done:
                raise Conflict(
                    f"change set #{change_set_id} was already reverted by change set #{done[0]['id']}"
                )
            later = [r["closed_by"] for r in self._rows(DEPENDENT_CHANGE_SETS, params)]
            if later:
                names = ", ".join(f"#{i}" for i in later)
                raise Conflict(
                    f"change set #{change_set_id} cannot be reverted alone: later change sets {names} "
                    "changed what it assigned; revert those first",
                    depends=later,
                )
            made = self.add_change_set(replace(revert, county_id=county_id, reverts=change_set_id))
            self._execute(VOID_OPENED, {**params, "revert": made.id})
            self._execute(REOPEN_CLOSED, params)
        return made

    def change_set_assignments(self, county_id: int, change_set_id: int) -> list[Assignment]:
        self.get_change_set(county_id, change_set_id)
        rows = self._rows(
            "SELECT * FROM assignment WHERE county_id = %(c)s AND change_set_id = %(cs)s ORDER BY id",
            {"c": county_id, "cs": change_set_id},
        )
        return [self._assignment(r) for r in rows]

    def unit_assignments(
        self, county_id: int, unit_id: int, since: datetime, until: datetime
    ) -> list[Assignment]:
        """Everything ``unit_id`` guarded at some time in [since, until), reverted work left out."""
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
