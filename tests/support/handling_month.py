"""A month of case handling computed by hand (issue #19 part 4): October 2026, county time, for
units A and B of any county (a third unit, C, has no case). Written through the store's public
interface, so it runs on both backends and under the pages.

Unit A, its cases whose deadline in force falls in October (应结案 6):
    a1  on time       dispatched 5 Oct 09:00, handled 15:00 (6 h), deadline 6 Oct 09:00     closed
    a2  late          dispatched 10 Oct 09:00, deadline 11 Oct 09:00, handled 12 Oct (48 h) verified
    a3  extended      deadline 14 Oct 09:00 moved by an approved 延期 to 20 Oct 09:00;
                      dispatched 13 Oct 09:00, handled 18 Oct 09:00 (120 h): on time    handled
    a4  shelved       dispatched 20 Oct 09:00, deadline 25 Oct 09:00, put on record (挂账)  shelved
    a5  reworked      dispatched 1 Oct 10:00, handled 2 Oct 10:00 (24 h), deadline 2 Oct 12:00,
                      sent back, handled again 3 Oct: on time by its first 处置            closed
    a6  at the edge   deadline 31 Oct 23:30, not handled                                     dispatched
  not A's October: a7 due 1 Nov 00:30 (but handled 31 Oct 20:00 after 10 h: its hours count),
                   a duplicate and a rejected case due in October, a case due in September.
  回退: A returned r1 on 7 Oct (approved: it went to B) and asked to return a1 (refused).
  督办: one on a2 raised 11 Oct; one in September (not counted).

    按期结案 3 (a1 a3 a5), 挂账 1, 按期结案率 3 / (6 − 1) = 60 %, 结案率 3 / 6 = 50 %,
    返工率 1 / 6 = 16.7 %, 回退率 1 / (6 + 1) = 14.3 %, 督办 1,
    平均处置时长 (6 + 48 + 120 + 24 + 10) / 5 = 41.6 h
    办件得分 100 × (0.6 × 0.6 + 0.2 × 0.5 + 0.2 × 5/6) − 20 × 1/6 = 62.67 − 3.33 = 59.3

Unit B (应结案 2):
    r1  returned by A  dispatched to A 7 Oct 09:00, returned 8 Oct 09:00, dispatched to B 8 Oct 10:00,
                       deadline 9 Oct 10:00, handled 8 Oct 20:00 (10 h from its re-dispatch) closed
    b2  late           dispatched 14 Oct 09:00, deadline 15 Oct 09:00, handled 16 Oct (48 h) closed
  督办: one raised 2 Nov (November's).

    按期结案 1, 按期结案率 50 %, 结案率 100 %, 返工率 0, 回退率 0, 督办 0, 平均 29 h
    办件得分 100 × (0.6 × 0.5 + 0.2 × 1 + 0.2 × 1) = 70.0
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from shapely.geometry import Point

from geodata.cases.model import CaseRequest, HandlingCounts, Supervision
from geodata.model import COUNTY_TZ, Incident, IncidentEvent

MONTH = "2026-10"
EXPECTED = {
    "A": HandlingCounts(due=6, on_time=3, shelved=1, closed=3, reworked=1, returns=1, supervisions=1,
                        handled=5, handling_hours=208.0),
    "B": HandlingCounts(due=2, on_time=1, shelved=0, closed=2, reworked=0, returns=0, supervisions=0,
                        handled=2, handling_hours=58.0),
}  # fmt: skip
PARTS = {"A": 59.3, "B": 70.0}  # 办件得分
RATES = {  # percent: 按期结案率, 结案率, 返工率, 回退率; mean hours
    "A": (60.0, 50.0, 16.7, 14.3, 41.6),
    "B": (50.0, 100.0, 0.0, 0.0, 29.0),
}


def oct_(day: int, hour: int = 9, minute: int = 0, month: int = 10) -> datetime:
    """A time in the county's clock, in October unless said."""
    return datetime(2026, month, day, hour, minute, tzinfo=COUNTY_TZ)


