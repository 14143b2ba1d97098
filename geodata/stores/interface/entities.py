"""Counties and the units that guard their zones and roads (geodata/stores/shared/entities.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from geodata.model import County, Unit


class EntityStore(Protocol):
    """Counties, their local CRS, their units; how many rows of a kind a county has."""

    def add_county(self, county: County) -> County: ...

    def get_county(self, code: str) -> County:
        """The county with this admin code; NotFound otherwise."""

    def get_county_by_id(self, county_id: int) -> County: ...

    def list_counties(self) -> list[County]: ...

    def update_county(self, county: County) -> County: ...

    def county_epsg(self, county_id: int, geoms: Sequence | None = None) -> int:
        """The county's local UTM EPSG code (lengths and areas are measured in it), fixed from
        ``geoms`` the first time it is needed when the county has none yet."""

    def add_units(self, units: Sequence[Unit]) -> list[Unit]: ...

    def get_unit(self, county_id: int, unit_id: int) -> Unit: ...

    def get_unit_by_code(self, county_id: int, code: str) -> Unit:
        """The unit with this code (unique in a county); NotFound naming the code otherwise."""

    def list_units(self, county_id: int) -> list[Unit]: ...

    def update_unit(self, unit: Unit) -> Unit:
        """Write the unit's fields (its version bumped), whatever version it had."""

    def save_unit(self, unit: Unit, seen_version: int) -> Unit | None:
        """Write the unit's fields when its stored version is still ``seen_version``, bumping it:
        the unit as written, or None (nothing written) when someone changed it since."""

    def count(self, county_id: int, table: str) -> int:
        """Rows of one of: unit, zone, segment, assignment, incident, inspection."""
