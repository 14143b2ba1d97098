"""Streets into road segments (路段): read, check, split at intersections, measure, store."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import substring

from geodata.errors import InvalidGeometry
from geodata.geo.geometry import LINEAR, lengths_m
from geodata.io.read import (
    ImportSummary,
    check_rows,
    ensure_extent,
    read_frame,
    refused_lines,
    require_field,
    resolve_county,
    row_label,
    row_problems,
    text_column,
)
from geodata.io.reasons import skipped_line
from geodata.model import County, Segment
from geodata.stores.store import Store

# Cut points closer than this to a line's end, or to each other, are one point (degrees, ~0.1 mm).
CUT_EPS_DEG = 1e-9
SOURCE_ID_FIELDS = ("osmid", "osm_id", "id", "fid")
ON_GROUND = ("", "no", "0", "false")
STORE_BATCH = 5_000

Progress = Callable[[int, int | None], None]


def read_streets(path: str | Path, crs: str | int | None = None) -> tuple[gpd.GeoDataFrame, ImportSummary]:
    """A street file's roads (an OSM extract's lines less those that are no road) and the summary
    of its import begun; refuses a file with no ``name`` field."""
    frame, fmt = read_frame(path, crs)
    summary = ImportSummary(source=Path(path).name, layer="segments", read=len(frame))
    if fmt == "osm":
        frame = _osm_roads(frame, summary)
    require_field(frame, "name", summary.source)
    return frame, summary


def street_labels(frame: gpd.GeoDataFrame) -> list[str]:
    return [row_label(i, n) for i, n in enumerate(text_column(frame, "name"))]


def import_streets(
    store: Store,
    county: str | County,
    path: str | Path,
    crs: str | int | None = None,
    progress: Progress | None = None,
    skip_refused: bool = False,
) -> ImportSummary:
    """Import a street file as road segments split at intersections, in one transaction.

    Keeps ``name`` and ``highway``; ``length_m`` is measured in the county's UTM zone. A county
    with no extent yet takes the streets' convex hull as its extent. A refused row refuses the
    file, unless ``skip_refused``, when the others are stored."""
    frame, summary = read_streets(path, crs)
    labels = street_labels(frame)
    with store.transaction():
        county = resolve_county(store, county)
        if skip_refused:
            geoms, summary.repaired, problems = row_problems(
                frame.geometry.values, LINEAR, county.extent, labels
            )
        else:
            geoms, summary.repaired = check_rows(
                frame.geometry.values, LINEAR, county.extent, labels, summary.source
            )
            problems = {}
        keep = np.asarray([i for i in range(len(geoms)) if i not in problems], dtype=np.int64)
        if problems:
            summary.skipped.append(skipped_line(refused_lines(labels, problems), summary.read))
        if not len(keep):
            raise InvalidGeometry(
                f"{summary.source}：{summary.read} 行全部被拒绝，没有可保存的道路",
                en=f"{summary.source}: all {summary.read} rows were refused; there is no street to store",
            )
        county = ensure_extent(store, county, geoms[keep])
        frame = gpd.GeoDataFrame(frame.iloc[keep].drop(columns=frame.geometry.name), geometry=geoms[keep])
        segments = _segments(county, frame.explode(index_parts=False).reset_index(drop=True))
        summary.stored = _store_segments(store, segments, progress)
    return summary


def _segments(county: County, lines: gpd.GeoDataFrame) -> list[Segment]:
    geoms = lines.geometry.to_numpy(object)
    parts, owner = split_at_intersections(geoms, elevated(lines))
    lengths = lengths_m(parts, county.utm_epsg)
    names = np.asarray(text_column(lines, "name"), dtype=object)[owner]
    classes = np.asarray(text_column(lines, "highway"), dtype=object)[owner]
    id_field = next((f for f in SOURCE_ID_FIELDS if f in lines.columns), None)
    source_ids = np.asarray(text_column(lines, id_field), dtype=object)[owner]
    return [
        Segment(county.id, str(n), g, highway=str(h), length_m=float(m), source_id=str(s))
        for n, g, h, m, s in zip(names, parts, classes, lengths, source_ids, strict=True)
    ]


def _store_segments(store: Store, segments: list[Segment], progress: Progress | None) -> int:
    stored = 0
    for start in range(0, len(segments), STORE_BATCH):
        stored += len(store.add_segments(segments[start : start + STORE_BATCH]))
        if progress:
            progress(stored, len(segments))
    return stored


def elevated(lines: gpd.GeoDataFrame) -> np.ndarray:
    """True for bridges and tunnels (and any ``layer`` other than 0): they cross roads unjoined."""
    lifted = np.zeros(len(lines), dtype=bool)
    for column in ("bridge", "tunnel", "layer"):
        values = np.asarray([v.lower() for v in text_column(lines, column)], dtype=object)
        lifted |= ~np.isin(values, ON_GROUND)
    return lifted


def split_at_intersections(
    lines: np.ndarray, lifted: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut each line where another line meets or crosses it; return the parts and, for each part,
    the index of the line it came from. A bridge or tunnel is cut only where a line ends on it."""
    lines = np.asarray(lines, dtype=object)
    lifted = np.zeros(len(lines), dtype=bool) if lifted is None else np.asarray(lifted)
    owner, cut_at = _cut_points(lines, lifted)
    parts, parents = [], []
    by_line = np.argsort(owner, kind="stable")
    owner, cut_at = owner[by_line], cut_at[by_line]
    starts = np.searchsorted(owner, np.arange(len(lines) + 1))
    for i, line in enumerate(lines):
        pieces = _cut(line, cut_at[starts[i] : starts[i + 1]])
        parts += pieces
        parents += [i] * len(pieces)
    return np.asarray(parts, dtype=object), np.asarray(parents, dtype=np.int64)


