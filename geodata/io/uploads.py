"""Files uploaded for import in the browser (issue #20 part 6): each kept in the instance folder's
``uploads/`` under a random name (never the name it came with, which is only shown), beside a
small JSON of what the uploader chose and what the preview found; read by the same code as the
commands (geodata/io/), previewed before anything is stored, imported by a job, then removed. An
upload not imported is removed after KEEP_FOR."""

from __future__ import annotations

import csv
import json
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geodata.errors import InvalidFile, InvalidInput, NotFound, PortalError
from geodata.io.imports import import_incidents, import_streets, import_units, import_zones
from geodata.io.preview import MAX_MAP_FEATURES, UPLOAD_KINDS, Preview, preview_file
from geodata.io.read import ImportSummary, NoCrs, file_format, parse_crs
from geodata.model import ZONE_KINDS, County
from geodata.stores.store import Store

KEEP_FOR = timedelta(days=1)
CHUNK = 1 << 20
NAME_MAX = 200  # characters of the original name kept (to show)
FIELD_MAX = 64  # a name field, a CRS
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
Progress = Callable[[int, int | None], None]


@dataclass
class Upload:
    """An uploaded file: where it is kept, whose county, what kind of import, who sent it when,
    the CRS and name field given with it, and its preview once made."""

    folder: Path
    token: str
    county_id: int
    kind: str
    original_name: str
    suffix: str
    size: int
    uploaded_by: str
    uploaded_at: str  # ISO time, UTC
    crs: str = ""
    name_field: str = ""
    preview: dict | None = None

    @property
    def path(self) -> Path:
        return self.folder / f"{self.token}{self.suffix}"

    @property
    def meta_path(self) -> Path:
        return self.folder / f"{self.token}.meta.json"

    @property
    def map_path(self) -> Path:
        return self.folder / f"{self.token}.map.json"

    def checked_preview(self) -> Preview | None:
        return Preview.from_dict(self.preview) if self.preview else None

    def save(self) -> None:
        meta = {k: v for k, v in asdict(self).items() if k != "folder"}
        self.meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def suffix_for(name: str) -> str:
    """The ending a stored upload gets, from the format its name says (refusing what no importer
    reads, and a lone .shp, whose .dbf and .shx did not come with it)."""
    fmt = file_format(Path(name))
    lower = name.lower()
    if fmt == "shapefile" and not lower.endswith(".zip"):
        raise InvalidFile(
            f"{name}：Shapefile 请打包为 zip 上传（含 .shp、.shx、.dbf 和 .prj）",
            en=f"{name}: upload a Shapefile as a zip holding its .shp, .shx, .dbf and .prj",
            field="file",
        )
    if fmt == "osm":
        return ".osm" if lower.endswith(".osm") else ".osm.pbf"
    return {"geojson": ".geojson", "gpkg": ".gpkg", "shapefile": ".zip", "csv": ".csv"}[fmt]


def check_crs(text: str) -> str:
    """A CRS given with an upload (EPSG:4547, 4547 …), or '' for none; InvalidInput naming it."""
    text = text.strip()
    if not text:
        return ""
    if len(text) > FIELD_MAX:
        raise InvalidInput("坐标系写得过长", en="The CRS is too long", field="crs")
    try:
        parse_crs(text)
    except InvalidInput:
        raise InvalidInput(
            f"{text!r} 不是坐标系：请写作 EPSG:N，如 EPSG:4547",
            en=f"{text!r} is not a CRS: write it as EPSG:N, e.g. EPSG:4547",
            field="crs",
        ) from None
    return text


def save_upload(
    folder: Path,
    stream: BinaryIO,
    original_name: str,
    county_id: int,
    kind: str,
    uploaded_by: str,
    max_bytes: int,
    crs: str = "",
    name_field: str = "",
) -> Upload:
    """Keep ``stream`` under a new random name; InvalidFile when it is empty or too large, or of
    no format an importer reads."""
    if kind not in UPLOAD_KINDS:
        raise InvalidInput(
            f"未知的导入类型 {kind!r}：可选 {'、'.join(UPLOAD_KINDS)}",
            en=f"Unknown kind of import {kind!r}: choose {', '.join(UPLOAD_KINDS)}",
            field="kind",
        )
    name = Path(original_name.replace("\\", "/")).name[-NAME_MAX:] or "upload"
    suffix = suffix_for(name)
    folder.mkdir(parents=True, exist_ok=True)
    upload = Upload(folder, secrets.token_urlsafe(16), county_id, kind, name, suffix, 0, uploaded_by,
                    datetime.now(UTC).isoformat(), check_crs(crs), name_field.strip()[:FIELD_MAX])  # fmt: skip
    try:
        with upload.path.open("xb") as out:
            while block := stream.read(CHUNK):
                upload.size += len(block)
                if upload.size > max_bytes:
                    raise InvalidFile(
                        f"{name} 超过 {max_bytes // (1 << 20)} MB", en=f"{name} is over {max_bytes // (1 << 20)} MB",
                        field="file",
                    )  # fmt: skip
                out.write(block)
        if upload.size == 0:
            raise InvalidFile(f"{name} 是空文件", en=f"{name} is empty", field="file")
    except BaseException:
        discard(upload)
        raise
    upload.save()
    return upload


