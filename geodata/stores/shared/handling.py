"""Requests on cases and 督办 (migration 0021), in the SQL both backends share
(geodata/stores/interface/handling.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from geodata.cases.model import (
    REQUEST_KINDS,
    REQUEST_STATES,
    SUPERVISION_STATES,
    CaseRequest,
    HandlingCounts,
    Supervision,
)
from geodata.errors import Conflict, NotFound
from geodata.model import OVERDUE_STATUSES
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import check_choice, sql_list

_INSERT_REQUEST = """
    INSERT INTO case_request (county_id, incident_id, kind, state, unit_id, asked_by, asked_at, reason,
                              old_deadline_at, deadline_at, review_on, decided_by, decided_at, decision)
    VALUES (%(county_id)s, %(incident_id)s, %(kind)s, %(state)s, %(unit_id)s, %(asked_by)s, %(asked_at)s,
            %(reason)s, %(old_deadline_at)s, %(deadline_at)s, %(review_on)s, %(decided_by)s,
            %(decided_at)s, %(decision)s)
    RETURNING id
"""
_REQUESTS = """
    SELECT * FROM case_request
    WHERE county_id = %(c)s
      AND (CAST(%(incident)s AS INTEGER) IS NULL OR incident_id = %(incident)s)
      AND (CAST(%(kind)s AS TEXT) IS NULL OR kind = %(kind)s)
      AND (CAST(%(state)s AS TEXT) IS NULL OR state = %(state)s)
"""
_INSERT_SUPERVISION = """
    INSERT INTO supervision (county_id, incident_id, unit_id, level, state, raised_by, raised_at, note,
                             answer, answered_by, answered_at, closed_by, closed_at)
    VALUES (%(county_id)s, %(incident_id)s, %(unit_id)s, %(level)s, %(state)s, %(raised_by)s,
            %(raised_at)s, %(note)s, %(answer)s, %(answered_by)s, %(answered_at)s, %(closed_by)s,
            %(closed_at)s)
    RETURNING id
"""
_SUPERVISIONS = """
    SELECT * FROM supervision
    WHERE county_id = %(c)s
      AND (CAST(%(incident)s AS INTEGER) IS NULL OR incident_id = %(incident)s)
      AND (CAST(%(state)s AS TEXT) IS NULL OR state = %(state)s)
      AND (CAST(%(unit)s AS INTEGER) IS NULL OR unit_id = %(unit)s)
"""

# The month's handling counts (HandlingCounts): a unit's cases of the month are its cases, neither
# duplicates nor rejected, whose deadline in force falls in [since, until).
_DUE = """
    SELECT d.unit_id AS unit_id,
           COUNT(*) AS due,
           SUM(CASE WHEN d.handled_at <= d.deadline_at THEN 1 ELSE 0 END) AS on_time,
           SUM(CASE WHEN d.shelves > 0 THEN 1 ELSE 0 END) AS shelved,
           SUM(CASE WHEN d.status IN ('verified', 'closed') THEN 1 ELSE 0 END) AS closed,
           SUM(CASE WHEN d.rework > 0 THEN 1 ELSE 0 END) AS reworked
    FROM (
        SELECT t.unit_id, t.deadline_at, t.status, t.rework,
               (SELECT MIN(e.at) FROM incident_event AS e
                WHERE e.county_id = t.county_id AND e.incident_id = t.id AND e.to_status = 'handled') AS handled_at,
               (SELECT COUNT(*) FROM case_request AS r
                WHERE r.incident_id = t.id AND r.kind = 'shelve' AND r.state IN ('approved', 'ended')) AS shelves
        FROM incident AS t
        WHERE t.county_id = %(c)s
          AND t.unit_id IS NOT NULL
          AND t.duplicate_of IS NULL
          AND t.status <> 'rejected'
          AND t.deadline_at >= %(since)s
          AND t.deadline_at < %(until)s
    ) AS d
    GROUP BY d.unit_id
