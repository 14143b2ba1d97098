"""Reporters' answers on closed cases, in the SQL both backends share
(geodata/stores/interface/feedback.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from geodata.model import Feedback
from geodata.stores.shared.base import BaseStore

# The UNIQUE (incident_id) decides between two answers sent at once: the second writes nothing.
INSERT_FEEDBACK = """
    INSERT INTO feedback (county_id, incident_id, public_report_id, answer, at)
    VALUES (%(county_id)s, %(incident_id)s, %(public_report_id)s, %(answer)s, %(at)s)
    ON CONFLICT (incident_id) DO NOTHING
    RETURNING id
"""
COUNTS = """
    SELECT i.unit_id AS unit_id,
           SUM(CASE WHEN f.answer = 'solved' THEN 1 ELSE 0 END) AS solved,
           COUNT(*) AS answered
    FROM feedback AS f
    JOIN incident AS i ON i.id = f.incident_id
    WHERE f.county_id = %(c)s
      AND f.at >= %(since)s
      AND f.at < %(until)s
    GROUP BY i.unit_id
"""


class FeedbackSql(BaseStore):
    def add_feedback(self, feedback: Feedback) -> Feedback | None:
        with self.transaction():
            rows = self._rows(INSERT_FEEDBACK, {**vars(feedback), "at": self._t(feedback.at)})
        return replace(feedback, id=rows[0]["id"]) if rows else None

    def get_feedback(self, county_id: int, incident_id: int) -> Feedback | None:
        rows = self._rows(
            "SELECT * FROM feedback WHERE county_id = %(c)s AND incident_id = %(i)s",
            {"c": county_id, "i": incident_id},
        )
        if not rows:
            return None
        r = rows[0]
        return Feedback(
            r["county_id"], r["incident_id"], r["public_report_id"], r["answer"], self._time(r["at"]), r["id"]
        )

    def feedback_counts(
        self, county_id: int, since: datetime, until: datetime
    ) -> dict[int | None, tuple[int, int]]:
        rows = self._rows(COUNTS, {"c": county_id, "since": self._t(since), "until": self._t(until)})
        return {r["unit_id"]: (int(r["solved"]), int(r["answered"])) for r in rows}
