"""Score settings and checklists as they change from a month on (issue #20 part 4, migration 0029),
as the stores hand them over. A month is ``'YYYY-MM'``; ``effective_month`` None is what was in
force from the start (the values and items the migrations wrote)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from geodata.model import ChecklistItem

CHECKLIST_KINDS = ("segment", "community", "grid")  # checklist_item.target_kind


@dataclass(frozen=True)
class SettingsChange:
    """An administrator's change of score settings: ``values`` (key → value) in force from
    ``effective_month`` on, until a later change of the same key takes effect. ``rescore``: made
    for a month already past, which scores that month again (``reason`` says why). ``follows``:
    the id of the change its author saw as the latest (0: none); a second change from the same
    state is refused."""

    effective_month: str | None
    values: dict[str, float]
    set_by: str = ""
    set_at: datetime | None = None
    reason: str = ""
    rescore: bool = False
    follows: int = 0
    id: int | None = None


@dataclass(frozen=True)
class ChecklistVersion:
    """The checklist of one kind of target (CHECKLIST_KINDS) from ``effective_month`` on: the
    items an inspection of that month is scored against, their maxima summing to 100."""

    target_kind: str
    effective_month: str | None
    items: tuple[ChecklistItem, ...] = field(default_factory=tuple)
    set_by: str = ""
    set_at: datetime | None = None
    reason: str = ""
    follows: int = 0
    id: int | None = None

    @property
    def total(self) -> float:
        """The sum of the items' maxima (100 for every version stored)."""
        return sum(i.max_score for i in self.items)
