"""Import and export (DESIGN §8): counties, streets, zones, units and incidents, each import one
transaction that stores everything or nothing.

The readers and row checks live in ``geodata.io.read``, streets in ``geodata.io.streets``, zones in
``geodata.io.zones``, units in ``geodata.io.units``, export in ``geodata.io.export``; this module is
the one to import from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import shapely

from geodata.cases.holidays import load_national
from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.geo.geometry import POLYGONAL, utm_epsg_for
from geodata.io.export import ExportSummary, export_layer
from geodata.io.incidents import import_incidents
from geodata.io.read import ImportSummary, check_rows, read_frame, row_label
from geodata.io.streets import import_streets
from geodata.io.units import import_units
from geodata.io.zones import SUBDISTRICT_NONE, import_zones, reading_order
from geodata.model import County
from geodata.stores.store import Store

__all__ = [
    "ExportSummary",
    "ImportSummary",
    "SUBDISTRICT_NONE",
    "create_county",
    "export_layer",
    "import_incidents",
    "import_streets",
    "import_units",
    "import_zones",
    "reading_order",
]

Progress = Callable[[int, int | None], None]


def create_county(
    store: Store, code: str, name: str, boundary_path: str | Path | None = None, crs=None
) -> County:
    """Create a county (tenant) with its GB/T 2260 admin code and the national holiday calendar
    (geodata/cases/holidays_cn.py); its extent is the boundary's, or else comes from the first
    streets or zones imported into it."""
    code, name = str(code).strip(), str(name).strip()
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidInput(
            f"县区编码 {code!r} 应为 6 位 GB/T 2260 行政区划代码，如 440304",
            en=f"County code {code!r} must be the 6-digit GB/T 2260 admin code, e.g. 440304",
            field="code",
        )
    if not name:
        raise InvalidInput("县区需要名称", en="The county needs a name", field="name")
    county = County(code=code, name=name)
    if boundary_path is not None:
        county = _with_boundary(county, boundary_path, crs)
    with store.transaction():
        if _county_exists(store, code):
            raise Conflict(f"县区 {code} 已存在", en=f"County {code} already exists", field="code")
        county = store.add_county(county)
        load_national(store, county.id)
        return county


def _county_exists(store: Store, code: str) -> bool:
    try:
        store.get_county(code)
    except NotFound:
        return False
    return True


def _with_boundary(county: County, path: str | Path, crs) -> County:
    frame, _ = read_frame(path, crs)
    labels = [row_label(i) for i in range(len(frame))]
    geoms, _ = check_rows(frame.geometry.values, POLYGONAL, None, labels, Path(path).name)
    boundary = shapely.union_all(geoms)
    centre = boundary.centroid
    county.boundary = county.extent = boundary
    county.utm_epsg = utm_epsg_for(centre.x, centre.y)
    return county
