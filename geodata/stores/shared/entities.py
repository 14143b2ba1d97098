"""Counties and their units, in the SQL both backends share (geodata/stores/interface/entities.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import County, Unit
from geodata.stores.shared.base import COUNTED_TABLES, BaseStore
from geodata.stores.shared.checks import one


class EntitiesSql(BaseStore):
    # -- row decoding ------------------------------------------------------------------------------
    def _county(self, r) -> County:
        return County(
            r["code"], r["name"], r["id"], self._geom(r["extent"]), self._geom(r["boundary"]), r["utm_epsg"]
        )

    def _unit(self, r) -> Unit:
        return Unit(r["county_id"], r["code"], r["name"], r["kind"], r["hotline"], r["id"])

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
                    row = self._insert(
                        "INSERT INTO unit (county_id, code, name, kind, hotline) "
                        "VALUES (%(county_id)s, %(code)s, %(name)s, %(kind)s, %(hotline)s) RETURNING id",
                        vars(u),
                    )
                    out.append(replace(u, id=row[0]))
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
        self._execute(
            "UPDATE unit SET code = %(code)s, name = %(name)s, kind = %(kind)s, hotline = %(hotline)s "
            "WHERE county_id = %(county_id)s AND id = %(id)s",
            vars(unit),
        )
        return unit

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
