"""Reading geo files for the importers: format, CRS and the per-row geometry checks (DESIGN §5, §8).

Every reader returns geometries in EPSG:4326 or refuses the file with an InvalidFile or
InvalidGeometry whose message names the file and, for a bad row, the row.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from geodata.errors import InvalidFile, InvalidGeometry, InvalidInput
from geodata.geo.geometry import EXTENT_MARGIN_DEG, check_geometry, utm_epsg_for
from geodata.io.reasons import NO_GEOMETRY, NOT_FINITE, from_error, outside_reason, wrong_type
from geodata.model import County
from geodata.stores.store import Store

FORMATS = "GeoJSON, GeoPackage, zipped Shapefile, OSM PBF or CSV"
LON_COLUMNS = ("lon", "lng", "longitude", "x")
LAT_COLUMNS = ("lat", "latitude", "y")
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom")
# At most this many refused rows are spelled out in one message; the rest are counted.
MAX_ROWS_NAMED = 5


@dataclass
class ImportSummary:
    """What one import did, for the CLI and the API to print."""

    source: str
    layer: str
    read: int = 0
    stored: int = 0
    repaired: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rows left out on purpose, with why
    overlaps: list[str] = field(default_factory=list)  # stored though they overlap (--allow-overlap)

    def lines(self) -> list[str]:
        out = [f"{self.source}: read {self.read}, stored {self.stored} {self.layer}"]
        out += [f"  repaired {r}" for r in self.repaired]
        out += [f"  skipped {s}" for s in self.skipped]
        out += [f"  overlap: {o}" for o in self.overlaps]
        return out


class NoCrs(InvalidFile):
    """A file that declares no CRS (or says it is lon/lat) whose coordinates are not lon/lat."""

    code = "no_crs"


def file_format(path: Path) -> str:
    """The reader for ``path`` by its name: geojson, gpkg, shapefile, osm or csv."""
    name = path.name.lower()
    for fmt, endings in (
        ("geojson", (".geojson", ".json")),
        ("gpkg", (".gpkg",)),
        ("shapefile", (".zip", ".shp")),
        ("osm", (".osm.pbf", ".pbf", ".osm")),
        ("csv", (".csv",)),
    ):
        if name.endswith(endings):
            return fmt
    raise InvalidFile(f"{path.name} 不是 {FORMATS} 文件", en=f"{path.name} is not a {FORMATS} file")


def open_checked(path: str | Path) -> tuple[Path, str]:
    """The path and its format, refusing a missing, empty or unknown file."""
    path = Path(path)
    fmt = file_format(path)
    if not path.is_file():
        raise InvalidFile(f"{path} 不存在或不是文件", en=f"{path} does not exist or is not a file")
    if path.stat().st_size == 0:
        raise InvalidFile(f"{path.name} 是空文件", en=f"{path.name} is empty")
    return path, fmt


def parse_crs(crs: str | int | None) -> CRS | None:
    """The CRS a user declared with --crs, or None."""
    if crs is None or crs == "":
        return None
    try:
        return CRS.from_user_input(crs)
    except CRSError:
        raise InvalidInput(
            f"--crs {crs!r} 不是坐标系：请写作 EPSG:N",
            en=f"--crs {crs!r} is not a CRS; write it as EPSG:N",
            field="crs",
        ) from None


def read_frame(path: str | Path, crs: str | int | None = None) -> tuple[gpd.GeoDataFrame, str]:
    """Read a whole file into a GeoDataFrame in EPSG:4326; return it and the file's format."""
    path, fmt = open_checked(path)
    if fmt == "csv":
        frame = frame_from_csv(pd.read_csv(path, dtype=str, keep_default_na=False), path.name)
    else:
        frame = _read_ogr(path, fmt)
    if len(frame) == 0:
        raise InvalidFile(f"{path.name} 是空的：没有要素", en=f"{path.name} is empty: it has no features")
    return to_lonlat(frame, path.name, parse_crs(crs), fmt), fmt


