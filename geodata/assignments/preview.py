"""What a posting would change, shown before it is applied (issue #7): per target the lead unit
before and after, its length or area, and the open cases that would move. Nothing is written."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely

from geodata.assignments.postings import Posting, category_codes, check_posting, find_unit, refuse_retired
from geodata.assignments.routing import ROUTE_MAX_M
from geodata.assignments.targets import TargetInfo, load_targets, stale_details, stale_targets
from geodata.model import County, Unit
from geodata.stores.store import Store

METRES_PER_DEGREE = 111_320.0


@dataclass
class Change:
    """One target's part of a posting. ``info.lead`` is the lead in force when the posting starts."""

    info: TargetInfo
    new_lead: Unit | None
    open_cases: int  # open cases the posting hands to the new lead unit
    open_cases_staying: int  # open cases on the target that stay where they are

    @property
    def changes_lead(self) -> bool:
        old, new = self.info.lead, self.new_lead
        return (old and old.id) != (new and new.id)


@dataclass
class Preview:
    unit: Unit
    role: str
    valid_from: datetime
    changes: list[Change]
    stale: list[dict]  # as StaleVersion would list them: applying now would be refused

    @property
    def totals(self) -> dict:
        length_m = sum(c.info.length_m or 0 for c in self.changes)
        return {
            "targets": len(self.changes),
            "lead_changes": sum(c.changes_lead for c in self.changes),
            "length_m": round(length_m, 1),
            "length_km": round(length_m / 1000, 3),
            "area_m2": round(sum(c.info.area_m2 or 0 for c in self.changes), 1),
            "open_cases": sum(c.open_cases for c in self.changes),
            "open_cases_staying": sum(c.open_cases_staying for c in self.changes),
            "stale": len(self.stale),
        }


def preview(store: Store, county: County, posting: Posting, max_m: float = ROUTE_MAX_M) -> Preview:
    """The diff ``apply_posting`` would make, read without writing: per target the lead before
    (at ``posting.valid_from``) and after, and the open cases that would move to the new lead unit
    (those re-routed from ``valid_from`` on, as ``apply_posting`` does). Targets whose version
    differs from ``posting.versions`` are listed in ``stale``. The reason may still be empty."""
    check_posting(posting, category_codes(store), need_reason=False)
    unit = refuse_retired(find_unit(store, county, posting.unit_code))
    current = load_targets(store, county, posting.targets, posting.valid_from)
    infos = [current[t] for t in dict.fromkeys(posting.targets)]
    leading = posting.role == "lead"
    moving, staying = open_cases(
        store, county, infos, posting.valid_from, unit.id if leading else None, max_m
    )
    changes = [
        Change(info, unit if leading else info.lead, int(m), int(s))
        for info, m, s in zip(infos, moving, staying, strict=True)
    ]
    return Preview(
        unit,
        posting.role,
        posting.valid_from,
        changes,
        stale_details(stale_targets(current, posting.versions)),
    )


def open_cases(
    store: Store,
    county: County,
    infos: Sequence[TargetInfo],
    since: datetime,
    new_unit_id: int | None,
    max_m: float = ROUTE_MAX_M,
) -> tuple[np.ndarray, np.ndarray]:
    """Per target, the open cases (duplicates left out) routing attributes to it: those a new lead
    ``new_unit_id`` from ``since`` would take over (reported since then and held by another unit),
    and the rest, which stay. A case belongs to its segment; to its zone only when no unit led
    its segment when it was reported (DESIGN §6)."""
    n = len(infos)
    moving, staying = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if not n:
        return moving, staying
    cases = store.list_incidents(
        county.id, bbox=_grown_bounds(infos, 2 * max_m), status="open", duplicates=False
    )
    if not cases:
        return moving, staying
    owner = _owners(store, county, infos, cases)
    owned = owner >= 0
    reported = np.array([c.reported_at.timestamp() for c in cases])
    unit = np.array([-1 if c.unit_id is None else c.unit_id for c in cases])
    moves = (
        owned & (new_unit_id is not None) & (reported >= since.timestamp()) & (unit != (new_unit_id or -1))
    )
    moving += np.bincount(owner[moves], minlength=n)
    staying += np.bincount(owner[owned & ~moves], minlength=n)
    return moving, staying


def _owners(store: Store, county: County, infos: Sequence[TargetInfo], cases: list) -> np.ndarray:
    """For each case, the index in ``infos`` of the target it is attributed to, or -1."""
    owner = np.full(len(cases), -1, dtype=np.int64)
    segment = np.array([-1 if c.segment_id is None else c.segment_id for c in cases])
    zone = np.array([-1 if c.zone_id is None else c.zone_id for c in cases])
    on_segment = _positions(infos, "segment", segment)
    owner[on_segment >= 0] = on_segment[on_segment >= 0]
    in_zone = _positions(infos, "zone", zone)
    maybe = np.flatnonzero((owner < 0) & (in_zone >= 0))
    if len(maybe):  # the zone's lead answers only where no segment lead did
        leads = store.lead_units(
            county.id, "segment", [None if segment[i] < 0 else int(segment[i]) for i in maybe],
            [cases[i].reported_at for i in maybe],
        )  # fmt: skip
        unled = maybe[np.array([lead is None for lead in leads], dtype=bool)]
        owner[unled] = in_zone[unled]
    return owner


def _positions(infos: Sequence[TargetInfo], kind: str, ids: np.ndarray) -> np.ndarray:
    """For each id, the index in ``infos`` of the target of ``kind`` with that id, or -1."""
    index = {i.target.id: k for k, i in enumerate(infos) if i.target.kind == kind}
    if not index:
        return np.full(len(ids), -1, dtype=np.int64)
    keys = np.array(sorted(index))
    values = np.array([index[k] for k in keys])
    at = np.clip(np.searchsorted(keys, ids), 0, len(keys) - 1)
    return np.where(keys[at] == ids, values[at], -1)


def _grown_bounds(infos: Sequence[TargetInfo], pad_m: float) -> tuple[float, float, float, float]:
    """The targets' bounding box grown by ``pad_m`` metres: every case routed to them lies inside."""
    minx, miny, maxx, maxy = shapely.total_bounds([i.geom for i in infos])
    dlat = pad_m / METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(max(abs(miny), abs(maxy)))), 0.01)
    return minx - dlon, miny - dlat, maxx + dlon, maxy + dlat
