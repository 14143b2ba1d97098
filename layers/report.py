"""The monthly report (月度报告, issue #5): every figure the county office puts in it, gathered as
plain data — the charts are drawn by ``layers.report_charts``, the page by the web layer.

Counts of the month are of the cases reported in it, duplicates left out: 立案 (filed) those not
rejected, 办结 (closed) those of them now verified or closed, 返工 (rework) the times they were sent
back. 超期 (overdue) is every case open and past its deadline at the month's end, whenever filed.
The ranking is of the units' totals, each with its two parts (layers/scores.py), and the handling
table shows each unit's 办件指标 of the month (geodata/scores/handling.py defines them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry.base import BaseGeometry

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ, month_span
from geodata.errors import InvalidInput
from geodata.labels import TARGET_KIND_ZH
from geodata.model import COMMUNITY_KINDS, County
from geodata.stores.store import Store
from layers.coverage_report import ZONE_KIND_NAMES
from layers.scores import (
    Exposed,
    MonthScores,
    TargetScore,
    UnitScore,
    checked_month,
    exposure_list,
    month_scores,
    previous_month,
    score_settings,
)

CLOSED = ("verified", "closed")
CASE_MONTHS, SCORE_MONTHS = 12, 6
TOP_SPOTS, SHOWN_OVERDUE, TREND_UNITS = 6, 30, 3  # TREND_UNITS best and as many worst
# What the report writes where the data has no name (the page may say it in another language).
UNNAMED_SEGMENT, NO_UNIT, SEGMENT_KIND = "无名路段", "未派单", TARGET_KIND_ZH["segment"]


@dataclass
class Summary:
    filed: int
    closed: int
    overdue: int
    rework: int
    inspections: int

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.filed if self.filed else None


@dataclass(frozen=True)
class Hotspot:
    """A segment or zone with many incidents this month."""

    kind: str  # 路段, 社区, 网格 …
    id: int
    name: str
    incidents: int
    score: float | None  # this month's, when inspected


@dataclass(frozen=True)
class OverdueCase:
    id: int
    category: str
    reported_at: datetime
    deadline_at: datetime
    unit: str
    address: str
    days_over: float  # at the month's end


@dataclass(frozen=True)
class MapFeature:
    name: str
    geom: BaseGeometry  # lon/lat
    score: float | None


@dataclass
class MonthlyReport:
    county: County
    month: str
    generated_at: datetime
    summary: Summary
    scores: MonthScores
    exposure: list[Exposed]
    lowest: list[TargetScore]
    hotspots: list[Hotspot]  # the TOP_SPOTS segments, then the TOP_SPOTS zones, with most incidents
    overdue: list[OverdueCase]  # the longest overdue first, at most SHOWN_OVERDUE
    communities: list[MapFeature]
    segments: list[MapFeature]
    case_months: list[str]
    cases_by_category: dict[str, list[int]]  # category name → count per month of case_months
    score_months: list[str]
    unit_trend: dict[str, list[float | None]]  # unit name → score per month of score_months
    trend_basis: str = ""  # which units the score trend follows, in words
    grade_a_min: float = 90.0
    grade_b_min: float = 75.0
    weight_evaluation: float = 0.6  # the total's weights (score_setting)
    weight_handling: float = 0.4

    @property
    def ranking(self) -> list[UnitScore]:
        return [u for u in self.scores.units if u.score is not None]

    @property
    def handling(self) -> list[UnitScore]:
        """The units with anything to show of their handling this month (a case due, a 回退 or a
        督办), in the ranking's order: the handling table (geodata/scores/handling.py)."""
        return [u for u in self.scores.units if u.handling is not None and _handled_anything(u)]


def month_zh(month: str) -> str:
    """'2026-10' → '2026年10月'."""
    return f"{month[:4]}年{int(month[5:])}月"


def months_to(month: str, n: int) -> list[str]:
    """The ``n`` months ending with ``month``, oldest first."""
    months = [month]
    while len(months) < n:
        months.insert(0, previous_month(months[0]))
    return months


