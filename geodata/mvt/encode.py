"""Encoding Mapbox Vector Tiles (spec 2.1) in Python, for what a store builds outside SQL: every
SQLite tile, and the incident clusters of both stores. Coordinates are rounded to the tile's grid as
``ST_AsMVTGeom`` rounds them, so both stores' tiles hold the same features.

The geometry commands of a whole layer are worked out at once with numpy (a per-vertex Python loop,
as ``mapbox-vector-tile`` has, cost more than the rest of a SQLite tile), and so is the message: the
features' numbers are laid out in one array and written as varints at once (pbf.py), the properties
by column (mvt_props.py). With the generated protobuf classes, a call per feature and per value, a
tile of 2,000 points took 6.8 ms to encode, now 3.0 (scripts/bench/mvt_encode.py). The tiles are ``mapbox-vector-tile``'s byte for byte (tests/geodata/test_mvt.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import shapely

from geodata.geo import tiles
from geodata.geo.tiles import Tile
from geodata.mvt import pbf
from geodata.mvt import props as mvt_props

# A path is what one MoveTo starts: all the points of a feature, a line, or a polygon's ring.
_DOTS, _LINE, _OUTER, _INNER = 0, 1, 2, 3
_FEATURE_TYPE = np.array([1, 2, 3, 3])  # POINT, LINESTRING, POLYGON of vector_tile.proto, by path kind
_MOVE_TO, _LINE_TO, _CLOSE_PATH = 1, 2, 7
_POLYGON, _COLLECTION = 3, 7  # shapely type ids
# The keys of the fields written in bulk: Layer's features, and Feature's tags, type and geometry
# (wire type 2: length-delimited, 0: varint).
_FEATURES, _TAGS, _TYPE, _GEOMETRY = 2 << 3 | 2, 2 << 3 | 2, 3 << 3 | 0, 4 << 3 | 2


def points(tile: Tile, layer: str, lonlat, props: Mapping[str, Sequence], buffer: int | None = None) -> bytes:
    """Points at ``lonlat`` (n, 2) with their properties by column; empty bytes for none. With a
    ``buffer``, those further past the tile's edge are left out, as ST_AsMVTGeom leaves them."""
    lonlat = np.asarray(lonlat, dtype=float)
    if len(lonlat) == 0:
        return b""
    xy = in_tile(tile, lonlat)
    if buffer is not None:
        keep = ((xy >= -buffer) & (xy <= tiles.EXTENT + buffer)).all(axis=1)
        if not keep.all():
            xy, props = (
                xy[keep],
                {k: [v for v, kept in zip(c, keep, strict=True) if kept] for k, c in props.items()},
            )
    return encode(layer, shapely.points(xy), props) if len(xy) else b""


def shapes(tile: Tile, layer: str, geoms, props: Mapping[str, Sequence]) -> bytes:
    """Lines or polygons (lon/lat) in tile coordinates, clipped to the tile grown by BUFFER (what
    lies wholly outside it comes out empty, and ``encode`` drops it)."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return b""
    geoms = shapely.transform(geoms, lambda xy: in_tile(tile, xy))
    edge = tiles.EXTENT + tiles.BUFFER
    return encode(layer, shapely.clip_by_rect(geoms, -tiles.BUFFER, -tiles.BUFFER, edge, edge), props)


def in_tile(tile: Tile, lonlat: np.ndarray) -> np.ndarray:
    """Degrees to the tile's integer grid (0–EXTENT, y up: ``encode`` turns it down)."""
    minx, miny, maxx, maxy = tile.mercator
    x, y = tiles.to_mercator(lonlat[:, 0], lonlat[:, 1])
    scale = tiles.EXTENT / (maxx - minx)
    return np.round(np.column_stack([(x - minx) * scale, (y - miny) * scale]))


