"""The score settings (评分参数: weights, grade thresholds, penalties, exposure) in force in a month,
and changing them from a month on (issue #20 part 4; migration 0029).

Every month is scored with the settings in force then: a change takes effect from its month on,
until a later change of the same key; the values from before any change are the migrations'. A
change for a month already past re-scores it, so it is refused unless made as a re-score with a
reason (the page audits it); that is the only way to change a past month. What is kept is only
ever added to: an earlier change stays in the history when a later one overrides it.

A change is refused, naming the month and the setting, when it would leave any month from its own
on (its month, and each month a later change takes effect) with weights of the two parts not
summing to 1, or grade thresholds out of order or outside 0–100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime

from geodata import clock
from geodata.errors import Conflict, InvalidInput
from geodata.scores.model import SettingsChange
from geodata.scores.months import checked, this_month
from geodata.stores.store import Store

WEIGHTS = ("weight_evaluation", "weight_handling")  # of a unit's total: they sum to 1
THRESHOLDS = ("grade_a_min", "grade_b_min")  # A from a, B from b, else C: 0 ≤ b < a ≤ 100
WEIGHT_SUM_TOLERANCE = 1e-9
MAX_REASON = 500
# The settings in the order a reader follows the computation (penalties, weights, grades,
# exposure), each with the values it may take: (lowest, highest, whole numbers only).
BOUNDS: dict[str, tuple[float, float, bool]] = {
    "segment_penalty_per_incident_km": (0.0, 1000.0, False),
    "zone_penalty_per_incident_ha": (0.0, 1000.0, False),
    "max_penalty": (0.0, 100.0, False),
    "segment_weight_per_km": (0.0, 1000.0, False),
    "zone_weight_per_ha": (0.0, 1000.0, False),
    "weight_evaluation": (0.0, 1.0, False),
    "weight_handling": (0.0, 1.0, False),
    "grade_a_min": (0.0, 100.0, False),
    "grade_b_min": (0.0, 100.0, False),
    "exposure_bottom_n": (0.0, 100.0, True),
    "exposure_months": (1.0, 12.0, True),
}
ORDER = tuple(BOUNDS)
# What a refusal calls each setting (the pages label them with scores.rule.<key>).
NAMES: dict[str, tuple[str, str]] = {
    "segment_penalty_per_incident_km": ("路段每公里每件问题扣分", "the penalty per problem per km of road"),
    "zone_penalty_per_incident_ha": ("社区/网格每公顷每件问题扣分", "the penalty per problem per hectare"),
    "max_penalty": ("问题扣分上限", "the largest problem penalty"),
    "segment_weight_per_km": ("每公里路段的权重", "the weight of a km of road"),
    "zone_weight_per_ha": ("每公顷社区/网格的权重", "the weight of a hectare of community or cell"),
    "weight_evaluation": ("考评得分的权重", "the weight of the evaluation"),
    "weight_handling": ("办件得分的权重", "the weight of the handling"),
    "grade_a_min": ("A 档最低分", "the lowest score of grade A"),
    "grade_b_min": ("B 档最低分", "the lowest score of grade B"),
    "exposure_bottom_n": ("曝光的末位单位数", "the units named at the bottom"),
    "exposure_months": ("曝光的连续月数", "the months in a row before a unit is named"),
}


@dataclass(frozen=True)
class InForce:
    """A setting's value in a month and the change it comes from (effective_month None: the start)."""

    key: str
    value: float
    since: SettingsChange


def settings_for(store: Store, month: str) -> dict[str, float]:
    """The settings in force in ``month`` ('YYYY-MM'), by key: the month's scores use these."""
    return {k: v for k, (v, _) in store.score_settings(checked(month)).items()}


def in_force(changes: list[SettingsChange], month: str) -> dict[str, InForce]:
    """From the history (``store.settings_changes()``), each setting in force in ``month``."""
    out: dict[str, InForce] = {}
    for change in sorted(changes, key=_effective_order):
        if (change.effective_month or "") <= month:
            out.update({k: InForce(k, v, change) for k, v in change.values.items()})
    return out


def scheduled(changes: list[SettingsChange], month: str) -> list[SettingsChange]:
    """The changes taking effect after ``month``, soonest first."""
    return sorted((c for c in changes if (c.effective_month or "") > month), key=_effective_order)