def _cut_points(lines: np.ndarray, lifted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(line index, distance along it) of every point where the line must be cut."""
    left, right = shapely.STRtree(lines).query(lines, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    coords, pair = shapely.get_coordinates(shapely.intersection(lines[left], lines[right]), return_index=True)
    a, b = left[pair], right[pair]
    junction = ~(lifted[a] | lifted[b]) | _is_end(lines, a, coords) | _is_end(lines, b, coords)
    coords, a, b = coords[junction], a[junction], b[junction]
    owner = np.concatenate([a, b])
    points = shapely.points(np.concatenate([coords, coords]))
    along = shapely.line_locate_point(lines[owner], points)
    inner = (along > CUT_EPS_DEG) & (along < shapely.length(lines[owner]) - CUT_EPS_DEG)
    return owner[inner], along[inner]


def _is_end(lines: np.ndarray, which: np.ndarray, coords: np.ndarray) -> np.ndarray:
    first = shapely.get_coordinates(shapely.get_point(lines[which], 0))
    last = shapely.get_coordinates(shapely.get_point(lines[which], -1))
    near = lambda end: (np.abs(end - coords) <= CUT_EPS_DEG).all(axis=1)  # noqa: E731
    return near(first) | near(last)


def _cut(line, distances: np.ndarray) -> list:
    if len(distances) == 0:
        return [line]
    marks = np.unique(distances)
    marks = marks[np.concatenate([[True], np.diff(marks) > CUT_EPS_DEG])]
    bounds = np.concatenate([[0.0], marks, [line.length]])
    return [substring(line, d0, d1) for d0, d1 in zip(bounds[:-1], bounds[1:], strict=True)]


def _osm_roads(frame: gpd.GeoDataFrame, summary: ImportSummary) -> gpd.GeoDataFrame:
    """The OSM driver's ``lines`` layer less what is not a road; bridge, tunnel and layer come
    out of ``other_tags``."""
    roads = frame[frame["highway"].notna() & (frame["highway"] != "")].copy()
    if len(roads) < len(frame):
        summary.skipped.append(f"{len(frame) - len(roads)} OSM lines without a highway tag")
    tags = roads["other_tags"].fillna("") if "other_tags" in roads else [""] * len(roads)
    for key in ("bridge", "tunnel", "layer"):
        pattern = re.compile(rf'"{key}"=>"([^"]*)"')
        roads[key] = [m.group(1) if (m := pattern.search(t)) else "" for t in tags]
    return roads