def monthly_report(
    store: Store, county: County, month: str, trend_units: list[str] | None = None
) -> MonthlyReport:
    """Gather the report of ``month`` ('YYYY-MM'); ``trend_units``: the unit codes whose scores the
    trend chart follows (default: this month's best and worst few)."""
    month = checked_month(month)
    since, until = month_span(month)
    scores = month_scores(store, county, month)
    settings = score_settings(store, month)  # those in force in the month shown
    zones = {z.id: z for z in store.list_zones(county.id)}
    segments = {s.id: s for s in store.list_segments(county.id)}
    units = {u.id: u.name for u in store.list_units(county.id)}
    categories = {c.code: c.name_zh for c in store.list_categories()}
    cases = [i for i in store.list_incidents(county.id, since=since, until=until, duplicates=False)
             if i.status != "rejected"]  # fmt: skip
    overdue = store.list_incidents(county.id, overdue_at=until, duplicates=False)
    inspections = sum(since <= i.inspected_at < until for i in store.list_inspections(county.id))
    summary = Summary(len(cases), sum(i.status in CLOSED for i in cases), len(overdue),
                      sum(i.rework for i in cases), inspections)  # fmt: skip

    by_segment = Counter(i.segment_id for i in cases if i.segment_id is not None)
    by_zone = Counter(i.zone_id for i in cases if i.zone_id in zones)
    spots = [Hotspot(SEGMENT_KIND, k, segments[k].name or UNNAMED_SEGMENT, n, _score(scores, "segment", k))
             for k, n in by_segment.items() if k in segments]  # fmt: skip
    spots += [
        Hotspot(
            ZONE_KIND_NAMES.get(zones[k].kind, zones[k].kind), k, zones[k].name, n, _score(scores, "zone", k)
        )
        for k, n in by_zone.items()
    ]
    spots.sort(key=lambda s: (-s.incidents, s.kind, s.id))
    roads = [s for s in spots if s.kind == SEGMENT_KIND]
    spots = roads[:TOP_SPOTS] + [s for s in spots if s.kind != SEGMENT_KIND][:TOP_SPOTS]

    overdue_rows = sorted(
        (OverdueCase(i.id, categories.get(i.category, i.category), i.reported_at, i.deadline_at,
                     units.get(i.unit_id, NO_UNIT), i.address, (until - i.deadline_at).total_seconds() / 86400)
         for i in overdue if i.deadline_at is not None),
        key=lambda c: (-c.days_over, c.id),
    )  # fmt: skip

    case_months = months_to(month, CASE_MONTHS)
    first, _ = month_span(case_months[0])
    counts: dict[str, list[int]] = {}
    for i in store.list_incidents(county.id, since=first, until=until, duplicates=False):
        if i.status == "rejected":
            continue
        row = counts.setdefault(categories.get(i.category, i.category), [0] * len(case_months))
        row[case_months.index(i.reported_at.astimezone(COUNTY_TZ).strftime("%Y-%m"))] += 1
    counts = dict(sorted(counts.items(), key=lambda kv: -sum(kv[1])))

    score_months = months_to(month, SCORE_MONTHS)
    chosen = _trend_units(scores, trend_units)
    trend: dict[str, list[float | None]] = {u.name: [] for u in chosen}
    for m in score_months:
        got = scores if m == month else month_scores(store, county, m, previous=False)
        by_id = {u.unit_id: u.score for u in got.units}
        for u in chosen:
            trend[u.name].append(by_id.get(u.unit_id))

    return MonthlyReport(
        county=county, month=month, generated_at=clock.local_now(), summary=summary,
        scores=scores, exposure=exposure_list(store, county, month),
        lowest=sorted(scores.targets.values(), key=lambda t: (t.score, t.kind, t.id))[: 2 * TOP_SPOTS],
        hotspots=spots, overdue=overdue_rows[:SHOWN_OVERDUE],
        communities=[MapFeature(z.name, z.geom, _score(scores, "zone", z.id))
                     for z in zones.values() if z.kind in COMMUNITY_KINDS],
        segments=[MapFeature(s.name, s.geom, _score(scores, "segment", s.id)) for s in segments.values()],
        case_months=case_months, cases_by_category=counts, score_months=score_months, unit_trend=trend,
        trend_basis="指定单位" if trend_units else f"本月前 {TREND_UNITS} 名与后 {TREND_UNITS} 名",
        grade_a_min=settings["grade_a_min"], grade_b_min=settings["grade_b_min"],
        weight_evaluation=settings["weight_evaluation"], weight_handling=settings["weight_handling"],
    )  # fmt: skip


def _handled_anything(u: UnitScore) -> bool:
    c = u.handling.counts
    return bool(c.due or c.returns or c.supervisions or c.handled)


def _score(scores: MonthScores, kind: str, target_id: int) -> float | None:
    target = scores.targets.get((kind, target_id))
    return target.score if target else None


def _trend_units(scores: MonthScores, codes: list[str] | None) -> list[UnitScore]:
    """The units named by ``codes`` (NotFound-like InvalidInput for an unknown one), else this
    month's TREND_UNITS best and TREND_UNITS worst."""
    if codes:
        by_code = {u.code: u for u in scores.units}
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise InvalidInput(
                f"没有代码为 {'、'.join(unknown)} 的单位",
                en=f"There is no unit with the code {', '.join(unknown)}",
                field="unit",
            )
        return [by_code[c] for c in codes]
    ranked = [u for u in scores.units if u.score is not None]
    if len(ranked) <= 2 * TREND_UNITS:
        return ranked
    return ranked[:TREND_UNITS] + ranked[-TREND_UNITS:]
