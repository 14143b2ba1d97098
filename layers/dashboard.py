"""驾驶舱: the numbers beside the leaders' map, for the cases the map's filters pick — totals,
closure and rework rates (DESIGN §10: 结案率, 返工率), the month's 按期结案率, overdue, under 督办, the trend by month and category,
the units ranked by closure rate, and the cases by status. Counted in the database
(``Store.incident_counts``), never by loading cases."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from geodata.assignments.postings import month_span
from geodata.cases.model import HandlingCounts
from geodata.labels import STATUS_ZH
from geodata.model import COUNTY_TZ, OPEN_STATUSES, County
from geodata.scores.handling import HandlingMetrics
from geodata.stores.store import Store

MONTHS = 12  # the trend's last months
RANKED = 10
HANDLED = ("handled", "verified", "closed", "reopened")  # a unit has acted on these


def dashboard(store: Store, county: County, now: datetime, **filters) -> dict:
    c = county.id
    by_status = dict(store.incident_counts(c, ("status",), now, **filters))
    total = sum(by_status.values())
    counted = total - by_status.get("rejected", 0)  # a rejected report was never a case to close
    closed = by_status.get("closed", 0)
    handled = sum(by_status.get(s, 0) for s in HANDLED)
    reworked = dict(store.incident_counts(c, ("reworked",), now, **filters)).get(1, 0)
    overdue = dict(store.incident_counts(c, ("overdue",), now, **filters)).get(1, 0)
    # Cases under a 督办 not closed: counted only when the county has any (the usual answer is 0).
    orders = store.count_supervisions(c, "open") + store.count_supervisions(c, "answered")
    supervised = store.count_incidents(c, **{**filters, "pending": "supervised"}) if orders else 0
    month = now.astimezone(COUNTY_TZ).strftime("%Y-%m")
    return {
        "totals": {
            "total": total,
            "open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
            "closed": closed,
            "overdue": overdue,
            "supervised": supervised,
            "on_time_rate": _on_time_rate(store, county, month, now, filters.get("unit_id")),
            "closure_rate": _rate(closed, counted),
            "rework_rate": _rate(reworked, handled),
        },
        "trend": _trend(store.incident_counts(c, ("month", "category"), now, **filters), store),
        "ranking": _ranking(store, county, now, filters),
        "statuses": [
            {"status": s, "name": STATUS_ZH[s], "count": by_status[s]} for s in STATUS_ZH if by_status.get(s)
        ],
    }


def _on_time_rate(
    store: Store, county: County, month: str, now: datetime, unit_id: int | None
) -> float | None:
    """按期结案率 of the month so far (geodata/scores/handling.py): of the cases due since the
    month began (on record left out), those first handled by their deadline; of one unit when the
    map is filtered to one, else of all. Other filters do not narrow it: it is the ranking's measure."""
    since, _ = month_span(month)
    counts = store.handling_counts(county.id, since, now)
    picked = [c for u, c in counts.items() if unit_id is None or u == unit_id]
    total = HandlingCounts(
        due=sum(c.due for c in picked),
        on_time=sum(c.on_time for c in picked),
        shelved=sum(c.shelved for c in picked),
    )
    return HandlingMetrics(total).on_time_rate


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _trend(rows: list[tuple], store: Store) -> dict:
    months = sorted({m for m, _, _ in rows})[-MONTHS:]
    names = {cat.code: cat.name_zh for cat in store.list_categories()}
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for month, category, n in rows:
        if month in months:
            counts[category][month] = n
    series = [
        {"category": code, "name": names.get(code, code), "counts": [counts[code].get(m, 0) for m in months]}
        for code in sorted(counts, key=lambda k: -sum(counts[k].values()))
    ]
    return {"months": months, "series": series}


def _ranking(store: Store, county: County, now: datetime, filters: dict) -> list[dict]:
    """Units by closure rate (then by cases), with their cases, closed and overdue."""
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, status, n in store.incident_counts(county.id, ("unit_id", "status"), now, **filters):
        if unit_id is not None:
            per[unit_id][status] += n
    late = {
        u: n
        for u, flag, n in store.incident_counts(county.id, ("unit_id", "overdue"), now, **filters)
        if flag
    }
    units = {u.id: u for u in store.list_units(county.id)}
    rows = []
    for unit_id, statuses in per.items():
        total = sum(statuses.values())
        counted = total - statuses.get("rejected", 0)
        rows.append({
            "unit": units[unit_id].code, "name": units[unit_id].name, "total": total,
            "closed": statuses.get("closed", 0), "overdue": late.get(unit_id, 0),
            "closure_rate": _rate(statuses.get("closed", 0), counted),
        })  # fmt: skip
    rows.sort(key=lambda r: (-(r["closure_rate"] or 0), -r["total"], r["unit"]))
    return rows[:RANKED]
