"""Import tests' material: the county code they import into, two communities side by side, a
layer written in any format the importer reads, rows of incidents, and what a county holds."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, box

from geodata.io import imports as io
from geodata.model import County

CODE = "990002"
WEST, EAST = box(114.00, 22.50, 114.01, 22.52), box(114.01, 22.50, 114.02, 22.52)


def write_layer(frame: gpd.GeoDataFrame, fmt: str, folder, name: str = "layer"):
    """Write ``frame`` as ``fmt`` into ``folder``; return the path."""
    if fmt == "zip":
        shp = folder / f"{name}_shp"
        shp.mkdir(exist_ok=True)
        frame.to_file(shp / f"{name}.shp", engine="pyogrio", encoding="UTF-8")
        path = folder / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as z:
            for part in shp.iterdir():
                z.write(part, part.name)
        return path
    if fmt == "csv":
        path = folder / f"{name}.csv"
        table = pd.DataFrame(frame.drop(columns="geometry"))
        if (frame.geom_type == "Point").all():
            table["lon"], table["lat"] = frame.geometry.x, frame.geometry.y
        else:
            table["wkt"] = frame.geometry.to_wkt()
        table.to_csv(path, index=False)
        return path
    path = folder / f"{name}.{fmt}"
    frame.to_file(path, engine="pyogrio")
    return path


def row_counts(store, county_id):
    return {t: store.count(county_id, t) for t in ("zone", "segment", "incident", "unit")}


def incident_rows(points, categories=None, times=None):
    n = len(points)
    return gpd.GeoDataFrame(
        {
            "category": categories or ["parking"] * n,
            "reported_at": times or ["2026-03-01T09:00:00+08:00"] * n,
        },
        geometry=[Point(p) for p in points],
        crs=4326,
    )


# A small street grid: 福华路 is crossed by 金田路 (no shared vertex) and met by 益田路 (a T), and
# passes under the bridge 高架桥, which must not cut it. 3 + 2 + 1 + 1 = 7 segments.
STREETS = gpd.GeoDataFrame(
    {
        "name": ["福华路", "金田路", "益田路", "高架桥"],
        "highway": ["primary", "secondary", "tertiary", "primary"],
        "bridge": [None, None, None, "yes"],
    },
    geometry=[
        LineString([(114.000, 22.505), (114.020, 22.505)]),
        LineString([(114.010, 22.500), (114.010, 22.510)]),
        LineString([(114.015, 22.505), (114.015, 22.515)]),
        LineString([(114.005, 22.500), (114.005, 22.510)]),
    ],
    crs=4326,
)


def streets_county(store, folder) -> County:
    """The test county with the street grid (imported from a GeoJSON file written in ``folder``),
    whose hull became its extent."""
    io.create_county(store, CODE, "测试县")
    io.import_streets(store, CODE, write_layer(STREETS, "geojson", folder, "streets"))
    return store.get_county(CODE)