def load_upload(folder: Path, county_id: int, token: str) -> Upload:
    """The county's upload ``token``; NotFound for any other (imported, expired, not there)."""
    meta = folder / f"{token}.meta.json"
    if not _TOKEN.fullmatch(token) or not meta.is_file():
        raise NotFound("找不到该上传文件：它已导入或已过期，请重新上传",
                       en="That upload is not here: it was imported or has expired; upload the file again")  # fmt: skip
    upload = Upload(folder, **json.loads(meta.read_text(encoding="utf-8")))
    if upload.county_id != county_id:
        raise NotFound("找不到该上传文件：它已导入或已过期，请重新上传",
                       en="That upload is not here: it was imported or has expired; upload the file again")  # fmt: skip
    return upload


def discard(upload: Upload) -> None:
    """Remove the upload and whatever was written beside it (its preview, its refused rows)."""
    for path in upload.folder.glob(f"{upload.token}*"):
        path.unlink(missing_ok=True)


def sweep(folder: Path, now: datetime | None = None) -> int:
    """Remove the uploads older than KEEP_FOR; how many files went."""
    if not folder.is_dir():
        return 0
    cutoff = (now or datetime.now(UTC)) - KEEP_FOR
    gone = 0
    for path in folder.iterdir():
        if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


@contextmanager
def _named(upload: Upload) -> Iterator[None]:
    """Refusals name the file as it was uploaded, not by the random name it is kept under."""
    try:
        yield
    except PortalError as exc:
        shown = upload.original_name
        for stored in (str(upload.path), upload.path.name):  # a reader's error may hold the whole path
            exc.message = exc.message.replace(stored, shown)
            exc.en = exc.en and exc.en.replace(stored, shown)
        exc.args = (exc.message,)
        raise


def preview_upload(store: Store, county: County, upload: Upload) -> Preview:
    """Read and check the upload as its import would, keep what was found beside it (the counts
    and refused rows, and a map of its features), and return it. Nothing is stored."""
    try:
        with _named(upload):
            preview = preview_file(store, county, upload.path, upload.kind, upload.crs or None,
                                   upload.name_field or None)  # fmt: skip
    except NoCrs:
        raise NoCrs(
            f"{upload.original_name} 没有可用的坐标系声明，且其坐标不是经纬度：请在上传时填写文件的坐标系（如 EPSG:4547）",
            en=f"{upload.original_name} declares no usable CRS and its coordinates are not longitude/latitude: "
            "give the file's CRS (e.g. EPSG:4547) when uploading it",
            field="crs",
        ) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise InvalidFile(
            f"{upload.original_name} 无法作为 CSV 读取（应为 UTF-8 编码的文本）：{type(exc).__name__}",
            en=f"{upload.original_name} cannot be read as CSV (UTF-8 text expected): {type(exc).__name__}",
            field="file",
        ) from None
    preview.source = upload.original_name  # the stored name is no one's business
    upload.preview = preview.to_dict()
    upload.map_path.write_text(json.dumps(map_features(preview), ensure_ascii=False), encoding="utf-8")
    upload.save()
    return preview


def map_features(preview: Preview, limit: int = MAX_MAP_FEATURES) -> dict:
    """The preview's geometries as GeoJSON for its map, simplified to the map's scale: the refused
    ones first (``ok`` false), then a sample of the others evenly through the file."""
    if preview.geoms is None or preview.bounds is None:
        return {"type": "FeatureCollection", "features": [], "total": 0}
    geoms, sound = preview.geoms, preview.sound
    drawable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & np.isfinite(
        shapely.bounds(geoms)
    ).all(axis=1)
    refused = np.flatnonzero(drawable & ~sound)[:limit]
    good = np.flatnonzero(drawable & sound)
    room = max(0, limit - len(refused))
    if len(good) > room:
        good = good[np.linspace(0, len(good) - 1, room).astype(int)] if room else good[:0]
    minx, miny, maxx, maxy = preview.bounds
    tolerance = max(maxx - minx, maxy - miny) / 4000
    chosen = np.concatenate([refused, good])
    simple = shapely.simplify(geoms[chosen], tolerance, preserve_topology=False)
    features = [
        {"type": "Feature", "geometry": mapping(g), "properties": {"row": int(i) + 1, "ok": bool(sound[i])}}
        for i, g in zip(chosen, simple, strict=True)
        if not g.is_empty
    ]
    return {"type": "FeatureCollection", "features": features, "total": int(drawable.sum())}


def import_upload(
    store: Store,
    county: County,
    upload: Upload,
    skip_refused: bool,
    max_m: float,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the upload as its kind says, with the CRS and name field it came with; the refused
    rows left out when ``skip_refused``, else refusing the file as the commands do."""
    with _named(upload):
        summary = _import(store, county, upload, skip_refused, max_m, progress)
    summary.source = upload.original_name
    return summary


def _import(
    store: Store, county: County, upload: Upload, skip_refused: bool, max_m: float, progress: Progress | None
) -> ImportSummary:
    crs, path, kind = upload.crs or None, upload.path, upload.kind
    if kind == "streets":
        summary = import_streets(store, county, path, crs, progress, skip_refused=skip_refused)
    elif kind in ZONE_KINDS:
        summary = import_zones(store, county, path, kind, upload.name_field or None, crs, progress,
                               skip_refused=skip_refused)  # fmt: skip
    elif kind == "units":
        summary = import_units(store, county, path, skip_refused=skip_refused)
    else:
        summary = import_incidents(store, county, path, crs=crs, max_m=max_m, progress=progress,
                                   skip_refused=skip_refused)  # fmt: skip
    return summary