def encode(layer: str, geoms, props: Mapping[str, Sequence]) -> bytes:
    """A Mapbox Vector Tile of one layer of geometries in tile coordinates (y up, as ``in_tile``
    gives them), with their properties by column (``{"id": [...], ...}``, one value per geometry);
    values that are None are left out, as ST_AsMVT leaves them. Geometries that the grid collapses,
    empty ones and geometry collections are dropped, as ``mapbox-vector-tile`` drops them."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return b""
    feature, kind, commands, begin, end = _geometries(geoms)
    keys, values, tags, n_tags = mvt_props.tags(props, feature)
    body = pbf.delimited(1, layer.encode())
    body += _features(_FEATURE_TYPE[kind], tags, n_tags, commands, end - begin)
    body += b"".join(pbf.delimited(3, k.encode()) for k in keys) + values
    body += pbf.key(5, 0) + pbf.varint(tiles.EXTENT) + pbf.key(15, 0) + pbf.varint(2)
    return pbf.delimited(3, body)  # the tile's one layer


def _features(types: np.ndarray, tags: np.ndarray, n_tags: np.ndarray, commands: np.ndarray, n_commands):
    """The layer's features (field 2 of Layer, each a Feature: tags, type, geometry), every number
    of them a varint: they are laid out in one array and written at once."""
    tag_bytes = pbf.sums(pbf.sizes(tags), n_tags)
    geometry_bytes = pbf.sums(pbf.sizes(commands), n_commands)
    has_tags = n_tags > 0
    # key, length, the tags; key, type; key, length, the commands.
    tagged = np.where(has_tags, 2 + n_tags, 0)
    size = np.where(has_tags, 1 + pbf.sizes(tag_bytes) + tag_bytes, 0) + 3 + pbf.sizes(geometry_bytes)
    count = 2 + tagged + 4 + n_commands
    at = np.cumsum(count) - count
    out = np.empty(int(count.sum()), dtype=np.uint64)
    out[at], out[at + 1] = _FEATURES, size + geometry_bytes
    t = at[has_tags] + 2
    out[t], out[t + 1] = _TAGS, tag_bytes[has_tags]
    out[pbf.spread(at + 4, n_tags)] = tags
    g = at + 2 + tagged
    out[g], out[g + 1], out[g + 2], out[g + 3] = _TYPE, types, _GEOMETRY, geometry_bytes
    out[pbf.spread(g + 4, n_commands)] = commands
    return pbf.varints(out)


def _geometries(geoms: np.ndarray):
    """The geometries the grid leaves something of: their indices and path kinds, the command
    integers of them all in one array, and where each one's begin and end."""
    kind, feature, coords, vpath = _paths(geoms)
    x = np.round(coords[:, 0]).astype(np.int64)
    y = tiles.EXTENT - np.round(coords[:, 1]).astype(np.int64)  # exact: rounds half to even
    ring = kind >= _OUTER
    # A ring's closing vertex is left to ClosePath.
    x, y, vpath = _keep(~(ring[vpath] & _is_last(vpath)), x, y, vpath)
    area, x, y = _orient(kind, x, y, vpath)
    x, y, vpath = _dedupe(kind, x, y, vpath)
    ok = _valid(kind, area, np.bincount(vpath, minlength=len(kind)))
    x, y, vpath = _keep(ok[vpath], x, y, vpath)
    kind, feature, vpath = kind[ok], feature[ok], (np.cumsum(ok) - 1)[vpath]
    commands, head, begin, end = _commands(kind, feature, x, y, vpath)
    return feature[head], kind[head], commands.astype(np.uint64), begin, end


def _paths(geoms: np.ndarray):
    """Every geometry as paths, in order: each path's kind and feature (index into ``geoms``), and
    all the vertices with the path each belongs to."""
    types = shapely.get_type_id(geoms)
    if ((types > _POLYGON) & (types != _COLLECTION)).any():
        parts, feature = shapely.get_parts(np.where(types == _COLLECTION, None, geoms), return_index=True)
    else:  # no multi-geometries: get_parts would copy every geometry for nothing
        feature = np.flatnonzero((types >= 0) & (types != _COLLECTION))
        parts = geoms[feature]
    polygon = shapely.get_type_id(parts) == _POLYGON
    single = np.flatnonzero(~polygon)
    rings, ring_part = shapely.get_rings(parts[polygon], return_index=True)
    ring_part = np.flatnonzero(polygon)[ring_part]
    outer = _first(ring_part)  # get_rings gives a polygon's exterior first
    dots = shapely.get_type_id(parts[single]) == 0
    part = np.concatenate([single, ring_part])
    kind = np.concatenate([np.where(dots, _DOTS, _LINE), np.where(outer, _OUTER, _INNER)])
    # A feature's parts all come from one of the two lists, so a stable sort restores their order.
    order = np.argsort(part, kind="stable")
    part, kind = part[order], kind[order]
    paths = np.concatenate([parts[single], rings])[order]
    coords, vpath = shapely.get_coordinates(paths, return_index=True)
    # The points of a multipoint share one MoveTo: their paths become one.
    new = (kind != _DOTS) | _first(feature[part])
    return kind[new], feature[part][new], coords, (np.cumsum(new) - 1)[vpath]


def _keep(keep: np.ndarray, x: np.ndarray, y: np.ndarray, vpath: np.ndarray):
    return x[keep], y[keep], vpath[keep]


def _first(a: np.ndarray) -> np.ndarray:
    """Whether each element starts a run of equal ones (np.diff's prepend costs more, for the few
    features of most tiles)."""
    out = np.ones(len(a), dtype=bool)
    np.not_equal(a[1:], a[:-1], out=out[1:])
    return out


