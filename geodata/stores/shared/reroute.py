"""Routing incidents again after a change (geodata/assignments/postings.py ``reroute``), shared by both
backends (geodata/stores/interface/reroute.py): the routes written in one statement a batch, and the queue of reroutes a
committed change still owes (migration 0015)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from geodata.model import Incident
from geodata.stores.shared.base import BaseStore

# A case once returned (回退) is routed by hand from then on: a leader decided its unit, and a new
# map does not send it back to the unit that returned it.
_REROUTE_ONE = """
    UPDATE incident SET zone_id = %(zone_id)s, segment_id = %(segment_id)s, unit_id = %(unit_id)s
    WHERE county_id = %(county_id)s AND id = %(id)s
      AND NOT EXISTS (SELECT 1 FROM case_request AS r WHERE r.incident_id = incident.id AND r.kind = 'return')
"""


class RerouteSql(BaseStore):
    def reroute_incidents(self, incidents: Sequence[Incident]) -> int:
        # Only the routing columns: a case's status or note written meanwhile stays as it is.
        self._execute_many(
            _REROUTE_ONE,
            [
                {"county_id": i.county_id, "id": i.id, "zone_id": i.zone_id,
                 "segment_id": i.segment_id, "unit_id": i.unit_id}
                for i in incidents
            ],
        )  # fmt: skip
        return len(incidents)

    def add_pending_reroute(self, county_id: int, since: datetime, change_set_id: int | None) -> int:
        return self._insert(
            "INSERT INTO pending_reroute (county_id, since, change_set_id) "
            "VALUES (%(c)s, %(since)s, %(cs)s) RETURNING id",
            {"c": county_id, "since": self._t(since), "cs": change_set_id},
        )[0]

    def pending_reroutes(self) -> list[tuple[int, int, datetime]]:
        rows = self._rows("SELECT id, county_id, since FROM pending_reroute ORDER BY id")
        return [(r["id"], r["county_id"], self._time(r["since"])) for r in rows]

    def drop_pending_reroute(self, pending_id: int) -> None:
        self._execute("DELETE FROM pending_reroute WHERE id = %(id)s", {"id": pending_id})
