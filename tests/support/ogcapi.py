"""What the OGC API – Features tests share (tests/webmap/test_ogcapi*.py): the public collections,
the items URL, and the small county's subdistrict, grid cells and a changed lead."""

from __future__ import annotations

from datetime import UTC, datetime

from shapely.geometry import box

from geodata.model import Assignment, Zone
from tests.support.web import COUNTY_CODE
from webmap import get_store

CHANGED = datetime(2025, 6, 1, tzinfo=UTC)  # 金田路's lead passes from 交警大队 to 环卫所
PUBLIC = ("communities", "road-segments", "grid-cells", "subdistricts", "cases")  # cases: the public subset
ITEMS = "/ogcapi/collections/{}/items"


def add_zones(app) -> None:
    """A subdistrict over the county, five cells in 西园社区, 城管执法局 assisting on 福华路 and
    金田路's lead changed on CHANGED."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        zones = {z.code: z for z in store.list_zones(county.id)}
        units = {u.code: u for u in store.list_units(county.id)}
        roads = {s.name: s for s in store.list_segments(county.id)}
        store.add_zones([Zone(county.id, "subdistrict", "S1", "福田街道", box(114.0, 22.5, 114.02, 22.52))])
        store.add_zones([
            Zone(county.id, "grid", f"001-{i}", f"西园{i}号网格", box(114.0 + i * 0.002, 22.5, 114.002 + i * 0.002, 22.52),
                 parent_id=zones["001"].id)
            for i in range(5)
        ])  # fmt: skip
        store.assign(Assignment(county.id, units["U03"].id, "segment", roads["福华路"].id, "assist", CHANGED))
        store.assign(Assignment(county.id, units["U03"].id, "segment", roads["金田路"].id, "lead", CHANGED))
