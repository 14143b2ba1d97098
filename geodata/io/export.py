"""Export a county's zones, segments or incidents to GeoJSON, GeoPackage, CSV or a zipped
Shapefile (geodata/io/shapefile.py), in batches so a million incidents never sit in memory at once.

GeoJSON and GeoPackage keep the columns' codes and UTC times, for GIS tools. A CSV is for people
opening it in Excel: the county's wall-clock times, a BOM so Excel reads UTF-8, and Chinese headers
(``lang="en"``: the codes as headers, times in ISO 8601 with the county's offset)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata.errors import InvalidFile, InvalidInput
from geodata.io.read import resolve_county
from geodata.io.shapefile import write_shapefile
from geodata.model import COUNTY_TZ, County
from geodata.stores.store import Store

LAYERS = ("zones", "segments", "incidents")
WRITERS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv", ".zip": "shapefile"}
GEOMETRY_TYPES = {"zones": "MultiPolygon", "segments": "MultiLineString", "incidents": "Point"}
BATCH = 20_000
LANGS = ("zh", "en")
CSV_HEADERS_ZH = {
    "id": "编号", "kind": "类型", "code": "编码", "name": "名称", "parent_id": "上级编号",
    "area_m2": "面积（平方米）", "tier": "等次", "titles": "称号", "highway": "道路等级",
    "length_m": "长度（米）", "source_id": "来源编号", "category": "类别代码", "category_name": "类别",
    "status": "状态代码", "reported_at": "上报时间", "source": "来源", "description": "描述",
    "zone_id": "区域编号", "zone_name": "所在区域", "segment_id": "路段编号", "unit_id": "单位编号",
    "unit_name": "责任单位", "lon": "经度", "lat": "纬度", "wkt": "几何（WKT）",
}  # fmt: skip
TIME_COLUMNS = ("reported_at",)

Progress = Callable[[int, int | None], None]
Batch = tuple[pd.DataFrame, np.ndarray]  # properties, geometries


@dataclass
class ExportSummary:
    path: str
    layer: str
    written: int = 0

    def lines(self) -> list[str]:
        return [f"wrote {self.written} {self.layer} to {self.path}"]


def export_layer(
    store: Store,
    county: str | County,
    layer: str,
    path: str | Path,
    progress: Progress | None = None,
    lang: str = "zh",
) -> ExportSummary:
    """Write one layer of a county to ``path``; the format follows the file's extension (CSV gets
    lon and lat columns for points, a WKT column for lines and polygons, and its headers in
    ``lang``)."""
    path = Path(path)
    if lang not in LANGS:
        raise InvalidInput(f"未知的语言 {lang!r}：可选 zh、en", en=f"unknown language {lang!r}: choose zh or en",
                           field="lang")  # fmt: skip
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise InvalidFile(
            f"{path.name}：导出只能写 .geojson、.gpkg、.csv 或 .zip（Shapefile）文件",
            en=f"{path.name}: export writes .geojson, .gpkg, .csv or .zip (Shapefile) files",
        )
    if layer not in LAYERS:
        raise InvalidInput(
            f"未知的图层 {layer!r}：可选 zones、segments 或 incidents",
            en=f"Unknown layer {layer!r}: choose zones, segments or incidents",
            field="layer",
        )
    if not path.parent.is_dir():
        raise InvalidFile(f"文件夹 {path.parent} 不存在", en=f"The folder {path.parent} does not exist")
    county = resolve_county(store, county)
    total = store.count(county.id, {"zones": "zone", "segments": "segment"}.get(layer, "incident"))
    batches = BATCHES[layer](store, county)
    summary = ExportSummary(str(path), layer)
    path.unlink(missing_ok=True)
    write = {"geojson": _write_geojson, "gpkg": _write_gpkg, "csv": _write_csv, "shapefile": _write_shp}[
        writer
    ]
    for done in write(path, layer, batches, lang):
        summary.written = done
        if progress:
            progress(done, total)
    return summary


def _zones(store: Store, county: County) -> Iterator[Batch]:
    zones = store.list_zones(county.id)
    props = pd.DataFrame(
        {
            "id": [z.id for z in zones],
            "kind": [z.kind for z in zones],
            "code": [z.code for z in zones],
            "name": [z.name for z in zones],
            "parent_id": pd.array([z.parent_id for z in zones], dtype="Int64"),
            "area_m2": [z.area_m2 for z in zones],
            "tier": [z.tier or "" for z in zones],
            "titles": [",".join(z.titles) for z in zones],
        }
    )
    yield props, np.asarray([z.geom for z in zones], dtype=object)


def _segments(store: Store, county: County) -> Iterator[Batch]:
    segments = store.list_segments(county.id)
    props = pd.DataFrame(
        {
            "id": [s.id for s in segments],
            "name": [s.name for s in segments],
            "highway": [s.highway for s in segments],
            "length_m": [s.length_m for s in segments],
            "source_id": [s.source_id for s in segments],
        }
    )
    yield props, np.asarray([s.geom for s in segments], dtype=object)


def _incidents(store: Store, county: County) -> Iterator[Batch]:
    zone_names = {z.id: z.name for z in store.list_zones(county.id)}
    unit_names = {u.id: u.name for u in store.list_units(county.id)}
    category_names = {c.code: c.name_zh for c in store.list_categories()}
    done = False  # an empty batch at the end when there was none: the writers still say the fields
    for batch in chain(store.iter_incidents(county.id, batch=BATCH), [[]]):
        if not batch and done:
            return
        done = True
        props = pd.DataFrame(
            {
                "id": [i.id for i in batch],
                "category": [i.category for i in batch],
                "category_name": [category_names.get(i.category, "") for i in batch],
                "status": [i.status for i in batch],
                "reported_at": [i.reported_at.isoformat() for i in batch],
                "source": [i.source for i in batch],
                "description": [i.description for i in batch],
                "zone_id": pd.array([i.zone_id for i in batch], dtype="Int64"),
                "zone_name": [zone_names.get(i.zone_id, "") for i in batch],
                "segment_id": pd.array([i.segment_id for i in batch], dtype="Int64"),
                "unit_id": pd.array([i.unit_id for i in batch], dtype="Int64"),
                "unit_name": [unit_names.get(i.unit_id, "") for i in batch],
            }
        )
        yield props, np.asarray([i.geom for i in batch], dtype=object)


BATCHES = {"zones": _zones, "segments": _segments, "incidents": _incidents}


def _write_geojson(path: Path, layer: str, batches: Iterator[Batch], lang: str) -> Iterator[int]:
    """RFC 7946 GeoJSON written feature by feature (no CRS member: it is always lon/lat)."""
    done = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f'{{"type": "FeatureCollection", "name": {json.dumps(layer)}, "features": [\n')
        for props, geoms in batches:
            records = props.astype(object).where(props.notna(), None).to_dict("records")
            for record, geojson in zip(records, shapely.to_geojson(geoms), strict=True):
                sep = ",\n" if done else ""
                feature = json.dumps({"type": "Feature", "properties": record}, ensure_ascii=False)
                out.write(f'{sep}{feature[:-1]}, "geometry": {geojson}}}')
                done += 1
            yield done
        out.write("\n]}\n")
    yield done


def _write_gpkg(path: Path, layer: str, batches: Iterator[Batch], lang: str) -> Iterator[int]:
    done = 0
    for props, geoms in batches:
        frame = gpd.GeoDataFrame(props, geometry=geoms, crs=4326)
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", append=done > 0)
        done += len(frame)
        yield done


def _write_shp(path: Path, layer: str, batches: Iterator[Batch], lang: str) -> Iterator[int]:
    return write_shapefile(path, layer, batches, CSV_HEADERS_ZH, GEOMETRY_TYPES[layer])


def _iso(at: pd.Timestamp) -> str:
    return at.isoformat()


def _write_csv(path: Path, layer: str, batches: Iterator[Batch], lang: str) -> Iterator[int]:
    done = 0
    for props, geoms in batches:
        props = props.copy()
        if len(geoms) and (shapely.get_type_id(geoms) == shapely.GeometryType.POINT).all():
            xy = shapely.get_coordinates(geoms)
            props["lon"], props["lat"] = xy[:, 0], xy[:, 1]
        else:
            props["wkt"] = shapely.to_wkt(geoms, rounding_precision=-1)
        for column in TIME_COLUMNS:
            if column in props:
                local = pd.to_datetime(props[column], utc=True, format="ISO8601").dt.tz_convert(COUNTY_TZ)
                props[column] = local.dt.strftime("%Y-%m-%d %H:%M:%S") if lang == "zh" else local.map(_iso)
        if lang == "zh":
            props = props.rename(columns=CSV_HEADERS_ZH)
        first = done == 0  # a BOM once, at the start: Excel then reads the file as UTF-8
        props.to_csv(path, mode="w" if first else "a", header=first, index=False,
                     encoding="utf-8-sig" if first else "utf-8")  # fmt: skip
        done += len(props)
        yield done
