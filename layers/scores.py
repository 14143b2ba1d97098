"""Monthly cleanliness scores (issue #5): of every inspected zone and segment, of every unit, with
grades and ranks. The weights and thresholds are the score settings in force in the month scored
(geodata/scores/settings.py: a change applies from its month on, so a past month keeps its scores).

A target's score for a month is the mean of its inspections that month, minus a penalty for its
incidents (duplicates and rejected reports left out):

    segment:  penalty = min(max_penalty, segment_penalty_per_incident_km × incidents / km)
    zone:     penalty = min(max_penalty, zone_penalty_per_incident_ha × incidents / ha)

where a community counts the incidents of its cells too. A target with no inspection that month is
not scored. A unit's score is the mean of the scores of the targets it led during the month,
weighted by size (``segment_weight_per_km`` × km, ``zone_weight_per_ha`` × ha) and by the share of
the month it led them: a segment reassigned on the 16th of a 30-day month counts half to each unit.
That is the unit's evaluators' part (考评得分). Its total (总分, the ``score`` ranked and graded)
adds how it handled its cases (办件得分, geodata/scores/handling.py, which defines every measure):

    total = weight_evaluation × evaluators' part + weight_handling × handling part

(``score_setting``, 0.6 and 0.4 by default); a unit with no case due in the month has no handling
part and its total is the evaluators' part alone; a unit nobody evaluated has no total.
Grades: A from ``grade_a_min``, B from ``grade_b_min``, else C, of the total. Ranks share a place on
a tie (1, 2, 2, 4), on totals rounded to one decimal.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from geodata import clock
from geodata.assignments.postings import month_span
from geodata.cases.model import HandlingCounts
from geodata.errors import InvalidInput
from geodata.model import County
from geodata.scores.handling import HandlingMetrics, total_score
from geodata.scores.months import previous_month, this_month
from geodata.scores.settings import settings_for
from geodata.stores.store import Store

DECIMALS = 1


@dataclass(frozen=True)
class TargetScore:
    kind: str  # zone | segment
    id: int
    name: str
    inspections: int
    mean: float  # of the inspections
    incidents: int
    penalty: float
    score: float
    weight: float  # size weight, before the share of the month


@dataclass
class UnitScore:
    unit_id: int
    code: str
    name: str
    score: float | None  # the total; None: nothing it led was inspected this month
    weight: float
    targets: int
    grade: str | None = None  # of the total
    rank: int | None = None
    previous: float | None = None
    led: list[tuple[str, int]] = field(default_factory=list)  # the scored targets it led
    evaluation: float | None = None  # the evaluators' part (考评得分)
    handling: HandlingMetrics | None = None  # how it handled its cases this month (办件指标)

    @property
    def handling_part(self) -> float | None:
        """办件得分; None when no case of the unit was due this month."""
        return self.handling.part if self.handling is not None else None

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, DECIMALS)


@dataclass
class MonthScores:
    month: str
    targets: dict[tuple[str, int], TargetScore]
    units: list[UnitScore]  # best first, unscored last


def checked_month(month: str, now: datetime | None = None) -> str:
    """``month`` as 'YYYY-MM'; InvalidInput, in Chinese, when malformed or still to come."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month or ""):
        raise InvalidInput(
            f"月份“{month}”格式有误，应为“年-月”，如 2026-10",
            en=f"The month “{month}” is not in the form year-month, e.g. 2026-10",
            field="month",
        )
    if month_span(month)[0] > (now or clock.local_now()):
        raise InvalidInput(
            f"{month} 尚未到来：只能查看已开始的月份",
            en=f"{month} has not come yet: only months that have begun can be shown",
            field="month",
        )
    return month


def score_settings(store: Store, month: str | None = None) -> dict[str, float]:
    """The score settings in force in ``month`` (default: this month), by key."""
    return settings_for(store, month or this_month())


def month_scores(store: Store, county: County, month: str, previous: bool = True) -> MonthScores:
    """Scores of ``month`` ('YYYY-MM') by the settings in force then; with ``previous``, each
    unit's score of the month before (by that month's settings)."""
    since, until = month_span(month)
    settings = score_settings(store, month)
    targets = target_scores(store, county, since, until, settings)
    handling = store.handling_counts(county.id, since, until)
    units = _unit_scores(store, county, since, until, targets, settings, handling)
    if previous:
        before = month_scores(store, county, previous_month(month), previous=False)
        last = {u.unit_id: u.score for u in before.units}
        for u in units:
            u.previous = last.get(u.unit_id)
    return MonthScores(month, targets, units)


