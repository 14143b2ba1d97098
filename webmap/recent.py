"""Answers that change rarely, kept for a few seconds per process: the county a request is for
and the record of the API key it carries. Every tile request needs both, and on PostGIS each is a
round trip that costs more than serving a kept tile (layers/tile_cache.py). An edit shows within
``SECONDS`` everywhere; a key revoked is refused by every process within as long."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

SECONDS = 5.0
MAX_KEPT = 1000  # counties and API keys: a few; past this many, start again


class Recent:
    def __init__(self, seconds: float = SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock  # seconds that only grow; a test's own moves without sleeping
        self._kept: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]):
        """The answer kept under ``key`` if it is younger than ``seconds``, else ``make()``'s (kept
        unless it raised)."""
        now = self._clock()
        kept = self._kept.get(key)
        if kept is not None and now < kept[0]:
            return kept[1]
        value = make()
        with self._lock:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