def _read_ogr(path: Path, fmt: str) -> gpd.GeoDataFrame:
    layer = "lines" if fmt == "osm" else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return pyogrio.read_dataframe(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        reason = str(exc).split(";")[0]
        raise InvalidFile(
            f"{path.name} 无法按 {fmt} 读取：{reason}", en=f"{path.name} could not be read as {fmt}: {reason}"
        ) from None


def frame_from_csv(table: pd.DataFrame, name: str) -> gpd.GeoDataFrame:
    """Points from lon/lat columns, else geometries from a WKT column (as our CSV export writes)."""
    columns = {c.lower().strip(): c for c in table.columns}
    lon = next((columns[c] for c in LON_COLUMNS if c in columns), None)
    lat = next((columns[c] for c in LAT_COLUMNS if c in columns), None)
    if lon and lat:
        x = pd.to_numeric(table[lon].replace("", "nan"), errors="coerce").to_numpy(float)
        y = pd.to_numeric(table[lat].replace("", "nan"), errors="coerce").to_numpy(float)
        geoms = shapely.points(x, y)
        return gpd.GeoDataFrame(table.drop(columns=[lon, lat]), geometry=geoms, crs=None)
    wkt = next((columns[c] for c in WKT_COLUMNS if c in columns), None)
    if wkt is None:
        raise InvalidFile(
            f"{name} 没有 lon 和 lat 列，也没有 WKT 几何列",
            en=f"{name} has no lon and lat columns and no WKT geometry column",
        )
    try:
        geoms = shapely.from_wkt(table[wkt].replace("", None).to_numpy(object))
    except shapely.errors.GEOSException as exc:
        raise InvalidFile(
            f"{name}：列 {wkt!r} 不是 WKT（{exc}）", en=f"{name}: column {wkt!r} is not WKT ({exc})"
        ) from None
    return gpd.GeoDataFrame(table.drop(columns=[wkt]), geometry=geoms, crs=None)


def is_lonlat_crs(crs: CRS) -> bool:
    return crs.to_epsg() == 4326 or crs.equals(CRS.from_user_input("OGC:CRS84"))


def to_lonlat(frame: gpd.GeoDataFrame, name: str, declared: CRS | None, fmt: str = "") -> gpd.GeoDataFrame:
    """Reproject ``frame`` to EPSG:4326 from the declared CRS, else the file's, else refuse when
    its coordinates cannot be longitude/latitude."""
    source = declared or frame.crs
    if source is None or (is_lonlat_crs(source) and declared is None):
        if not _mostly_lonlat(frame.geometry.values):
            said = "has no CRS" if source is None or fmt == "geojson" else "says it is EPSG:4326"
            said_zh = "没有声明坐标系" if source is None or fmt == "geojson" else "声明为 EPSG:4326"
            raise NoCrs(
                f"{name} {said_zh}，但其坐标不是经纬度：请用 --crs EPSG:N 声明",
                en=f"{name} {said} and its coordinates are not longitude/latitude; declare it with --crs EPSG:N",
            )
        return frame.set_crs(4326, allow_override=True)
    frame = frame.set_crs(source, allow_override=True)
    if is_lonlat_crs(source):
        return frame
    with np.errstate(invalid="ignore"):
        return frame.to_crs(4326)


def _mostly_lonlat(geoms: np.ndarray) -> bool:
    """True when at least half of the rows with finite coordinates lie in lon/lat range."""
    bounds = shapely.bounds(geoms)
    finite = np.isfinite(bounds).all(axis=1)
    if not finite.any():
        return True  # nothing to judge by; the row checks will name the bad rows
    b = bounds[finite]
    ok = (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)
    return ok.mean() >= 0.5


def iter_point_frames(
    path: str | Path, crs: str | int | None = None, chunk_rows: int = 100_000
) -> Iterator[gpd.GeoDataFrame]:
    """Read a point file in chunks of ``chunk_rows`` (a CSV streams; other formats are read
    whole and handed out in slices), each in EPSG:4326."""
    path, fmt = open_checked(path)
    declared = parse_crs(crs)
    if fmt != "csv":
        frame, _ = read_frame(path, crs)
        for start in range(0, len(frame), chunk_rows):
            yield frame.iloc[start : start + chunk_rows]
        return
    seen = 0
    reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunk_rows)
    for table in reader:
        table.index = pd.RangeIndex(seen, seen + len(table))
        seen += len(table)
        yield to_lonlat(frame_from_csv(table, path.name), path.name, declared, fmt)
    if seen == 0:
        raise InvalidFile(f"{path.name} 是空的：没有数据行", en=f"{path.name} is empty: it has no rows")


