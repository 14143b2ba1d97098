"""Roads and zones tiles kept in memory between requests (DESIGN §7). They change only when the map
is edited, so a tile is kept with the map's version it was made at (``Store.map_version``, bumped
by triggers on every write to zones, segments or assignments) and served again while the version
is unchanged; a roads tile also expires when a lead changes by date (``next_lead_change``). The
least recently used tiles go first once the cache holds its budget of bytes. One cache per process
and database: gunicorn's workers each keep their own, and all see the same version.

The version itself is asked for at most once a second (a round trip on PostGIS costs more than
serving a kept tile): another leader's edit reaches a viewer's next tiles within that second —
their browser keeps a tile a minute anyway (webmap/views/portal/tiles.py) —, and the editor's own page asks for
its tiles with the version its edit made (``at_least``), which is then read at once."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Kept:
    value: object
    size: int
    until: datetime | None  # None: while the version holds


VERSION_SECONDS = 1.0


class TileCache:
    def __init__(self, max_bytes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self._clock = clock  # when the version was read: seconds that only grow (a test's own)
        self._kept: OrderedDict[tuple, Kept] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._version: tuple[int, float] | None = None  # the map's version, when it was read

    def map_version(self, store, at_least: int = 0) -> int:
        """The map's version as read less than VERSION_SECONDS ago and no older than ``at_least``;
        else read again."""
        known, now = self._version, self._clock()
        if known is None or now - known[1] >= VERSION_SECONDS or known[0] < at_least:
            known = self._version = (store.map_version(), now)
        return known[0]

    def get(self, key: tuple, now: datetime):
        """The value kept under ``key`` if it has not expired by ``now``, else None."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if kept.until is not None and now >= kept.until:
                self._drop(key)
                return None
            self._kept.move_to_end(key)
            return kept.value

    def put(self, key: tuple, value, size: int, until: datetime | None = None) -> None:
        """Keep ``value`` (``size`` bytes) until ``until``; nothing larger than the budget is kept."""
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._kept:
                self._drop(key)
            self._kept[key] = Kept(value, size, until)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._kept)))

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def bytes(self) -> int:
        return self._bytes

    def _drop(self, key: tuple) -> None:
        self._bytes -= self._kept.pop(key).size