"""
# Approved 回退 asked in the month, by the unit that asked (counted against the router: shown only).
_RETURNS = """
    SELECT unit_id, COUNT(*) AS n
    FROM case_request
    WHERE county_id = %(c)s
      AND kind = 'return'
      AND state = 'approved'
      AND unit_id IS NOT NULL
      AND asked_at >= %(since)s
      AND asked_at < %(until)s
    GROUP BY unit_id
"""
_SUPERVISED = """
    SELECT unit_id, COUNT(*) AS n
    FROM supervision
    WHERE county_id = %(c)s
      AND unit_id IS NOT NULL
      AND raised_at >= %(since)s
      AND raised_at < %(until)s
    GROUP BY unit_id
"""
# A case's first 处置 in the month, timed from the last dispatch before it (a returned case's
# from its re-dispatch); {hours} is the backend's HOURS_SQL.
_HANDLED = """
    SELECT h.unit_id AS unit_id, COUNT(*) AS n, SUM({hours}) AS hours
    FROM (
        SELECT t.unit_id, e.at AS handled_at,
               (SELECT MAX(d.at) FROM incident_event AS d
                WHERE d.county_id = e.county_id AND d.incident_id = e.incident_id
                  AND d.to_status = 'dispatched' AND d.at <= e.at) AS dispatched_at
        FROM incident_event AS e
        JOIN incident AS t ON t.id = e.incident_id
        WHERE e.county_id = %(c)s
          AND e.to_status = 'handled'
          AND e.at >= %(since)s
          AND e.at < %(until)s
          AND t.unit_id IS NOT NULL
          AND t.duplicate_of IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM incident_event AS p
              WHERE p.county_id = e.county_id AND p.incident_id = e.incident_id AND p.to_status = 'handled'
                AND (p.at < e.at OR (p.at = e.at AND p.id < e.id)))
    ) AS h
    WHERE h.dispatched_at IS NOT NULL
    GROUP BY h.unit_id
