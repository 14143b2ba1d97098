"""What a kept map tile depends on, in the SQL both backends share
(``map_version``: geodata/stores/interface/core.py, ``next_lead_change``: tiles.py): the map's version, which
triggers bump on every write to zones, segments or assignments (migration 0010), and the next
moment a lead changes by date alone."""

from __future__ import annotations

from datetime import datetime

from geodata.stores.shared.base import BaseStore

_NEXT_LEAD_CHANGE = """
    SELECT MIN(t) AS t FROM (
        SELECT MIN(valid_from) AS t FROM assignment
         WHERE county_id = %(c)s AND role = 'lead' AND voided_by IS NULL AND valid_from > %(after)s
        UNION ALL
        SELECT MIN(valid_to) AS t FROM assignment
         WHERE county_id = %(c)s AND role = 'lead' AND voided_by IS NULL AND valid_to > %(after)s
    ) AS m
"""


class MapStateSql(BaseStore):
    def map_version(self, lock: bool = False) -> int:
        sql = "SELECT version FROM map_version WHERE id = 1" + (self.LOCK_ROW if lock else "")
        return self._rows(sql)[0]["version"]

    def next_lead_change(self, county_id: int, after: datetime) -> datetime | None:
        rows = self._rows(_NEXT_LEAD_CHANGE, {"c": county_id, "after": self._t(after)})
        return self._time(rows[0]["t"])
