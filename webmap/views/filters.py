"""The case filters of a request, parsed once at the edge (as params.py parses the rest): the case
list and its CSV, the map's tiles and heat, the 驾驶舱 and the layers of cases all take the same
``CaseFilters``. Unit staff (and their API keys) only ever see their own unit's cases."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from flask import request

from geodata import clock
from geodata.assignments.postings import day_span
from geodata.errors import NotFound
from geodata.model import COMMUNITY_KINDS, INNER_ZONE_KINDS, County
from geodata.stores.store import BBox, Store
from webmap.i18n import zh_en
from webmap.views.params import county_bbox, parse_bbox, parse_day
from webmap.views.requests import request_viewer


@dataclass(frozen=True)
class CaseFilters:
    """Which cases: each field a keyword filter of ``Store.list_incidents`` (None: any), and the
    box they lie in."""

    status: str | None = None
    category: str | None = None
    unit_id: int | None = None
    zone_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    overdue_at: datetime | None = None
    reporter: str | None = None
    pending: str | None = None  # 'extension' | 'supervised' (geodata/stores/shared/cases.py PENDING)
    duplicates: bool = False
    bbox: BBox | None = None

    def store_filters(self) -> dict:
        """The keyword filters for the store and the layers (``duplicates`` always, the rest when set)."""
        given = {k: v for k, v in asdict(self).items() if v is not None and k not in ("bbox", "duplicates")}
        return {"duplicates": self.duplicates, **given}


def case_filters(store: Store, county: County) -> CaseFilters:
    """The filters of the query string (``status``, ``category``, ``unit``, ``zone``, ``from``,
    ``to``, ``overdue``, ``mine``, ``pending``, ``duplicates``, ``bbox``), each checked."""
    a = request.args
    if a.get("category"):
        store.get_category(a["category"])  # NotFound naming it
    unit_id = _unit_id(store, county, a["unit"]) if a.get("unit") else None
    zone_id = _zone_id(store, county, a["zone"]) if a.get("zone") else None
    since = cases_day(parse_day(a["from"], "from")) if a.get("from") else None
    until = cases_day(parse_day(a["to"], "to"), end=True) if a.get("to") else None
    viewer = request_viewer(store)  # a person or an API key: the same scope
    return CaseFilters(
        status=a.get("status") or None,
        category=a.get("category") or None,
        unit_id=viewer.unit_id if viewer.role == "unit_staff" else unit_id,
        zone_id=zone_id,
        since=since,
        until=until,
        overdue_at=clock.now() if a.get("overdue") == "1" else None,
        reporter=viewer.name if a.get("mine") == "1" else None,  # the cases the viewer reported
        duplicates=a.get("duplicates") == "1",
        pending=a.get("pending") or None,
        bbox=county_bbox(parse_bbox(a["bbox"]), county) if a.get("bbox") else None,
    )


def cases_day(day, end: bool = False) -> datetime:
    """The start of the county's day (or of the next one, ``end``): the bounds of a date filter."""
    start, following = day_span(day)
    return following if end else start


def _unit_id(store: Store, county: County, code: str) -> int:
    try:
        return store.get_unit_by_code(county.id, code).id
    except NotFound:
        zh, en = zh_en("cases.api.no_unit", code=repr(code))
        raise NotFound(zh, en=en, field="unit") from None


def _zone_id(store: Store, county: County, code: str) -> int:
    try:  # one row by its code, not every zone with its geometry on every tile
        return store.get_zone_by_code(county.id, COMMUNITY_KINDS + INNER_ZONE_KINDS, code).id
    except NotFound:
        zh, en = zh_en("cases.api.no_zone", code=repr(code))
        raise NotFound(zh, en=en, field="zone") from None
