"""A layer as a zipped ESRI Shapefile: ``.shp``/``.shx``/``.dbf``/``.prj`` and a ``.cpg`` saying
UTF-8, so QGIS and ArcGIS read the Chinese names right, plus ``fields.csv`` beside them: a dBASE
field name holds at most 10 characters, so each column gets a short name (unique, always the same
for the same columns) and ``fields.csv`` says which column each is (short name, full name, Chinese
label). A text longer than a dBASE field's 254 bytes is cut there, at a character's end."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from shapely.geometry.base import BaseGeometry

MAX_FIELD = 10
MAX_TEXT_BYTES = 254  # a dBASE character field
PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
MAPPING = "fields.csv"
MAPPING_HEADER = ("short_name", "full_name", "label_zh")


def short_names(columns: Iterable[str]) -> dict[str, str]:
    """Each column's dBASE name: its first 10 characters, or, when an earlier column took those,
    its first characters and ``_2``, ``_3``… (case-insensitively unique, as dBASE compares)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        short, n = column[:MAX_FIELD], 1
        while short.lower() in taken:
            n += 1
            suffix = f"_{n}"
            short = column[: MAX_FIELD - len(suffix)] + suffix
        taken.add(short.lower())
        names[column] = short
    return names


def mapping_csv(names: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """``fields.csv``: one row per column (short name, full name, Chinese label), UTF-8 with a BOM."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(MAPPING_HEADER)
    for full, short in names.items():
        writer.writerow((short, full, labels.get(full, "")))
    return out.getvalue()


def fit_text(value):
    """A text cut to a dBASE field's 254 bytes of UTF-8, never inside a character; else as it is."""
    if not isinstance(value, str) or len(value) * 4 <= MAX_TEXT_BYTES:
        return value
    return value.encode("utf-8")[:MAX_TEXT_BYTES].decode("utf-8", errors="ignore")


def _fitted(props: pd.DataFrame) -> pd.DataFrame:
    texts = [
        c
        for c in props.columns
        if pd.api.types.is_object_dtype(props[c]) or pd.api.types.is_string_dtype(props[c])
    ]
    return props.assign(**{c: props[c].map(fit_text) for c in texts}) if texts else props


def write_shapefile(
    path: Path,
    layer: str,
    batches: Iterator[tuple[pd.DataFrame, np.ndarray]],
    labels: Mapping[str, str],
    geometry_type: str,
) -> Iterator[int]:
    """Write the batches as ``layer.shp`` and its parts into the zip at ``path``, yielding the
    count written after each batch (the zip itself is made after the last). ``geometry_type``
    (Point, MultiLineString, MultiPolygon) is the file's, so an empty layer has one too."""
    done, first = 0, True
    names: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="shp-") as folder:
        shp = Path(folder) / f"{layer}.shp"
        for props, geoms in batches:
            names = names or short_names(props.columns)
            frame = gpd.GeoDataFrame(_fitted(props).rename(columns=names), geometry=geoms, crs=4326)
            pyogrio.write_dataframe(frame, shp, driver="ESRI Shapefile", append=not first,
                                    geometry_type=geometry_type, promote_to_multi=geometry_type != "Point",
                                    layer_options={"ENCODING": "UTF-8"})  # fmt: skip
            done, first = done + len(frame), False
            yield done
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for suffix in PARTS:
                part = shp.with_suffix(suffix)
                if part.exists():
                    archive.write(part, part.name)
            archive.writestr(MAPPING, mapping_csv(names, labels))
    yield done


def shapefile_zip(
    layer: str,
    rows: Sequence[Sequence],
    columns: Sequence[str],
    geoms: Sequence[BaseGeometry],
    labels: Mapping[str, str],
    geometry_type: str,
) -> bytes:
    """Rows already made (texts and numbers, ``columns`` naming them) as the bytes of a zipped
    Shapefile: for a download (the cases list's filtered cases)."""
    props = pd.DataFrame(list(rows), columns=list(columns))
    with tempfile.TemporaryDirectory(prefix="shp-zip-") as folder:
        path = Path(folder) / f"{layer}.zip"
        for _ in write_shapefile(
            path, layer, iter([(props, np.asarray(geoms, dtype=object))]), labels, geometry_type
        ):
            pass
        return path.read_bytes()
