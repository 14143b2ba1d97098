"""Incident clusters on both backends: counted per cell of the Web-Mercator grid, from the bins the
triggers keep (migration 0009) where they can answer and from the incidents where they cannot; the
answers always those of a plain numpy count of the stored incidents, after any writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from shapely.geometry import Point, box

from geodata.geo import tiles
from geodata.model import COUNTY_TZ, County, Incident, Unit, Zone
from geodata.stores.shared.clusters import bin_plan
from tests.support.databases import older_store

T0 = datetime(2026, 1, 1, tzinfo=COUNTY_TZ)  # the county's 1 January, 00:00
BBOX = (114.0, 22.5, 114.04, 22.54)
STATUSES = ("filed", "dispatched", "handled", "closed", "rejected")


def oracle(store, county_id, level, cells, **filters):
    """The stored incidents in ``cells`` (all filters as the case list applies them) counted per cell
    in numpy: (cell x, cell y) → (count, mean lon, mean lat)."""
    found = store.list_incidents(county_id, **{"duplicates": False, **filters})
    if not found:
        return {}
    lon = np.array([i.geom.x for i in found])
    lat = np.array([i.geom.y for i in found])
    n = 1 << level
    cx = np.floor((lon + 180) / 360 * n).astype(int)
    cy = np.floor((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n).astype(int)
    x0, y0, x1, y1 = cells
    keep = (cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)
    out = {}
    for key in sorted(set(zip(cx[keep].tolist(), cy[keep].tolist(), strict=True))):
        here = keep & (cx == key[0]) & (cy == key[1])
        out[key] = (int(here.sum()), lon[here].mean(), lat[here].mean())
    return out


def clusters(store, county_id, level, cells, **filters):
    centres, counts = store.incident_clusters(county_id, level, cells, **{"duplicates": False, **filters})
    return counts.tolist(), centres


def assert_like_oracle(store, county_id, level, **filters):
    cells = tiles.bbox_cells(BBOX, level)
    counts, centres = clusters(store, county_id, level, cells, **filters)
    expected = oracle(store, county_id, level, cells, **filters)
    assert counts == [v[0] for v in expected.values()], (level, filters)
    if expected:
        np.testing.assert_allclose(centres, [v[1:] for v in expected.values()], rtol=0, atol=1e-9)
    return sum(counts)


@pytest.fixture
def town(store):
    c = store.add_county(County("990010", "聚合县", extent=box(*BBOX), utm_epsg=32650))
    police, city = store.add_units([Unit(c.id, "JJ", "交警大队"), Unit(c.id, "CG", "城管局")])
    (community,) = store.add_zones(
        [Zone(c.id, "community", "001", "甲社区", box(114.0, 22.5, 114.02, 22.52))]
    )
    rng = np.random.default_rng(11)
    n = 600
    xy = np.column_stack([rng.uniform(114.0, 114.04, n), rng.uniform(22.5, 22.54, n)])
    # Four months of reports, some on the first and last minute of a month in the county's clock.
    hours = rng.integers(0, 24 * 120, n)
    times = [T0 + timedelta(hours=int(h)) for h in hours]
    times[:4] = [
        T0,
        datetime(2026, 2, 1, tzinfo=COUNTY_TZ),
        datetime(2026, 2, 28, 23, 59, tzinfo=COUNTY_TZ),
        datetime(2026, 3, 31, 16, 0, tzinfo=UTC),
    ]  # fmt: skip  (the last: 1 April, 00:00 local)
    units = [police.id, city.id, None]
    store.add_incidents(
        [
            Incident(c.id, ("parking", "posters", "sanitation")[i % 3], Point(x, y), t, STATUSES[i % 5],
                     zone_id=community.id if x < 114.02 and y < 22.52 else None, unit_id=units[i % 3])
            for i, ((x, y), t) in enumerate(zip(xy.tolist(), times, strict=True))
        ]
    )  # fmt: skip
    return c


def test_bin_plan_reads_whole_months_from_the_bins_and_the_days_around_them_from_the_incidents():
    jan_10 = datetime(2026, 1, 10, tzinfo=COUNTY_TZ)
    mar_20 = datetime(2026, 3, 20, tzinfo=COUNTY_TZ)
    plan = bin_plan(13, {"since": jan_10, "until": mar_20, "category": "parking", "duplicates": False})
    assert (plan.level, plan.first, plan.end) == (15, "2026-02", "2026-03")
    assert [(r["since"].date().isoformat(), r["until"].date().isoformat()) for r in plan.raw] == [
        ("2026-01-10", "2026-02-01"),
        ("2026-03-01", "2026-03-20"),
    ]
    assert all(r["category"] == "parking" for r in plan.raw)
    # Whole months in UTC times (the form's days are county days): nothing from the incidents.
    feb = datetime(2026, 1, 31, 16, tzinfo=UTC)
    assert bin_plan(17, {"since": feb, "until": None}) == replace(
        plan, level=17, first="2026-02", end=None, raw=[]
    )
    # Within one month, a filter the bins do not keep, repeats included, or finer than level 19:
    # the incidents only.
    for level, filters in [
        (15, {"since": jan_10, "until": datetime(2026, 1, 20, tzinfo=COUNTY_TZ)}),
        (15, {"zone_id": 3}),
        (15, {"overdue_at": jan_10}),
        (15, {"duplicates": True}),
        (20, {}),
    ]:
        plan = bin_plan(level, filters)
        assert plan.level is None and plan.raw == [filters]


@pytest.mark.parametrize("level", [12, 15, 17, 19, 20])
def test_clusters_count_like_numpy_with_every_filter(store, town, level):
    units = {u.code: u.id for u in store.list_units(town.id)}
    community = store.list_zones(town.id, kind="community")[0]
    total = assert_like_oracle(store, town.id, level)
    assert total == 600
    for filters in [
        {"category": "parking"},
        {"status": "open"},
        {"status": "closed"},
        {"unit_id": units["JJ"]},
        {"since": datetime(2026, 2, 1, tzinfo=COUNTY_TZ)},
        {"since": datetime(2026, 1, 15, tzinfo=COUNTY_TZ), "until": datetime(2026, 3, 10, tzinfo=COUNTY_TZ)},
        {"until": datetime(2026, 4, 1, tzinfo=COUNTY_TZ), "category": "posters", "status": "filed"},
        {"zone_id": community.id},
    ]:
        assert 0 < assert_like_oracle(store, town.id, level, **filters) < total
    # The first minute of a month belongs to it, the last to the month before.
    feb = {"since": datetime(2026, 2, 1, tzinfo=COUNTY_TZ), "until": datetime(2026, 3, 1, tzinfo=COUNTY_TZ)}
    assert assert_like_oracle(store, town.id, level, **feb) > 0
    assert clusters(store, town.id, level, tiles.bbox_cells((113.0, 21.0, 113.1, 21.1), level))[0] == []


def test_the_bins_follow_every_write(store, town):
    found = store.list_incidents(town.id)
    units = [u.id for u in store.list_units(town.id)]
    chosen = np.random.default_rng(5).choice(np.arange(1, len(found)), 120, replace=False).tolist()
    repeats, vending = sum(i % 4 == 3 for i in chosen), sum(i % 4 == 1 for i in chosen)
    assert repeats and vending
    for i in chosen:
        incident = found[i]
        change = i % 4
        if change == 0:
            incident = replace(incident, status=STATUSES[(STATUSES.index(incident.status) + 1) % 5])
        elif change == 1:
            incident = replace(incident, category="street_vending")
        elif change == 2:
            incident = replace(incident, unit_id=None if incident.unit_id else units[i % 2])
        else:
            incident = replace(incident, duplicate_of=found[0].id, status="closed")
        store.update_incident(incident)
    store.add_incidents([Incident(town.id, "parking", Point(114.03, 22.53), T0 + timedelta(days=70))])
    for level in (12, 16, 19):
        assert assert_like_oracle(store, town.id, level) == 600 + 1 - repeats
        assert assert_like_oracle(store, town.id, level, category="street_vending") == vending
        assert assert_like_oracle(store, town.id, level, status="open") > 0
        assert assert_like_oracle(store, town.id, level, unit_id=units[0]) > 0
    # A repeat leaving its case (no longer a duplicate) counts again.
    repeat = next(i for i in store.list_incidents(town.id, duplicates=True) if i.duplicate_of)
    store.update_incident(replace(repeat, duplicate_of=None))
    assert assert_like_oracle(store, town.id, 15) == 600 + 1 - repeats + 1


def test_tiles_of_a_zoom_share_their_parent_s_clusters(store, town):
    """Cells nest: the four z14 tiles under a z13 tile hold its incidents, each once, and a cluster's
    count is its four children's sum."""
    z13 = tiles.Tile(13, *tiles.bbox_cells((114.01, 22.51, 114.01, 22.51), 13)[:2])
    level = 13 + tiles.CLUSTER_LEVELS
    parent = dict(zip(*clusters_by_cell(store, town.id, level, tiles.tile_cells(z13, level)), strict=True))
    children: dict = {}
    for cell, n in zip(
        *clusters_by_cell(store, town.id, level + 1, tiles.tile_cells(z13, level + 1)), strict=True
    ):
        key = (cell[0] >> 1, cell[1] >> 1)
        children[key] = children.get(key, 0) + n
    assert children == parent and sum(parent.values()) > 100


def clusters_by_cell(store, county_id, level, cells):
    expected = oracle(store, county_id, level, cells)
    counts, _ = clusters(store, county_id, level, cells)
    assert counts == [v[0] for v in expected.values()]
    return list(expected), counts


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_an_older_database_gets_its_bins_on_upgrade(backend, tmp_path, request):
    with older_store(request, backend, tmp_path, knew="incident_bins.sql") as (store, newer):
        county = store.add_county(County("990011", "旧县", extent=box(*BBOX)))
        rng = np.random.default_rng(2)
        store.add_incidents(
            [
                Incident(county.id, "parking", Point(x, y), T0)
                for x, y in rng.uniform((114.0, 22.5), (114.04, 22.54), (50, 2))
            ]
        )
        assert store.migrate()[0] == newer[0].name
        assert bin_plan(15, {}).level == 15  # answered from the bins the upgrade filled
        assert assert_like_oracle(store, county.id, 15) == 50
