"""The steps of public cases for Open311's updates, in the SQL both backends share
(geodata/stores/interface/open311.py)."""

from __future__ import annotations

from datetime import datetime

from geodata.model import IncidentEvent
from geodata.stores.shared.base import BaseStore

# A category's ``public`` flag is a boolean in PostGIS and 0/1 in SQLite: '= TRUE' reads both.
PUBLIC_CASE_EVENTS = """
    SELECT e.* FROM incident_event AS e
    JOIN incident AS i ON i.id = e.incident_id AND i.county_id = e.county_id
    JOIN category AS g ON g.code = i.category
    WHERE e.county_id = %(c)s AND e.at >= %(since)s AND e.at < %(until)s AND g.public = TRUE
    ORDER BY e.at, e.id
    LIMIT %(limit)s OFFSET %(offset)s
"""


class Open311Sql(BaseStore):
    def public_case_events(
        self, county_id: int, since: datetime, until: datetime, limit: int, offset: int = 0
    ) -> list[IncidentEvent]:
        params = {"c": county_id, "since": self._t(since), "until": self._t(until), "limit": limit,
                  "offset": offset}  # fmt: skip
        return [
            IncidentEvent(r["county_id"], r["incident_id"], self._time(r["at"]), r["actor"], r["to_status"],
                          r["from_status"], r["note"], r["id"])
            for r in self._rows(PUBLIC_CASE_EVENTS, params)
        ]  # fmt: skip
