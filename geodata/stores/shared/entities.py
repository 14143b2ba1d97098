"""Counties and their units, in the SQL both backends share (geodata/stores/interface/entities.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import County, Unit
from geodata.stores.shared.base import COUNTED_TABLES, BaseStore
from geodata.stores.shared.checks import one

# A unit with none of migration 0027's fields: written as every release wrote it.
INSERT_PLAIN_UNIT = """
    INSERT INTO unit (county_id, code, name, kind, hotline)
    VALUES (%(county_id)s, %(code)s, %(name)s, %(kind)s, %(hotline)s)
    RETURNING id
"""
INSERT_UNIT = """
    INSERT INTO unit (county_id, code, name, kind, hotline, head, head_phone, duty_officer, duty_phone,
                      retired_at, retired_by)
    VALUES (%(county_id)s, %(code)s, %(name)s, %(kind)s, %(hotline)s, %(head)s, %(head_phone)s,
            %(duty_officer)s, %(duty_phone)s, %(retired_at)s, %(retired_by)s)
    RETURNING id
"""
UNIT_FIELDS = """
    code = %(code)s, name = %(name)s, kind = %(kind)s, hotline = %(hotline)s, head = %(head)s,
    head_phone = %(head_phone)s, duty_officer = %(duty_officer)s, duty_phone = %(duty_phone)s,
    retired_at = %(retired_at)s, retired_by = %(retired_by)s, version = version + 1
"""
UPDATE_UNIT = f"""
    UPDATE unit
    SET {UNIT_FIELDS}
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
# The unit's fields written only when its version is still the one the editor saw.
SAVE_UNIT = f"""
    UPDATE unit
    SET {UNIT_FIELDS}
    WHERE county_id = %(county_id)s AND id = %(id)s AND version = %(seen)s
    RETURNING version
"""


class EntitiesSql(BaseStore):
    # -- row decoding ------------------------------------------------------------------------------
    def _county(self, r) -> County:
        return County(
            r["code"], r["name"], r["id"], self._geom(r["extent"]), self._geom(r["boundary"]), r["utm_epsg"]
        )

    def _unit(self, r) -> Unit:
        return Unit(
            r["county_id"], r["code"], r["name"], r["kind"], r["hotline"], r["id"], r["head"], r["head_phone"],
            r["duty_officer"], r["duty_phone"], r["version"], self._time(r["retired_at"]), r["retired_by"],
        )  # fmt: skip

    def _unit_params(self, unit: Unit) -> dict:
        return {**vars(unit), "retired_at": self._t(unit.retired_at)}

    # -- counties and units ------------------------------------------------------------------------
    def add_county(self, county: County) -> County:
        params = {**vars(county), "extent": self._g(county.extent), "boundary": self._g(county.boundary)}
        try:
            row = self._insert(
                "INSERT INTO county (code, name, extent, boundary, utm_epsg) "
                "VALUES (%(code)s, %(name)s, %(extent)s, %(boundary)s, %(utm_epsg)s) RETURNING id",
                params,
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"编码为 {county.code} 的县区已存在", en=f"A county with code {county.code} already exists"
            ) from None
        return replace(county, id=row[0])

    def get_county(self, code: str) -> County:
        return self._county(
            one(self._rows("SELECT * FROM county WHERE code = %(c)s", {"c": code}), f"county {code}")
        )

    def get_county_by_id(self, county_id: int) -> County:
        rows = self._rows("SELECT * FROM county WHERE id = %(id)s", {"id": county_id})
        return self._county(one(rows, f"county #{county_id}"))

    def list_counties(self) -> list[County]:
        return [self._county(r) for r in self._rows("SELECT * FROM county ORDER BY id")]

    def update_county(self, county: County) -> County:
        self._execute(
            "UPDATE county SET code = %(code)s, name = %(name)s, extent = %(extent)s, boundary = %(boundary)s, "
            "utm_epsg = %(utm_epsg)s WHERE id = %(id)s",
            {**vars(county), "extent": self._g(county.extent), "boundary": self._g(county.boundary)},
        )
        self._epsg.pop(county.id, None)
        return county

    def add_units(self, units: Sequence[Unit]) -> list[Unit]:
        out = []
        try:
            with self.transaction():
                for u in units:
                    plain = (u.head, u.head_phone, u.duty_officer, u.duty_phone, u.retired_at) == (
                        "",
                    ) * 4 + (None,)
                    row = self._insert(INSERT_PLAIN_UNIT if plain else INSERT_UNIT, self._unit_params(u))
                    out.append(replace(u, id=row[0], version=1))
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"单位编码 {u.code} 在本县区已被使用", en=f"Unit code {u.code} is already used in this county"
            ) from None
        return out

    def get_unit(self, county_id: int, unit_id: int) -> Unit:
        rows = self._rows(
            "SELECT * FROM unit WHERE county_id = %(c)s AND id = %(id)s", {"c": county_id, "id": unit_id}
        )
        return self._unit(one(rows, f"unit #{unit_id}"))

    def get_unit_by_code(self, county_id: int, code: str) -> Unit:
        rows = self._rows(
            "SELECT * FROM unit WHERE county_id = %(c)s AND code = %(code)s", {"c": county_id, "code": code}
        )
        if not rows:
            raise NotFound(
                f"本县区没有编码为 {code!r} 的单位",
                en=f"There is no unit with the code {code!r}",
                field="code",
            )
        return self._unit(rows[0])

    def list_units(self, county_id: int) -> list[Unit]:
        rows = self._rows("SELECT * FROM unit WHERE county_id = %(c)s ORDER BY id", {"c": county_id})
        return [self._unit(r) for r in rows]

    def update_unit(self, unit: Unit) -> Unit:
        self._execute(UPDATE_UNIT, self._unit_params(unit))
        return unit

    def save_unit(self, unit: Unit, seen_version: int) -> Unit | None:
        with self.transaction():
            rows = self._rows(SAVE_UNIT, {**self._unit_params(unit), "seen": seen_version})
        return replace(unit, version=rows[0]["version"]) if rows else None

    def count(self, county_id: int, table: str) -> int:
        if table not in COUNTED_TABLES:
            raise InvalidInput(
                f"无法统计 {table!r}：可选 {', '.join(COUNTED_TABLES)}",
                en=f"Cannot count {table!r}: choose {', '.join(COUNTED_TABLES)}",
            )
        # The table name is one of the fixed names above, never the caller's text.
        return self._rows(f"SELECT COUNT(*) AS n FROM {table} WHERE county_id = %(c)s", {"c": county_id})[0][
            "n"
        ]