def change_settings(
    store: Store,
    values: dict[str, float],
    month: str,
    set_by: str,
    reason: str = "",
    rescore: bool = False,
    seen: int | None = None,
    now: datetime | None = None,
) -> SettingsChange:
    """Set ``values`` (key → value) from ``month`` on and return the change stored (only the
    values that differ from those in force then). InvalidInput names what is wrong, Conflict says
    the settings changed since the change ``seen`` (the latest one its author was shown); nothing
    is stored then."""
    now = now or clock.now()
    month, reason = checked(month, "effective_month"), reason.strip()
    rescore = _past_needs_rescore(month, this_month(now), rescore, reason)
    for key, value in values.items():
        _check_value(key, value)
    with store.transaction():
        changes = store.settings_changes()
        latest = max((c.id for c in changes if c.id is not None), default=0)
        if seen is not None and seen != latest:
            raise Conflict(
                "评分参数在您打开页面后已被修改：请查看最新设置后再改",
                en="The score settings were changed after you opened the page: look at the latest settings and change them again",
            )
        current = {k: f.value for k, f in in_force(changes, month).items()}
        unknown = sorted(set(values) - set(current))
        if unknown:
            raise InvalidInput(
                f"没有评分参数 {', '.join(unknown)}",
                en=f"There is no scoring parameter {', '.join(unknown)}",
                field=unknown[0],
            )
        changed = {k: float(v) for k, v in values.items() if float(v) != current[k]}
        if not changed:
            raise InvalidInput(
                f"与 {month} 起施行的设置相同，没有要保存的修改",
                en=f"These are the settings in force from {month} already: nothing to save",
                field="effective_month",
            )
        change = SettingsChange(month, changed, set_by, now, reason, rescore, latest)
        after = [*changes, replace(change, id=latest + 1)]  # the newest: it wins a month it shares
        for later in [
            month,
            *sorted({c.effective_month for c in changes if (c.effective_month or "") > month}),
        ]:
            _check_together(in_force(after, later), later)
        return store.add_settings_change(change)


def _effective_order(change: SettingsChange) -> tuple[str, int]:
    return (change.effective_month or "", -1 if change.id is None else change.id)


def _past_needs_rescore(month: str, current: str, rescore: bool, reason: str) -> bool:
    """Whether the change re-scores a past month; InvalidInput for a past month without a
    re-score and its reason."""
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"原因过长：最多 {MAX_REASON} 字", en=f"The reason is too long: at most {MAX_REASON} characters",
            field="reason",
        )  # fmt: skip
    if month >= current:
        return False
    if not rescore:
        raise InvalidInput(
            f"{month} 已经过去：新设置只能从本月（{current}）或以后生效；要重新计算过去月份的得分，请勾选“重新计分”并写明原因",
            en=f"{month} is past: new settings take effect from this month ({current}) or later; to score a past month again, tick “Re-score” and give the reason",
            field="effective_month",
        )
    if not reason:
        raise InvalidInput(
            "重新计算过去月份的得分须写明原因", en="Scoring a past month again needs a reason", field="reason"
        )
    return True


def _check_value(key: str, value) -> None:
    if key not in BOUNDS:
        raise InvalidInput(f"没有评分参数 {key}", en=f"There is no scoring parameter {key}", field=key)
    (zh, en), (low, high, whole) = NAMES[key], BOUNDS[key]
    title = en[0].upper() + en[1:]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{zh}应为数值", en=f"{title} must be a number", field=key)
    if not low <= value <= high:
        raise InvalidInput(
            f"{zh}应在 {low:g}–{high:g} 之间，而不是 {value:g}",
            en=f"{title} must be from {low:g} to {high:g}, not {value:g}",
            field=key,
        )
    if whole and value != int(value):
        raise InvalidInput(
            f"{zh}应为整数，而不是 {value:g}", en=f"{title} must be a whole number, not {value:g}", field=key
        )


def _check_together(settings: dict[str, InForce], month: str) -> None:
    """The weights sum to 1 and the thresholds are in order, in ``month``."""
    value = {k: f.value for k, f in settings.items()}
    if all(k in value for k in WEIGHTS):
        total = sum(value[k] for k in WEIGHTS)
        if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
            raise InvalidInput(
                f"自 {month} 起考评权重与办件权重之和为 {total:g}，应为 1",
                en=f"From {month} the weights of the evaluation and of the handling would sum to {total:g}, not 1",
                field="weight_evaluation",
            )
    if all(k in value for k in THRESHOLDS):
        a, b = value["grade_a_min"], value["grade_b_min"]
        if not 0 <= b < a <= 100:
            raise InvalidInput(
                f"自 {month} 起 B 档最低分 {b:g} 应低于 A 档最低分 {a:g}（均在 0–100 之间）",
                en=f"From {month} the lowest score of grade B, {b:g}, must be below that of grade A, {a:g} (both within 0–100)",
                field="grade_b_min",
            )
