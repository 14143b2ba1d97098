"""Proposed community tiers for a month (精品 / 达标 / 攻坚), from the communities' scores: a
community scored at grade A is proposed 精品, B 达标, C 攻坚; one not scored that month gets no
proposal. Villages (村) are given tiers as communities are. An administrator confirms
(``geodata.scores.titles.confirm_tier``)."""

from __future__ import annotations

from dataclasses import dataclass

from geodata.model import COMMUNITY_KINDS, County
from geodata.stores.store import Store
from layers.scores import grade, month_scores, score_settings

TIER_OF_GRADE = {"A": "精品", "B": "达标", "C": "攻坚"}


@dataclass(frozen=True)
class Proposal:
    zone_id: int
    code: str
    name: str
    score: float | None
    proposed: str | None
    current: str | None  # the tier in force now
    decided: str | None  # the tier confirmed for this month, if any


def propose_tiers(store: Store, county: County, month: str) -> list[Proposal]:
    targets = month_scores(store, county, month, previous=False).targets
    settings = score_settings(store, month)
    decided = {d.zone_id: d.tier for d in store.list_tier_decisions(county.id) if d.month == month}
    out = []
    for zone in store.list_zones(county.id, kind=COMMUNITY_KINDS):
        scored = targets.get(("zone", zone.id))
        score = scored.score if scored else None
        proposed = TIER_OF_GRADE[grade(score, settings)] if score is not None else None
        out.append(Proposal(zone.id, zone.code, zone.name, score, proposed, zone.tier, decided.get(zone.id)))
    return out
