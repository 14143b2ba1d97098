"""Residents' 随手拍 reports, kept until they are moderated (geodata/cases/public_reports.py). Both
backends implement it with geodata/stores/shared/public.py."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from geodata.model import PublicReport


class PublicReportStore(Protocol):
    """Reports from the public page and their moderation."""

    def add_public_report(self, report: PublicReport) -> PublicReport: ...

    def get_public_report(self, county_id: int, report_id: int) -> PublicReport:
        """NotFound naming the number otherwise."""

    def public_report_by_token(self, token: str) -> PublicReport | None: ...

    def list_public_reports(
        self,
        county_id: int,
        state: str | None = None,
        client: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[PublicReport]:
        """Newest first; ``client`` and ``since`` (submitted at or after) narrow the list."""

    def count_public_reports(
        self,
        county_id: int,
        state: str | None = None,
        client: str | None = None,
        since: datetime | None = None,
    ) -> int: ...

    def moderate_public_report(self, report: PublicReport) -> bool:
        """Write the report's moderation (state, reason, who, when, case) if it is still pending;
        False (and nothing written) when someone moderated it first."""

    def reports_following(self, county_id: int, incident_id: int) -> list[PublicReport]:
        """The reports of a case (filed as it, or merged into it) whose reporters asked for its
        steps by e-mail, oldest first."""

    def stop_report_email(self, county_id: int, report_id: int) -> bool:
        """Forget the report's e-mail address (its reporter wants no more); False when it had none."""
