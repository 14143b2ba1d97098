"""What administrators edit in the browser beside the map (issue #20, parts 3 and 5; migration
0028): the case categories (added, edited under a version check, retired, never deleted) and a
county's own settings. Both backends implement it with geodata/stores/shared/admin_settings.py."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from geodata.model import Category, CountySetting


class AdminSettingsStore(Protocol):
    """Categories as administrators keep them, and each county's settings."""

    def add_category(self, category: Category) -> Category:
        """Store a new category (version 1, not retired); Conflict naming the code when it is taken."""

    def update_category(self, category: Category, version: int) -> Category:
        """Write the category's names, deadline and its kind, public, order and 部件/事件 code and
        class (its code, campaign and retirement stay) when it is still at ``version``; the
        category as stored, one version on. NotFound for an unknown code, StaleVersion when
        someone changed it since ``version``."""

    def set_category_retired(self, code: str, retired_at: datetime | None, version: int) -> Category:
        """Retire the category from ``retired_at`` (None: offer it again) when it is still at
        ``version``; as ``update_category`` otherwise."""

    def category_case_counts(self, county_id: int) -> dict[str, int]:
        """How many of the county's cases each category has (categories with none left out)."""

    def get_county_setting(self, county_id: int) -> CountySetting:
        """The county's settings; all standard (version 0) when it never saved any."""

    def save_county_setting(self, setting: CountySetting, version: int) -> CountySetting:
        """Write the county's settings when they are still at ``version`` (0: never saved); as
        stored, one version on. StaleVersion when someone saved them since."""
