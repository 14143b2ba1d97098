"""Roads and zones tiles kept between requests: served again while the map's version holds, made
anew after any edit of zones, segments or assignments, and a roads tile at the moment a lead
changes by date; the cache keeps to its budget of bytes, dropping the least recently used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import mapbox_vector_tile
import pytest

from geodata.model import Assignment, Incident, Unit
from layers import tile_cache
from layers import tiles as tile_layer
from layers.tile_cache import TileCache
from tests.support.clock import Ticks, move_domain_clock
from tests.support.layers import at
from tests.support.tiles import tile_at

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_the_cache_keeps_to_its_budget_and_drops_the_least_recently_used():
    cache = TileCache(max_bytes=100)
    cache.put("a", b"a", 40)
    cache.put("b", b"b", 40)
    assert cache.get("a", NOW) == b"a"  # now "b" is the least recently used
    cache.put("c", b"c", 40)
    assert cache.get("b", NOW) is None and cache.get("a", NOW) == b"a" and cache.get("c", NOW) == b"c"
    assert cache.bytes == 80 and len(cache) == 2
    cache.put("big", b"x", 101)  # larger than the whole budget: not kept, nothing dropped
    assert cache.get("big", NOW) is None and len(cache) == 2
    cache.put("a", b"A", 10)  # kept again: replaced, counted once
    assert cache.get("a", NOW) == b"A" and cache.bytes == 50


def test_a_kept_value_expires_at_its_moment():
    cache = TileCache(max_bytes=100)
    cache.put("a", b"a", 1, until=NOW + timedelta(hours=1))
    assert cache.get("a", NOW + timedelta(minutes=59)) == b"a"
    assert cache.get("a", NOW + timedelta(hours=1)) is None and len(cache) == 0


@pytest.fixture
def made(store, monkeypatch):
    """How many tiles the store has made (a kept tile is not made again)."""
    calls, real = [], store.vector_tile

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "vector_tile", counting)
    return calls


def _parts(store, county):
    """The scored county's units A, B, C, its road 红荔路 and its community."""
    units = {u.code: u for u in store.list_units(county.id)}
    (road,) = store.list_segments(county.id)
    (zone,) = store.list_zones(county.id)
    return (units["A"], units["B"], units["C"]), road, zone


def _leads(data: bytes) -> set[int | None]:
    return {f["properties"].get("unit_id") for f in mapbox_vector_tile.decode(data)["roads"]["features"]}


def test_a_roads_tile_is_kept_until_the_map_is_edited(store, scored_county, made):
    county = scored_county
    (a, b, c), road, _ = _parts(store, county)
    cache, tile = TileCache(1 << 20), tile_at(*at(500, 0).coords[0], 16)
    first = tile_layer.vector_tile(store, county, "roads", tile, cache=cache)
    assert _leads(first) == {b.id}  # 交警 from 16 September 2026
    assert tile_layer.vector_tile(store, county, "roads", tile, cache=cache) == first and made == ["roads"]
    store.add_incidents([Incident(county.id, "parking", at(500, 5), datetime.now(UTC))])
    tile_layer.vector_tile(store, county, "roads", tile, cache=cache)
    assert made == ["roads"]  # incidents are not on the roads layer: the tile is still right

    store.assign(
        Assignment(county.id, c.id, "segment", road.id, "lead", datetime.now(UTC) - timedelta(days=1))
    )
    # The editor's page asks at the version its edit made: the new lead at once.
    edited = tile_layer.vector_tile(store, county, "roads", tile, cache=cache, at_least=store.map_version())
    assert _leads(edited) == {c.id} and made == ["roads", "roads"]


def test_the_maps_version_is_read_at_most_once_a_second_unless_a_newer_one_is_asked_for(
    store, scored_county, monkeypatch
):
    county = scored_county
    (a, _, c), road, _ = _parts(store, county)
    ticks = Ticks()
    cache, tile = TileCache(1 << 20, clock=ticks), tile_at(*at(500, 0).coords[0], 16)
    reads, real = [], store.map_version
    monkeypatch.setattr(store, "map_version", lambda: reads.append(1) or real())
    first = tile_layer.vector_tile(store, county, "roads", tile, cache=cache)
    for _ in range(5):
        assert tile_layer.vector_tile(store, county, "roads", tile, cache=cache) == first
    assert len(reads) == 1
    store.assign(
        Assignment(county.id, c.id, "segment", road.id, "lead", datetime.now(UTC) - timedelta(days=1))
    )
    # Another viewer within the second may still get the tile as it was ...
    assert tile_layer.vector_tile(store, county, "roads", tile, cache=cache) == first and len(reads) == 1
    # ... and has the new one once the second is over.
    ticks.advance(tile_cache.VERSION_SECONDS)
    assert _leads(tile_layer.vector_tile(store, county, "roads", tile, cache=cache)) == {c.id}
    assert len(reads) == 2


def test_a_roads_tile_expires_when_a_lead_changes_by_date(store, scored_county, made, monkeypatch):
    county = scored_county
    (_, b, _), road, _ = _parts(store, county)
    (d,) = store.add_units([Unit(county.id, "D", "街道办")])
    soon = datetime.now(UTC) + timedelta(minutes=1)
    store.assign(Assignment(county.id, d.id, "segment", road.id, "lead", soon))
    assert store.next_lead_change(county.id, datetime.now(UTC)) == soon
    cache, tile = TileCache(1 << 20), tile_at(*at(500, 0).coords[0], 16)
    before = tile_layer.vector_tile(store, county, "roads", tile, cache=cache)
    assert _leads(before) == {b.id}
    later = soon + timedelta(milliseconds=50)
    move_domain_clock(monkeypatch, later)  # the change's moment passed, without waiting for it
    assert _leads(tile_layer.vector_tile(store, county, "roads", tile, cache=cache)) == {d.id}
    assert made == ["roads", "roads"] and store.next_lead_change(county.id, later) is None


def test_the_map_version_grows_with_every_map_edit_and_no_other(store, scored_county):
    county = scored_county
    (a, _, _), road, zone = _parts(store, county)
    seen = [store.map_version()]

    def grew() -> bool:
        seen.append(store.map_version())
        return seen[-1] > seen[-2]

    store.add_incidents([Incident(county.id, "posters", at(100, 5), datetime.now(UTC))])
    store.add_units([Unit(county.id, "E", "环卫所")])
    assert not grew()
    store.assign(Assignment(county.id, a.id, "segment", road.id, "assist", datetime.now(UTC)))
    assert grew()
    store.update_segment(road)
    assert grew()
    store.update_zone(zone)
    assert grew()
