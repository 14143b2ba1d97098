"""Checking our MVT encoder: the reference encoding (mapbox-vector-tile) of the same geometries
and properties, the features in a comparable form, and the checks of the MVT 2.1 specification."""

from __future__ import annotations

from itertools import pairwise

import mapbox_vector_tile
from mapbox_vector_tile.Mapbox import vector_tile_pb2

from geodata.geo import tiles

E = tiles.EXTENT


def reference(geoms, props) -> bytes:
    """What mapbox-vector-tile makes of the same features (None properties left out, as ours)."""
    features = [
        {"geometry": g, "properties": {k: v for k, v in p.items() if v is not None}}
        for g, p in zip(geoms, props, strict=True)
    ]
    return mapbox_vector_tile.encode([{"name": "l", "features": features}], default_options={"extents": E})


def columns(rows: list[dict]) -> dict[str, list]:
    """Properties by feature as ``mvt.encode`` takes them: by column, None where a feature has none."""
    return {k: [r.get(k) for r in rows] for k in dict.fromkeys(k for r in rows for k in r)}


def features(data: bytes) -> list[dict]:
    return mapbox_vector_tile.decode(data)["l"]["features"]


def comparable(found: list[dict]) -> list:
    """Decoded features with their properties' types; those whose geometry decoded empty left out."""
    return [
        (f["geometry"], sorted((k, type(v).__name__, v) for k, v in f["properties"].items()))
        for f in found
        if f["geometry"]["coordinates"]
    ]


def check_spec(data: bytes) -> None:
    """What the spec asks of every feature we write, whatever the input."""
    for f in raw_layer(data).features:
        paths = spec_paths(f.geometry)
        assert paths and f.type in (1, 2, 3)
        for vertices, closed in paths:
            assert closed == (f.type == 3)
            if f.type == 1:
                continue
            assert all(a != b for a, b in pairwise(vertices)), "a zero-length segment"
            assert len(vertices) >= (3 if closed else 2)
            if closed:
                assert vertices[-1] != vertices[0], "ClosePath goes back to the start"
                assert area2(vertices) != 0
        if f.type == 3:
            assert area2(paths[0][0]) > 0, "a polygon starts with its exterior"


def raw_layer(data: bytes):
    tile = vector_tile_pb2.tile()
    tile.ParseFromString(data)
    (layer,) = tile.layers
    return layer


def spec_paths(geometry) -> list[tuple[list[tuple[int, int]], bool]]:
    """A feature's command integers read as the spec says: each MoveTo starts a path; (vertices in
    tile coordinates, y down; whether ClosePath closed it)."""
    paths: list = []
    x = y = i = 0
    while i < len(geometry):
        command, count = geometry[i] & 7, geometry[i] >> 3
        i += 1
        if command == 7:
            assert count == 1 and paths and not paths[-1][1]
            paths[-1][1] = True
            continue
        assert command in (1, 2) and count > 0, geometry
        if command == 1:
            paths.append([[], False])
        for _ in range(count):
            dx, dy = ((n >> 1) ^ -(n & 1) for n in geometry[i : i + 2])
            x, y, i = x + dx, y + dy, i + 2
            paths[-1][0].append((x, y))
    return [(vertices, closed) for vertices, closed in paths]


def area2(ring: list[tuple[int, int]]) -> int:
    """Twice the signed area by the spec's formula (y down: positive is clockwise on screen)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