def write_month(store, county_id: int, a: int, b: int, point: Point) -> dict[str, int]:
    """Write the month's cases, requests and 督办 for units ``a`` and ``b``; the case ids by name."""
    ids: dict[str, int] = {}

    def case(name, unit, deadline, status, steps, rework=0, duplicate_of=None):
        """A case of ``unit`` filed an hour before its first step, with its events."""
        first = steps[0][0] if steps else deadline
        made = store.add_incident(
            Incident(county_id, "parking", point, first.replace(hour=max(0, first.hour - 1)), status,
                     unit_id=unit, deadline_at=deadline, rework=rework, duplicate_of=duplicate_of)
        )  # fmt: skip
        old = "filed"
        events = [IncidentEvent(county_id, made.id, made.reported_at, "督查员", "filed")]
        for at, new in steps:
            events.append(IncidentEvent(county_id, made.id, at, "系统", new, old))
            old = new
        store.add_incident_events(events)
        ids[name] = made.id
        return made

    D, H, V, C = "dispatched", "handled", "verified", "closed"
    case("a1", a, oct_(6), C, [(oct_(5), D), (oct_(5, 15), H), (oct_(6, 10), V), (oct_(6, 11), C)])
    case("a2", a, oct_(11), V, [(oct_(10), D), (oct_(12), H), (oct_(13), V)])
    case("a3", a, oct_(20), H, [(oct_(13), D), (oct_(18), H)])
    case("a4", a, oct_(25), "shelved", [(oct_(20), D), (oct_(22), "shelved")])
    case("a5", a, oct_(2, 12), C,
         [(oct_(1, 10), D), (oct_(2, 10), H), (oct_(2, 14), "reopened"), (oct_(3, 10), H), (oct_(3, 12), V),
          (oct_(3, 15), C)], rework=1)  # fmt: skip
    case("a6", a, oct_(31, 23, 30), D, [(oct_(30), D)])
    case("a7", a, oct_(1, 0, 30, month=11), H, [(oct_(31, 10), D), (oct_(31, 20), H)])
    case("dup", a, oct_(16), D, [(oct_(15), D)], duplicate_of=ids["a1"])
    case("rejected", a, oct_(17), "rejected", [(oct_(16), "rejected")])
    case("september", a, oct_(30, 12, month=9), C, [(oct_(29, 9, month=9), D), (oct_(29, 12, month=9), H),
                                                    (oct_(29, 14, month=9), V), (oct_(29, 15, month=9), C)])  # fmt: skip
    case("r1", b, oct_(9, 10), C,
         [(oct_(7), D), (oct_(8), "returned"), (oct_(8, 10), D), (oct_(8, 20), H), (oct_(9, 12), V),
          (oct_(9, 13), C)])  # fmt: skip
    case("b2", b, oct_(15), C, [(oct_(14), D), (oct_(16), H), (oct_(16, 12), V), (oct_(16, 13), C)])

    def request(name, kind, state, unit, asked, **more):
        store.add_case_request(
            CaseRequest(county_id, ids[name], kind, state, unit, "staff", asked, "理由", decided_by="leader",
                        decided_at=asked, **more)
        )  # fmt: skip

    request("a3", "extend", "approved", a, oct_(14, 8), old_deadline_at=oct_(14), deadline_at=oct_(20))
    request("a4", "shelve", "approved", a, oct_(22), old_deadline_at=oct_(25), review_on=date(2026, 12, 1))
    request("r1", "return", "approved", a, oct_(8))
    request("a1", "return", "refused", a, oct_(5, 10))
    supervise = Supervision(county_id, ids["a2"], a, 1, "answered", "系统", oct_(11, 10))
    store.add_supervision(supervise)
    store.add_supervision(replace(supervise, incident_id=ids["september"], raised_at=oct_(30, 10, month=9)))
    store.add_supervision(
        replace(supervise, incident_id=ids["a6"], unit_id=b, raised_at=oct_(2, 10, month=11))
    )
    return ids
