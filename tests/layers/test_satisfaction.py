"""满意率 per unit and month on both backends, by hand: answers given in the month, grouped by the
case's unit, solved ÷ answered; a unit without answers has none.

    October (county time):  城管 A  3 answers, 2 已解决 → 66.7 %     (one on 1 Oct 00:10 local,
                            交警 B  1 answer, 未解决   →  0 %       i.e. 30 Sep 16:10 UTC: October's)
                            社区 C  none                → —
    the answer of 31 Oct 23:59 local counts in October; the one of 1 Nov 00:00 local in November;
    an answer in October about a case closed in September still counts in October.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shapely.geometry import Point, box

from geodata.model import COUNTY_TZ, County, Feedback, Incident, PublicReport, Unit
from layers.satisfaction import month_satisfaction


def _local(*args) -> datetime:
    return datetime(*args, tzinfo=COUNTY_TZ)


def test_satisfaction_per_unit_and_month(store):
    county = store.add_county(County("440304", "福田示范区", extent=box(114.0, 22.5, 114.1, 22.6)))
    a, b, c = store.add_units(
        [Unit(county.id, "A", "城管"), Unit(county.id, "B", "交警"), Unit(county.id, "C", "社区")]
    )
    answers = [  # (unit, answer, when)
        (a, "solved", _local(2026, 10, 1, 0, 10)),
        (a, "unsolved", _local(2026, 10, 15, 12)),
        (a, "solved", _local(2026, 10, 31, 23, 59)),
        (b, "unsolved", _local(2026, 10, 20, 9)),
        (a, "unsolved", _local(2026, 11, 1, 0, 0)),  # November's
        (b, "solved", _local(2026, 9, 30, 23, 50)),  # September's
    ]
    for i, (unit, answer, at) in enumerate(answers):
        case = store.add_incident(
            Incident(county.id, "parking", Point(114.01 + i * 0.001, 22.55), at - timedelta(days=20),
                     "closed", unit_id=unit.id)
        )  # fmt: skip
        report = store.add_public_report(
            PublicReport(county.id, f"TOK{i}", "parking", 114.01, 22.55, "c", at - timedelta(days=21))
        )
        assert store.add_feedback(Feedback(county.id, case.id, report.id, answer, at)) is not None

    october = month_satisfaction(store, county, "2026-10")
    assert set(october) == {a.id, b.id}
    assert (october[a.id].solved, october[a.id].answered, october[a.id].rate_pct) == (2, 3, 66.7)
    assert (october[b.id].solved, october[b.id].answered, october[b.id].rate_pct) == (0, 1, 0.0)
    assert c.id not in october
    november = month_satisfaction(store, county, "2026-11")
    assert {u: s.rate_pct for u, s in november.items()} == {a.id: 0.0}
    september = month_satisfaction(store, county, "2026-09")
    assert {u: (s.solved, s.answered, s.rate_pct) for u, s in september.items()} == {b.id: (1, 1, 100.0)}
    assert month_satisfaction(store, county, "2026-08") == {}