def row_label(position: int, label: object = None) -> str:
    """How a message names a row: its 1-based number in the file, and its name when it has one."""
    text = f"row {position + 1}"
    if label is not None and str(label) not in ("", "nan", "None"):
        text += f" ({label})"
    return text


def check_rows(
    geoms: np.ndarray,
    types: tuple[str, ...],
    extent: BaseGeometry | None,
    labels: Sequence[str],
    source: str,
) -> tuple[np.ndarray, list[str]]:
    """Check every geometry (vectorised; make_valid only for the invalid ones): return the
    geometries, repaired where allowed, and the repair notes. Refuse the lot, naming the rows,
    when any row fails."""
    geoms, notes, problems = row_problems(geoms, types, extent, labels)
    if problems:
        refused = refused_lines(labels, problems)
        raise InvalidGeometry(
            refusal_message_zh(source, len(geoms), refused),
            en=refusal_message(source, len(geoms), refused),
            refused=refused,
        )
    return geoms, notes


def refused_lines(labels: Sequence[str], problems: dict[int, str]) -> list[str]:
    """Each refused row as a message names it: ``row 3 (福华路): it has no geometry``."""
    return [f"{labels[i]}: {problems[i]}" for i in sorted(problems)]


def row_problems(
    geoms: np.ndarray, types: tuple[str, ...], extent: BaseGeometry | None, labels: Sequence[str]
) -> tuple[np.ndarray, list[str], dict[int, str]]:
    """``check_rows`` without the refusal: the geometries (repaired where allowed), the repair
    notes, and row position → what is wrong (a ``Reason``, both languages), for the rows that
    cannot be stored."""
    geoms = np.asarray(geoms, dtype=object).copy()
    problems = _vector_problems(geoms, types, extent)
    notes = []
    for i in np.flatnonzero(~shapely.is_valid(geoms)):
        if i in problems:
            continue
        try:
            geoms[i], note = check_geometry(geoms[i], types)
            notes.append(f"{labels[i]}: {note}")
        except InvalidGeometry as exc:
            problems[i] = from_error(exc)  # named in English in messages (see refusal_message)
    return geoms, notes, problems


def refusal_message(source: str, total: int, refused: list[str]) -> str:
    named = "; ".join(refused[:MAX_ROWS_NAMED])
    more = f"; and {len(refused) - MAX_ROWS_NAMED} more" if len(refused) > MAX_ROWS_NAMED else ""
    return f"{source}: {len(refused)} of {total} rows refused, nothing stored: {named}{more}"


def refusal_message_zh(source: str, total: int, refused: list[str]) -> str:
    """``refusal_message`` in Chinese (the rows' reasons stay as they are, in English)."""
    named = "; ".join(refused[:MAX_ROWS_NAMED])
    more = f"；另有 {len(refused) - MAX_ROWS_NAMED} 行" if len(refused) > MAX_ROWS_NAMED else ""
    return f"{source}：{total} 行中有 {len(refused)} 行被拒绝，未保存任何数据：{named}{more}"


