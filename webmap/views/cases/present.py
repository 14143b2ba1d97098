"""A case as the pages, the API, Open311 and the CSV show it: ids turned into codes and names
(``Names``, fetched once a request), the JSON of a case, and what a reporter is told."""

from __future__ import annotations

from datetime import datetime

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ
from geodata.cases import workflow as cases
from geodata.labels import STATUS_ZH
from geodata.model import Incident
from geodata.stores.store import Store
from webmap.i18n import t


class Names:
    """Units and zones by id, fetched once per request, for turning ids into codes and names."""

    def __init__(self, store: Store, county):
        self.units = {u.id: u for u in store.list_units(county.id)}
        self.categories = {c.code: c for c in store.list_categories()}
        self._store, self._county, self._zones = store, county, {}

    def unit(self, unit_id):
        u = self.units.get(unit_id)
        return u and {"code": u.code, "name": u.name, "hotline": u.hotline}

    def zone(self, zone_id):
        if zone_id is None:
            return None
        if zone_id not in self._zones:
            z = self._store.get_zone(self._county.id, zone_id)
            self._zones[zone_id] = {"code": z.code, "name": z.name, "kind": z.kind}
        return self._zones[zone_id]


def case_json(c: Incident, names: Names) -> dict:
    category = names.categories.get(c.category)
    now = clock.now()
    return {
        "id": c.id, "category": c.category, "category_zh": category.name_zh if category else c.category,
        "status": c.status, "status_zh": STATUS_ZH[c.status], "overdue": cases.is_overdue(c, now),
        "reported_at": c.reported_at.isoformat(),
        "deadline_at": c.deadline_at and c.deadline_at.isoformat(),
        "updated_at": c.updated_at and c.updated_at.isoformat(),
        "lon": round(c.geom.x, 7), "lat": round(c.geom.y, 7), "address": c.address,
        "description": c.description, "zone": names.zone(c.zone_id), "segment_id": c.segment_id,
        "unit": names.unit(c.unit_id), "review_units": [names.unit(u) for u in c.review_units],
        "duplicate_of": c.duplicate_of, "rework": c.rework, "source": c.source,
        "reporter": c.reporter, "contact": c.contact,
    }  # fmt: skip


def county_time(iso: str | None) -> str:
    return datetime.fromisoformat(iso).astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M:%S") if iso else ""


def flat_row(j: dict) -> dict:
    zone, unit = j["zone"] or {}, j["unit"] or {}
    return {
        **j, "zone_code": zone.get("code", ""), "zone": zone.get("name", ""), "segment": j["segment_id"] or "",
        "unit_code": unit.get("code", ""), "unit": unit.get("name", ""), "overdue": "是" if j["overdue"] else "",
    }  # fmt: skip


def answer_message(filed: cases.Filed, names: Names) -> str:
    """What the reporter is told: merged, waiting for a leader, or dispatched and by when."""
    case = filed.incident
    if filed.duplicate_of:
        return t("cases.filed.duplicate", id=filed.duplicate_of)
    due = case.deadline_at.astimezone(COUNTY_TZ).strftime(t("cases.filed.due_format"))
    if filed.review:
        return t("cases.filed.review", id=case.id, due=due)
    return t("cases.filed.dispatched", unit=names.unit(case.unit_id)["name"], id=case.id, due=due)