"""


class HandlingSql(BaseStore):
    def add_case_request(self, request: CaseRequest) -> CaseRequest:
        check_choice(request.kind, REQUEST_KINDS, "request kind")
        check_choice(request.state, REQUEST_STATES, "request state")
        try:
            with self.transaction():
                row = self._insert(_INSERT_REQUEST, self._request_params(request))
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"案件 #{request.incident_id} 已有待审批的申请",
                en=f"Case #{request.incident_id} has a request waiting for a decision already",
            ) from None
        return replace(request, id=row[0])

    def decide_case_request(self, request: CaseRequest) -> CaseRequest:
        check_choice(request.state, REQUEST_STATES, "request state")
        self._execute(
            "UPDATE case_request SET state = %(state)s, decided_by = %(decided_by)s, decided_at = %(decided_at)s, "
            "decision = %(decision)s, deadline_at = %(deadline_at)s, review_on = %(review_on)s "
            "WHERE county_id = %(county_id)s AND id = %(id)s",
            self._request_params(request),
        )
        return request

    def get_case_request(self, county_id: int, request_id: int) -> CaseRequest:
        rows = self._rows(
            "SELECT * FROM case_request WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": request_id},
        )
        if not rows:
            raise NotFound(f"没有编号为 {request_id} 的申请", en=f"There is no request #{request_id}")
        return self._request(rows[0])

    def case_requests(self, county_id, incident_id=None, kind=None, state=None, limit=100, offset=0):
        rows = self._rows(
            _REQUESTS + " ORDER BY id DESC LIMIT %(limit)s OFFSET %(offset)s",
            {
                **_request_filters(county_id, incident_id, kind, state),
                "limit": int(limit),
                "offset": int(offset),
            },
        )
        return [self._request(r) for r in rows]

    def shelved_due(self, county_id: int, day: date) -> list[CaseRequest]:
        rows = self._rows(
            "SELECT r.* FROM case_request AS r JOIN incident AS t ON t.id = r.incident_id "
            "WHERE r.county_id = %(c)s AND r.kind = 'shelve' AND r.state = 'approved' "
            "AND t.status = 'shelved' AND r.review_on <= %(day)s ORDER BY r.id",
            {"c": county_id, "day": day.isoformat()},
        )
        return [self._request(r) for r in rows]

    def overdue_unsupervised(self, county_id: int, overdue_at: datetime, level: int, limit: int) -> list[int]:
        rows = self._rows(
            f"SELECT t.id FROM incident AS t WHERE t.county_id = %(c)s AND t.status IN {sql_list(OVERDUE_STATUSES)} "
            # NOT IN a subquery: one hashed set of the supervised, whatever the planner's statistics
            "AND t.deadline_at < %(at)s AND t.duplicate_of IS NULL AND t.id NOT IN (SELECT s.incident_id "
            "FROM supervision AS s WHERE s.level = %(level)s AND s.raised_by = %(system)s) "
            "ORDER BY t.deadline_at, t.id LIMIT %(limit)s",
            {
                "c": county_id,
                "at": self._t(overdue_at),
                "level": level,
                "system": "系统",
                "limit": int(limit),
            },
        )
        return [r["id"] for r in rows]

    def add_supervision(self, supervision: Supervision) -> Supervision | None:
        check_choice(supervision.state, SUPERVISION_STATES, "supervision state")
        try:
            with self.transaction():
                row = self._insert(_INSERT_SUPERVISION, self._supervision_params(supervision))
        except self.CONSTRAINT_ERRORS:
            return None  # the portal raised this level on the case already
        return replace(supervision, id=row[0])

    def update_supervision(self, supervision: Supervision) -> Supervision:
        check_choice(supervision.state, SUPERVISION_STATES, "supervision state")
        self._execute(
            "UPDATE supervision SET state = %(state)s, answer = %(answer)s, answered_by = %(answered_by)s, "
            "answered_at = %(answered_at)s, closed_by = %(closed_by)s, closed_at = %(closed_at)s "
            "WHERE county_id = %(county_id)s AND id = %(id)s",
            self._supervision_params(supervision),
        )
        return supervision

    def get_supervision(self, county_id: int, supervision_id: int) -> Supervision:
        rows = self._rows(
            "SELECT * FROM supervision WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": supervision_id},
        )
        if not rows:
            raise NotFound(
                f"没有编号为 {supervision_id} 的督办", en=f"There is no supervision order #{supervision_id}"
            )
        return self._supervision(rows[0])

    def supervisions(self, county_id, incident_id=None, state=None, unit_id=None, limit=100, offset=0):
        rows = self._rows(
            _SUPERVISIONS + " ORDER BY id DESC LIMIT %(limit)s OFFSET %(offset)s",
            {
                **_supervision_filters(county_id, incident_id, state, unit_id),
                "limit": int(limit),
                "offset": int(offset),
            },
        )
        return [self._supervision(r) for r in rows]

    def count_supervisions(self, county_id, state=None, unit_id=None) -> int:
        sql = f"SELECT COUNT(*) AS n FROM ({_SUPERVISIONS}) AS s"
        return self._rows(sql, _supervision_filters(county_id, None, state, unit_id))[0]["n"]

    def cases_due_between(self, county_id: int, start: datetime, end: datetime, limit: int) -> list[tuple]:
        rows = self._rows(
            f"SELECT t.id, t.category, t.unit_id, t.deadline_at FROM incident AS t WHERE t.county_id = %(c)s "
            f"AND t.status IN {sql_list(OVERDUE_STATUSES)} AND t.duplicate_of IS NULL "
            "AND t.deadline_at >= %(start)s AND t.deadline_at < %(end)s ORDER BY t.deadline_at, t.id LIMIT %(limit)s",
            {"c": county_id, "start": self._t(start), "end": self._t(end), "limit": int(limit)},
        )
        return [(r["id"], r["category"], r["unit_id"], self._time(r["deadline_at"])) for r in rows]

    def add_reminder(self, county_id: int, kind: str, key: str, at: datetime) -> bool:
        try:
            with self.transaction():
                self._execute(
                    "INSERT INTO reminder (county_id, kind, key, at) VALUES (%(c)s, %(kind)s, %(key)s, %(at)s)",
                    {"c": county_id, "kind": kind, "key": key, "at": self._t(at)},
                )
        except self.CONSTRAINT_ERRORS:
            return False
        return True

    def reminded(self, kind: str, key: str) -> bool:
        rows = self._rows(
            "SELECT 1 AS one FROM reminder WHERE kind = %(kind)s AND key = %(key)s",
            {"kind": kind, "key": key},
        )
        return bool(rows)

    def recent_reminders(self, county_id: int, since: datetime) -> set[tuple[str, str]]:
        rows = self._rows(
            "SELECT kind, key FROM reminder WHERE county_id = %(c)s AND at >= %(since)s",
            {"c": county_id, "since": self._t(since)},
        )
        return {(r["kind"], r["key"]) for r in rows}

    def handling_counts(self, county_id: int, since: datetime, until: datetime) -> dict[int, HandlingCounts]:
        params = {"c": county_id, "since": self._t(since), "until": self._t(until)}
        counts: dict[int, dict] = {}
        for r in self._rows(_DUE, params):
            counts[r["unit_id"]] = {
                k: int(r[k] or 0) for k in ("due", "on_time", "shelved", "closed", "reworked")
            }
        for sql, key in ((_RETURNS, "returns"), (_SUPERVISED, "supervisions")):
            for r in self._rows(sql, params):
                counts.setdefault(r["unit_id"], {})[key] = int(r["n"])
        hours = self.HOURS_SQL.format(start="h.dispatched_at", end="h.handled_at")
        for r in self._rows(_HANDLED.format(hours=hours), params):
            unit = counts.setdefault(r["unit_id"], {})
            unit["handled"], unit["handling_hours"] = int(r["n"]), float(r["hours"] or 0.0)
        return {unit: HandlingCounts(**n) for unit, n in counts.items()}

    def _request_params(self, r: CaseRequest) -> dict:
        return {
            **vars(r), "asked_at": self._t(r.asked_at), "old_deadline_at": self._t(r.old_deadline_at),
            "deadline_at": self._t(r.deadline_at), "decided_at": self._t(r.decided_at),
            "review_on": r.review_on.isoformat() if r.review_on else None,
        }  # fmt: skip

    def _request(self, r) -> CaseRequest:
        return CaseRequest(
            r["county_id"], r["incident_id"], r["kind"], r["state"], r["unit_id"], r["asked_by"],
            self._time(r["asked_at"]), r["reason"], self._time(r["old_deadline_at"]), self._time(r["deadline_at"]),
            date.fromisoformat(str(r["review_on"])) if r["review_on"] else None, r["decided_by"],
            self._time(r["decided_at"]), r["decision"], r["id"],
        )  # fmt: skip

    def _supervision_params(self, s: Supervision) -> dict:
        return {
            **vars(s), "raised_at": self._t(s.raised_at), "answered_at": self._t(s.answered_at),
            "closed_at": self._t(s.closed_at),
        }  # fmt: skip

    def _supervision(self, r) -> Supervision:
        return Supervision(
            r["county_id"], r["incident_id"], r["unit_id"], r["level"], r["state"], r["raised_by"],
            self._time(r["raised_at"]), r["note"], r["answer"], r["answered_by"], self._time(r["answered_at"]),
            r["closed_by"], self._time(r["closed_at"]), r["id"],
        )  # fmt: skip


def _request_filters(county_id, incident_id, kind, state) -> dict:
    return {"c": county_id, "incident": incident_id, "kind": kind, "state": state}


def _supervision_filters(county_id, incident_id, state, unit_id) -> dict:
    return {"c": county_id, "incident": incident_id, "state": state, "unit": unit_id}
