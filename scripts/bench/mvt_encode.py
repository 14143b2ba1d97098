"""Encode vector-tile layers with ``geodata.mvt.encode.encode`` and with ``mapbox_vector_tile.encode``.

    python -m scripts.bench.mvt_encode [--repeat 30]

Inputs are made up in tile coordinates (y up, as ``mvt.in_tile`` gives them), shaped like what a
SQLite tile holds: incidents at zoom 16+ (2,000 points, the most a tile shows before clustering),
clusters, roads (random walks, some vertices on the same grid point), zones (polygons with a hole,
given in either orientation, and multipolygons). Prints per case the median time of ours and of the
in-run baseline, in ms, and the speed-up (baseline / ours); both tiles are decoded and must hold the
same features first.
"""

from __future__ import annotations

import argparse
import statistics

import mapbox_vector_tile
import numpy as np
import shapely

from geodata.geo import tiles
from geodata.mvt import encode as mvt
from scripts.bench.common import timed

CATEGORIES = ("parking", "posters", "litter", "stalls")
STATUSES = ("open", "dispatched", "closed")
HIGHWAYS = ("primary", "secondary", "residential", None)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=30)
    args = p.parse_args(argv)
    rng = np.random.default_rng(7)
    print(f"{args.repeat} runs each, medians in ms\n")
    print(f"{'case':<34} {'ours':>8} {'mapbox':>8} {'speed-up':>9}")
    for label, geoms, props in _cases(rng):
        columns = _columns(props)  # as a store has them: by column, as its rows give them
        _check_same(geoms, props, columns)
        ours_s, _ = timed(lambda g=geoms, c=columns: mvt.encode("layer", g, c), args.repeat)
        base_s, _ = timed(lambda g=geoms, p=props: _baseline(g, p), args.repeat)
        ours, base = statistics.median(ours_s) * 1e3, statistics.median(base_s) * 1e3
        print(f"{label:<34} {ours:8.2f} {base:8.2f} {base / ours:8.1f}x")


def _cases(rng: np.random.Generator):
    yield "2,000 incident points, 3 props", *_points(rng, 2000)
    yield "64 clusters, 1 prop", *_clusters(rng, 64)
    yield "300 roads of 20 vertices, 4 props", *_lines(rng, 300, 20)
    yield "100 zones with a hole, 5 props", *_polygons(rng, 100, holes=True)
    yield "50 zones of 3 parts, 5 props", *_multipolygons(rng, 50, 3)


def _points(rng, n):
    xy = rng.integers(0, tiles.EXTENT, size=(n, 2)).astype(float)
    props = [{"id": 100_000 + i, "category": CATEGORIES[i % 4], "status": STATUSES[i % 3]} for i in range(n)]
    return list(shapely.points(xy)), props


def _clusters(rng, n):
    xy = rng.integers(0, tiles.EXTENT, size=(n, 2)).astype(float)
    return list(shapely.points(xy)), [{"count": int(c)} for c in rng.integers(2, 500, n)]


def _lines(rng, n, vertices):
    start = rng.uniform(0, tiles.EXTENT, size=(n, 1, 2))
    steps = rng.normal(0, 60, size=(n, vertices - 1, 2))
    walks = np.round(np.concatenate([start, start + np.cumsum(steps, axis=1)], axis=1))
    props = [
        {"id": i, "name": f"第{i}路", "highway": HIGHWAYS[i % 4], "unit_id": i % 7 or None} for i in range(n)
    ]
    return list(shapely.linestrings(walks)), props


def _polygons(rng, n, holes):
    centres = rng.uniform(200, tiles.EXTENT - 200, size=(n, 2))
    polys = []
    for i, (x, y) in enumerate(centres):
        outer = _ring(rng, x, y, 150, 24, clockwise=i % 2 == 0)
        inner = [_ring(rng, x, y, 50, 12, clockwise=i % 3 == 0)] if holes else []
        polys.append(shapely.Polygon(outer, inner))
    return polys, _zone_props(n)


def _multipolygons(rng, n, parts):
    polys, _ = _polygons(rng, n * parts, holes=False)
    multis = [shapely.MultiPolygon(polys[i : i + parts]) for i in range(0, len(polys), parts)]
    return multis, _zone_props(n)


def _ring(rng, x, y, radius, vertices, clockwise):
    """A wobbly circle, in either direction."""
    angle = np.linspace(0, 2 * np.pi, vertices, endpoint=False) * (-1 if clockwise else 1)
    r = radius * rng.uniform(0.8, 1.0, vertices)
    return np.round(np.column_stack([x + r * np.cos(angle), y + r * np.sin(angle)]))


def _zone_props(n):
    return [
        {"id": i, "code": f"{i:06d}", "name": f"{i}号网格", "kind": "grid", "tier": "达标" if i % 2 else None}
        for i in range(n)
    ]


def _baseline(geoms, props):
    features = [
        {"geometry": g, "properties": {k: v for k, v in p.items() if v is not None}}
        for g, p in zip(geoms, props, strict=True)
    ]
    return mapbox_vector_tile.encode(
        [{"name": "layer", "features": features}], default_options={"extents": tiles.EXTENT}
    )


def _columns(props: list[dict]) -> dict[str, list]:
    return {k: [p.get(k) for p in props] for k in props[0]}


def _check_same(geoms, props, columns) -> None:
    """The timings compare like with like only if both tiles hold the same features."""
    ours = mapbox_vector_tile.decode(mvt.encode("layer", geoms, columns))["layer"]["features"]
    base = mapbox_vector_tile.decode(_baseline(geoms, props))["layer"]["features"]
    assert ours == base, "the two encoders disagree on these inputs"


if __name__ == "__main__":
    main()
