"""The reporters' answers to whether a closed case was fixed (geodata/cases/feedback.py). Both
backends implement it with geodata/stores/shared/feedback.py."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from geodata.model import Feedback


class FeedbackStore(Protocol):
    """One answer per case, and their counts per unit for 满意率."""

    def add_feedback(self, feedback: Feedback) -> Feedback | None:
        """Keep the answer; None (and nothing written) when the case has one already."""

    def get_feedback(self, county_id: int, incident_id: int) -> Feedback | None: ...

    def feedback_counts(
        self, county_id: int, since: datetime, until: datetime
    ) -> dict[int | None, tuple[int, int]]:
        """(solved, answered) per unit of the case (None: a case with no unit), of the answers
        given in [since, until)."""