def target_scores(
    store: Store, county: County, since: datetime, until: datetime, settings: dict[str, float]
) -> dict[tuple[str, int], TargetScore]:
    """The score of every zone and segment inspected in [since, until)."""
    inspected: dict[tuple[str, int], list[float]] = defaultdict(list)
    for i in store.list_inspections(county.id):
        if since <= i.inspected_at < until:
            inspected[i.target_kind, i.target_id].append(i.score)
    if not inspected:
        return {}
    zones = {z.id: z for z in store.list_zones(county.id)}
    segments = {s.id: s for s in store.list_segments(county.id)}
    counts = _incident_counts(store, county, since, until, zones)
    out = {}
    for (kind, target_id), scores in inspected.items():
        if kind == "segment":
            target = segments.get(target_id)
            size = (target.length_m or 0.0) / 1000 if target else 0.0
            rate, weight = settings["segment_penalty_per_incident_km"], settings["segment_weight_per_km"]
        else:
            target = zones.get(target_id)
            size = (target.area_m2 or 0.0) / 10_000 if target else 0.0
            rate, weight = settings["zone_penalty_per_incident_ha"], settings["zone_weight_per_ha"]
        if target is None or size <= 0:
            continue
        n = counts[kind, target_id]
        mean = sum(scores) / len(scores)
        penalty = min(settings["max_penalty"], rate * n / size)
        out[kind, target_id] = TargetScore(
            kind, target_id, target.name, len(scores), mean, n, penalty,
            round(max(0.0, min(100.0, mean - penalty)), DECIMALS + 1), weight * size,
        )  # fmt: skip
    return out


def _incident_counts(store, county, since, until, zones) -> dict[tuple[str, int], int]:
    """Incidents of the period per segment and per zone, a community's including its cells'."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for i in store.list_incidents(county.id, since=since, until=until, duplicates=False):
        if i.status == "rejected":
            continue
        if i.segment_id is not None:
            counts["segment", i.segment_id] += 1
        zone = zones.get(i.zone_id)
        while zone is not None:
            counts["zone", zone.id] += 1
            zone = zones.get(zone.parent_id)
    return counts


def _unit_scores(store, county, since, until, targets, settings, handling) -> list[UnitScore]:
    span = (until - since).total_seconds()
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # Σw·s, Σw, targets
    led: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for a in store.unit_assignments(county.id, None, since, until):
        scored = targets.get((a.target_kind, a.target_id))
        if a.role != "lead" or scored is None:
            continue
        start, end = max(a.valid_from, since), min(a.valid_to or until, until)
        w = scored.weight * (end - start).total_seconds() / span
        acc = sums[a.unit_id]
        acc[0] += w * scored.score
        acc[1] += w
        acc[2] += 1
        led[a.unit_id].append((a.target_kind, a.target_id))
    units = []
    for u in store.list_units(county.id):
        if u.retired(since):  # retired before the month began: in the months it served only
            continue
        total, weight, n = sums.get(u.id, (0.0, 0.0, 0))
        evaluation = round(total / weight, DECIMALS) if weight > 0 else None
        metrics = HandlingMetrics(handling.get(u.id, HandlingCounts()))
        score = total_score(
            evaluation, metrics.part, settings["weight_evaluation"], settings["weight_handling"]
        )
        units.append(
            UnitScore(u.id, u.code, u.name, score, weight, int(n), grade(score, settings), led=led[u.id],
                      evaluation=evaluation, handling=metrics)
        )  # fmt: skip
    units.sort(key=lambda u: (u.score is None, -(u.score or 0), u.code))
    for i, u in enumerate(units):
        if u.score is not None:
            tied = i > 0 and units[i - 1].score == u.score
            u.rank = units[i - 1].rank if tied else i + 1
    return units


@dataclass
class Exposed:
    """A unit to be named publicly (曝光): graded C or in the bottom ``exposure_bottom_n`` for
    ``exposure_months`` months in a row, with its worst spots this month."""

    unit: UnitScore
    months: list[tuple[str, float, str]]  # (month, score, grade), oldest first
    worst: list[TargetScore]


def exposure_list(store: Store, county: County, month: str, worst: int = 3) -> list[Exposed]:
    """The units to name in ``month``, by the exposure settings in force then (each month of the
    run graded by its own)."""
    settings = score_settings(store, month)
    n_bottom, n_months = int(settings["exposure_bottom_n"]), max(1, int(settings["exposure_months"]))
    months = [month]
    while len(months) < n_months:
        months.insert(0, previous_month(months[0]))
    flagged: dict[int, list[tuple[str, float, str]]] = {}
    current = None
    for i, m in enumerate(months):
        scores = month_scores(store, county, m, previous=False)
        ranked = [u for u in scores.units if u.score is not None]
        bottom = {u.unit_id for u in ranked if u.rank > len(ranked) - n_bottom}
        hits = {u.unit_id: (m, u.score, u.grade) for u in ranked if u.grade == "C" or u.unit_id in bottom}
        flagged = {k: [*flagged.get(k, []), v] for k, v in hits.items() if i == 0 or k in flagged}
        current = scores
    out = []
    for u in current.units:
        if u.unit_id in flagged:
            spots = sorted((current.targets[k] for k in set(u.led)), key=lambda t: (t.score, t.kind, t.id))
            out.append(Exposed(u, flagged[u.unit_id], spots[:worst]))
    return sorted(out, key=lambda e: (e.unit.score, e.unit.code))


def grade(score: float | None, settings: dict[str, float]) -> str | None:
    if score is None:
        return None
    return "A" if score >= settings["grade_a_min"] else "B" if score >= settings["grade_b_min"] else "C"
