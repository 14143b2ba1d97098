"""Inspections, community tiers and civilized titles (geodata/stores/shared/scores.py); the checklists
and settings that score them are ``ScoreRuleStore``'s (score_rules.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from geodata.model import Inspection, TierDecision, TitleAward


class ScoreStore(Protocol):
    """Inspections, tiers and titles."""

    def add_inspections(self, inspections: Sequence[Inspection]) -> int: ...

    def list_inspections(
        self, county_id: int, target_kind: str | None = None, target_id: int | None = None
    ) -> list[Inspection]: ...

    def add_tier_decision(self, decision: TierDecision) -> TierDecision:
        """Conflict when the zone's tier for that month was decided already."""

    def list_tier_decisions(self, county_id: int, zone_id: int | None = None) -> list[TierDecision]: ...

    def award_title(self, award: TitleAward) -> TitleAward: ...

    def withdraw_title(self, county_id: int, award_id: int, on: date) -> TitleAward:
        """Conflict when withdrawn already or before it was awarded; NotFound for no such award."""

    def list_titles(self, county_id: int, zone_id: int | None = None) -> list[TitleAward]: ...
