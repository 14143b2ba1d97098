"""How a unit handled its cases in a month (办件指标, issue #19 part 4; DESIGN §10, §12), and the
unit's total: pure arithmetic over the store's counts (``HandlingCounts``,
geodata/stores/shared/handling.py).

A unit's cases of month M (本月应结案件): its cases (not duplicates, not rejected) whose deadline in
force (``incident.deadline_at``; an approved 延期 moves it) falls in M, county time.

    应结案数 due            its cases of the month
    按期结案数 on time      of those, first 处置 (handled) at or before the deadline in force
    挂账数 shelved          of those, put on record (a 挂账 approved, or ended since)
    按期结案率              按期结案数 ÷ (应结案数 − 挂账数); — when that is 0 (at most 100 %)
    结案率                  (verified or closed) ÷ 应结案数
    返工率                  (sent back at least once) ÷ 应结案数
    回退率                  approved 回退 the unit asked in M ÷ (应结案数 + those returns); shown, not
                            scored: a wrong routing counts against the router, not the unit
    督办数                  督办 raised on the unit in M
    平均处置时长            mean hours from dispatch to first 处置 of its cases first handled in M

    handling part (办件得分, 0–100) = 100 × (0.6 × 按期结案率 + 0.2 × 结案率 + 0.2 × (1 − 返工率))
                                      − 20 × 督办率, floored at 0
    督办率 = 督办数 ÷ 应结案数, at most 1: a big unit is not sunk by its number of cases
    (按期结案率 — , every case due on record, counts as 100 %: nothing was late.)

A unit with no cases due has no handling part: its total is the evaluators' part alone.

    total (总分) = weight_evaluation × evaluators' part + weight_handling × handling part

with the weights of the ``score_setting`` table (0.6 and 0.4 unless changed, migration 0023). A unit
whose posts nobody evaluated in the month has no total.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.cases.model import HandlingCounts

ON_TIME_WEIGHT, CLOSED_WEIGHT, REWORK_WEIGHT = 0.6, 0.2, 0.2
SUPERVISION_POINTS = 20.0  # points off the handling part at one 督办 per case due (or more)
DECIMALS = 1


@dataclass(frozen=True)
class HandlingMetrics:
    """A unit's handling of a month: the counts and what follows from them. Rates are fractions
    (0–1), None where their denominator is 0."""

    counts: HandlingCounts

    @property
    def on_time_rate(self) -> float | None:
        """按期结案率 = 按期结案数 ÷ (应结案数 − 挂账数), at most 1 (a case on record handled on time
        counts in the numerator only)."""
        n = self.counts.due - self.counts.shelved
        return min(1.0, self.counts.on_time / n) if n > 0 else None

    @property
    def closure_rate(self) -> float | None:
        """结案率 = (verified or closed) ÷ 应结案数."""
        return self.counts.closed / self.counts.due if self.counts.due else None

    @property
    def rework_rate(self) -> float | None:
        """返工率 = (sent back at least once) ÷ 应结案数."""
        return self.counts.reworked / self.counts.due if self.counts.due else None

    @property
    def return_rate(self) -> float | None:
        """回退率 = approved 回退 ÷ (应结案数 + approved 回退)."""
        n = self.counts.due + self.counts.returns
        return self.counts.returns / n if n else None

    @property
    def mean_hours(self) -> float | None:
        """平均处置时长: mean hours from dispatch to first 处置 of the cases first handled in the month."""
        c = self.counts
        return round(c.handling_hours / c.handled, DECIMALS) if c.handled else None

    @property
    def part(self) -> float | None:
        """办件得分 (0–100), None with no case due."""
        return handling_part(self.counts)


def handling_part(counts: HandlingCounts) -> float | None:
    """The handling part of a unit's month (the module's docstring), rounded to one decimal; None
    when no case of the unit was due."""
    if counts.due <= 0:
        return None
    m = HandlingMetrics(counts)
    on_time = 1.0 if m.on_time_rate is None else m.on_time_rate
    rates = ON_TIME_WEIGHT * on_time + CLOSED_WEIGHT * m.closure_rate + REWORK_WEIGHT * (1 - m.rework_rate)
    supervised = min(1.0, counts.supervisions / counts.due)
    return round(max(0.0, 100 * rates - SUPERVISION_POINTS * supervised), DECIMALS)


def total_score(
    evaluation: float | None, handling: float | None, weight_evaluation: float, weight_handling: float
) -> float | None:
    """The unit's total: the weighted sum of the evaluators' part and the handling part; the
    evaluators' part alone without a handling part; None without an evaluators' part."""
    if evaluation is None:
        return None
    if handling is None:
        return round(evaluation, DECIMALS)
    return round(weight_evaluation * evaluation + weight_handling * handling, DECIMALS)


def percent(rate: float | None) -> float | None:
    """A rate as a percentage to one decimal (None stays None)."""
    return None if rate is None else round(100 * rate, DECIMALS)