def _is_last(vpath: np.ndarray) -> np.ndarray:
    """Whether each vertex is the last of its path (``vpath`` runs in order)."""
    out = np.ones(len(vpath), dtype=bool)
    np.not_equal(vpath[:-1], vpath[1:], out=out[:-1])
    return out


def _starts(vpath: np.ndarray, n_paths: int) -> tuple[np.ndarray, np.ndarray]:
    """Each path's number of vertices and where its first one is."""
    counts = np.bincount(vpath, minlength=n_paths)
    return counts, np.cumsum(counts) - counts


def _orient(kind: np.ndarray, x: np.ndarray, y: np.ndarray, vpath: np.ndarray):
    """Twice each ring's signed area by the spec's formula (y down; 0 for other paths), and the
    vertices with the rings turned where needed so that exteriors have a positive area and holes a
    negative one. A turned ring keeps its first vertex, as shapely's ``orient`` keeps it."""
    counts, start = _starts(vpath, len(kind))
    at = np.arange(len(x))
    following = np.where(_is_last(vpath), start[vpath], at + 1)
    area = np.bincount(vpath, weights=x * y[following] - x[following] * y, minlength=len(kind))
    area = np.where(kind >= _OUTER, area, 0)
    turn = ((kind == _OUTER) & (area < 0)) | ((kind == _INNER) & (area > 0))
    j, n = at - start[vpath], counts[vpath]
    source = start[vpath] + np.where(turn[vpath], (n - j) % n, j)
    return area, x[source], y[source]


def _dedupe(kind: np.ndarray, x: np.ndarray, y: np.ndarray, vpath: np.ndarray):
    """The vertices but those the grid put on the one before (or, in a ring, on its first, where
    ClosePath goes back to); a multipoint keeps every point, as ST_AsMVT keeps them."""
    repeat = ~(_first(x) | _first(y) | _first(vpath))
    x, y, vpath = _keep(~(repeat & (kind[vpath] != _DOTS)), x, y, vpath)
    _, start = _starts(vpath, len(kind))
    first = start[vpath]
    back = (kind[vpath] >= _OUTER) & _is_last(vpath) & (x == x[first]) & (y == y[first])
    return _keep(~back, x, y, vpath)


def _valid(kind: np.ndarray, area: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Which paths the grid left whole: a line needs 2 vertices, a ring 3 and some area (the spec
    tells exteriors from holes by the sign of their area); a polygon whose exterior collapsed goes
    with its holes."""
    ok = np.where(kind == _LINE, counts >= 2, counts >= 1)
    ok &= (kind < _OUTER) | ((counts >= 3) & (area != 0))
    # A hole's exterior is the last path before it that is not a hole.
    path = np.arange(len(kind))
    owner = np.maximum.accumulate(np.where(kind == _INNER, 0, path))
    return ok & ok[owner]


def _commands(kind: np.ndarray, feature: np.ndarray, x: np.ndarray, y: np.ndarray, vpath: np.ndarray):
    """The command integers of all paths in one array, and for each feature its first path and
    where its commands begin and end in the array."""
    counts, vstart = _starts(vpath, len(kind))
    dots = kind == _DOTS
    # MoveTo and its pair, LineTo and the other pairs, ClosePath; or for points one MoveTo for all.
    length = 2 * counts + np.where(dots, 1, np.where(kind == _LINE, 2, 3))
    end = np.cumsum(length)
    start = end - length
    out = np.empty(int(end[-1]) if len(end) else 0, dtype=np.int64)
    out[start] = _MOVE_TO | (np.where(dots, counts, 1) << 3)
    out[start[~dots] + 3] = _LINE_TO | ((counts[~dots] - 1) << 3)
    out[end[kind >= _OUTER] - 1] = _CLOSE_PATH | (1 << 3)
    # Each feature starts from (0, 0); within one, the cursor runs on from one part to the next.
    fresh = _first(feature[vpath])
    dx, dy = x.copy(), y.copy()
    dx[1:] -= x[:-1]
    dy[1:] -= y[:-1]
    dx[fresh], dy[fresh] = x[fresh], y[fresh]
    j = np.arange(len(x)) - vstart[vpath]
    at = start[vpath] + 1 + 2 * j + ((j > 0) & ~dots[vpath])
    out[at], out[at + 1] = _zigzag(dx), _zigzag(dy)
    head = np.flatnonzero(_first(feature))
    begin = start[head]  # a feature's paths follow one another: it ends where the next begins
    return out, head, begin, np.append(begin, len(out))[1:]


def _zigzag(n: np.ndarray) -> np.ndarray:
    """Signed to unsigned, small magnitudes to small numbers: 0, -1, 1, -2 → 0, 1, 2, 3."""
    return (n << 1) ^ (n >> 63)
