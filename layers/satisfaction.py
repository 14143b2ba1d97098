"""满意率 (issue #19 part 5): of the residents who answered, in a month, whether their closed case
was really fixed, the share who said 已解决, per unit of the case:

    满意率 = answers 已解决 / answers given      (answers given in the month, by the case's unit)

A unit nobody answered about has no rate (shown as —). The answers are the reporters' through
their tracking links (geodata/cases/feedback.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.assignments.postings import month_span
from geodata.model import County
from geodata.stores.store import Store


@dataclass(frozen=True)
class Satisfaction:
    solved: int
    answered: int

    @property
    def rate_pct(self) -> float | None:
        """Solved in percent of answered, to one decimal; None when nobody answered."""
        return round(100 * self.solved / self.answered, 1) if self.answered else None


NONE = Satisfaction(0, 0)


def month_satisfaction(store: Store, county: County, month: str) -> dict[int, Satisfaction]:
    """Each unit's answers of ``month`` ('YYYY-MM'); a unit without any is left out."""
    since, until = month_span(month)
    counts = store.feedback_counts(county.id, since, until)
    return {unit: Satisfaction(*n) for unit, n in counts.items() if unit is not None}