def _vector_problems(
    geoms: np.ndarray, types: tuple[str, ...], extent: BaseGeometry | None
) -> dict[int, str]:
    """Row index → reason, for the checks that need no repair."""
    problems: dict[int, str] = {}
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(missing):
        problems[i] = NO_GEOMETRY
    kinds = shapely.get_type_id(geoms)
    wanted = [shapely.GeometryType[t.upper()].value for t in _with_multi(types)]
    for i in np.flatnonzero(~missing & ~np.isin(kinds, wanted)):
        problems[i] = wrong_type(geoms[i].geom_type, types)
    bounds = shapely.bounds(geoms)
    finite = _finite_rows(geoms)
    for i in np.flatnonzero(~missing & ~finite):
        problems.setdefault(i, NOT_FINITE)
    lonlat = (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180)
    lonlat &= (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    inside = np.ones(len(geoms), dtype=bool)
    if extent is not None:
        area = extent.buffer(EXTENT_MARGIN_DEG)
        shapely.prepare(area)
        inside = shapely.intersects(area, geoms)
        outside = np.flatnonzero(~missing & finite & ~inside)
        swapped = shapely.intersects(area, shapely.transform(geoms[outside], lambda xy: xy[:, ::-1]))
        for i, is_swapped in zip(outside, swapped, strict=True):
            problems.setdefault(i, outside_reason(geoms[i], bool(is_swapped), bool(lonlat[i])))
    for i in np.flatnonzero(~missing & finite & ~lonlat):
        problems.setdefault(i, outside_reason(geoms[i], False, False))
    return problems


def _with_multi(types: tuple[str, ...]) -> tuple[str, ...]:
    # The importers explode multi-parts themselves where they want single parts.
    singles = [t for t in types if t in ("Polygon", "LineString")]
    return tuple(types) + tuple("Multi" + t for t in singles if "Multi" + t not in types)


def _finite_rows(geoms: np.ndarray) -> np.ndarray:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = np.unique(index[~np.isfinite(coords).all(axis=1)])
    finite = np.ones(len(geoms), dtype=bool)
    finite[bad] = False
    return finite


def text_value(value: object) -> str:
    """One text from a field that GDAL may read as a list (OSM ways merged by OSMnx): joined by '/'."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | np.ndarray):
        return "/".join(dict.fromkeys(text_value(v) for v in value if text_value(v)))
    if isinstance(value, float) and not np.isfinite(value):
        return ""
    return str(value).strip()


def text_column(frame: pd.DataFrame, column: str | None) -> list[str]:
    if column is None or column not in frame.columns:
        return [""] * len(frame)
    return [text_value(v) for v in frame[column].to_numpy(object)]


def require_field(frame: pd.DataFrame, column: str, source: str, option: str = "") -> None:
    """Refuse a file lacking ``column``, listing the fields it does have."""
    if column in frame.columns:
        return
    fields = ", ".join(c for c in frame.columns if c != frame.geometry.name) or "none"
    how = f"; name the right one with {option}" if option else ""
    how_zh = f"；请用 {option} 指定正确的字段" if option else ""
    raise InvalidFile(
        f"{source} 没有 {column!r} 字段{how_zh}（已有字段：{fields}）",
        en=f"{source} has no {column!r} field{how} (its fields: {fields})",
    )


def ensure_extent(store: Store, county: County, geoms: np.ndarray) -> County:
    """Give a county without an extent the convex hull of its first imported data, and the UTM
    zone of the hull's centre, so later imports are checked against it and measured in it."""
    if county.extent is not None and county.utm_epsg is not None:
        return county
    extent = county.extent
    if extent is None:
        extent = shapely.convex_hull(shapely.geometrycollections(list(geoms)))
        if extent.geom_type != "Polygon":  # collinear data: a hull that is still a polygon
            extent = extent.buffer(1e-4)
    centre = extent.centroid
    county = replace(county, extent=extent, utm_epsg=county.utm_epsg or utm_epsg_for(centre.x, centre.y))
    return store.update_county(county)


def resolve_county(store: Store, county: str | County) -> County:
    """The stored county for an admin code (or a fresh copy of a County)."""
    code = county.code if isinstance(county, County) else str(county)
    return store.get_county(code)


def count_rows(path: str | Path) -> int | None:
    """How many rows a file holds, cheaply (lines of a CSV less its header), or None if unknown."""
    path, fmt = open_checked(path)
    if fmt == "csv":
        with path.open("rb") as f:
            lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
        return max(lines - 1, 0)
    try:
        features = pyogrio.read_info(path, layer="lines" if fmt == "osm" else None)["features"]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None
    return features if features >= 0 else None
