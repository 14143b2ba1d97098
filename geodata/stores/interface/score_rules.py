"""The rules inspections and scores are made by, effective-dated: the score settings and the
checklists in force in a month, and every change of them (geodata/stores/shared/score_rules.py)."""

from __future__ import annotations

from typing import Protocol

from geodata.model import ChecklistItem
from geodata.scores.model import ChecklistVersion, SettingsChange


class ScoreRuleStore(Protocol):
    """Score settings and checklists from a month on (migration 0029); history only added to."""

    def score_settings(self, month: str) -> dict[str, tuple[float, str]]:
        """The scores' weights and thresholds in force in ``month`` ('YYYY-MM'): key → (value,
        what it means, in Chinese)."""

    def settings_changes(self) -> list[SettingsChange]:
        """Every change of the settings: first the values in force from the start
        (``effective_month`` and ``id`` None), then the changes in the order they were made."""

    def add_settings_change(self, change: SettingsChange) -> SettingsChange:
        """Store a change (its id filled in); NotFound for a key the settings do not have,
        Conflict when a change was made since ``change.follows``."""

    def list_checklist(self, target_kind: str | None, month: str) -> list[ChecklistItem]:
        """The checklist items of a kind of target (segment, community, grid), or of all, in
        force in ``month``, in their order."""

    def checklist_versions(self, target_kind: str | None = None) -> list[ChecklistVersion]:
        """Every version of a kind's checklist (or of all): the one from the start first
        (``effective_month`` and ``id`` None), then in the order they were made."""

    def add_checklist_version(self, version: ChecklistVersion) -> ChecklistVersion:
        """Store a version with its items (its id filled in); Conflict when a version of its kind
        was made since ``version.follows``."""
