"""What an import would store, before anything is stored (issue #20 part 6): a file read and
checked by the importers' own readers and row checks (streets.py, zones.py, units.py,
incidents.py), with nothing written. It counts the rows, names every refused row and why in both
languages, gives the bounds of what would be stored and its geometries for a small map.

An upload kind is ``streets``, a zone kind (``community`` … ``grid``), ``units`` or ``incidents``.
A file whose geometries are all of another family than the kind needs (polygons uploaded as
streets) is refused as a whole: the kind was chosen wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import shapely

from geodata.errors import InvalidFile, InvalidInput
from geodata.geo.geometry import LINEAR, POLYGONAL
from geodata.io.incidents import Categories, chunk_incidents, count_rows
from geodata.io.read import iter_point_frames, read_frame, row_problems, text_column
from geodata.io.reasons import TYPE_ZH, both, zh_of
from geodata.io.streets import read_streets, street_labels
from geodata.io.units import read_units, unit_rows
from geodata.io.zones import check_zone_rows
from geodata.labels import ZONE_KIND_ZH
from geodata.model import ZONE_KINDS, County
from geodata.stores.store import Store

UPLOAD_KINDS = ("streets", *ZONE_KINDS, "units", "incidents")
MAX_LISTED = 1_000  # refused rows listed one by one; the rest are counted
MAX_MAP_FEATURES = 3_000  # geometries drawn on the preview's map; a sample past that
KIND_ZH = {"streets": "道路", **ZONE_KIND_ZH, "units": "单位", "incidents": "案件"}
KIND_EN = {
    "streets": "streets",
    **{k: f"{k} zones" for k in ZONE_KINDS},
    "units": "units",
    "incidents": "cases",
}
FAMILY = {"streets": LINEAR, **dict.fromkeys(ZONE_KINDS, POLYGONAL), "incidents": ("Point", "MultiPoint")}
FAMILY_ZH = {LINEAR: "线", POLYGONAL: "面", ("Point", "MultiPoint"): "点"}


class WrongKind(InvalidFile):
    """A file whose content is not what the chosen kind of import needs."""

    code = "wrong_kind"


@dataclass
class RefusedRow:
    """One row that cannot be stored: its number in the file (from 1), its name or code, why."""

    row: int
    name: str
    en: str
    zh: str


@dataclass
class Preview:
    """What importing a file would store: rows read and storable, the refused rows, the repairs,
    the bounds (lon/lat) and the fields of the file. ``geoms`` and ``sound`` (which would be
    stored) feed the map and are not kept with the rest."""

    source: str
    kind: str
    read: int = 0
    storable: int = 0
    refused_total: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    repaired: int = 0
    bounds: list[float] | None = None
    fields: list[str] = field(default_factory=list)
    geoms: np.ndarray | None = None
    sound: np.ndarray | None = None

    def to_dict(self) -> dict:
        """The preview as JSON-ready values, without its geometries."""
        found = asdict(self)
        del found["geoms"], found["sound"]
        return found

    @classmethod
    def from_dict(cls, d: dict) -> Preview:
        return cls(**{**d, "refused": [RefusedRow(**r) for r in d.get("refused", [])]})


def preview_file(
    store: Store, county: County, path: str | Path, kind: str, crs=None, name_field: str | None = None
) -> Preview:
    """Read and check ``path`` as an import of ``kind`` into ``county`` would; store nothing."""
    if kind not in UPLOAD_KINDS:
        raise InvalidInput(
            f"未知的导入类型 {kind!r}：可选 {'、'.join(UPLOAD_KINDS)}",
            en=f"Unknown kind of import {kind!r}: choose {', '.join(UPLOAD_KINDS)}",
            field="kind",
        )
    if kind == "units":
        return _units(store, county, path)
    if kind == "incidents":
        return _incidents(store, county, path, crs)
    if kind == "streets":
        frame, summary = read_streets(path, crs)
        _check_family(frame.geometry.values, kind, summary.source)
        labels, names = street_labels(frame), text_column(frame, "name")
        geoms, repaired, problems = row_problems(frame.geometry.values, LINEAR, county.extent, labels)
        return _finished(Preview(summary.source, kind, len(frame)), geoms, problems, names, repaired, frame)
    frame, _ = read_frame(path, crs)
    source = Path(path).name
    _check_family(frame.geometry.values, kind, source)
    _require(frame, name_field or "name", source, "名称", "the names")
    rows = check_zone_rows(store, county, kind, frame, name_field or "name", source)
    problems = dict(rows.problems)
    for o in rows.overlaps:
        problems[o.row] = both(problems.get(o.row), o.reason)
    return _finished(
        Preview(source, kind, len(frame)), rows.geoms, problems, rows.names, rows.repaired, frame
    )


def _check_family(geoms: np.ndarray, kind: str, source: str) -> None:
    """Refuse a file none of whose geometries is of the family ``kind`` needs: the wrong kind."""
    wanted = FAMILY[kind]
    geoms = np.asarray(geoms, dtype=object)
    types = shapely.get_type_id(geoms)
    given = types[types >= 0]
    ids = [shapely.GeometryType[t.upper()].value for t in wanted]
    if len(given) == 0 or np.isin(given, ids).any():
        return
    found = geoms[types == np.bincount(given).argmax()][0].geom_type  # the commonest, as shapely names it
    raise WrongKind(
        f"{source} 中是{TYPE_ZH.get(found, found)}（{found}），不是{KIND_ZH[kind]}所需的{FAMILY_ZH[wanted]}："
        "请选择与文件内容相符的类型",
        en=f"{source} holds {found} geometries, not the {' or '.join(wanted)} that {KIND_EN[kind]} need: "
        "choose the kind that matches the file",
        field="kind",
    )


def _require(frame, column: str, source: str, what_zh: str, what_en: str) -> None:
    """Refuse a file without ``column``, listing the fields it has (the form names the field to use)."""
    if column in frame.columns:
        return
    fields = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name) or "none"
    raise InvalidFile(
        f"{source} 没有 {column!r} 字段（已有字段：{fields}）：请指定保存{what_zh}的字段",
        en=f"{source} has no {column!r} field (its fields: {fields}): give the field that holds {what_en}",
        field="name_field" if what_en == "the names" else "kind",
    )


def _finished(
    preview: Preview, geoms: np.ndarray, problems: dict, names: list[str], repaired: list, frame
) -> Preview:
    """The counts, the refused rows listed, the bounds of the sound rows, the file's fields."""
    sound = np.ones(len(geoms), dtype=bool)
    sound[list(problems)] = False
    preview.storable, preview.refused_total, preview.repaired = int(sound.sum()), len(problems), len(repaired)
    preview.refused = [
        RefusedRow(int(i) + 1, str(names[i]) if i < len(names) else "", str(problems[i]), zh_of(problems[i]))
        for i in sorted(problems)[:MAX_LISTED]
    ]
    if geoms is not None and sound.any():
        preview.bounds = [float(v) for v in shapely.total_bounds(geoms[sound])]
    preview.geoms, preview.sound = geoms, sound
    preview.fields = [str(c) for c in frame.columns if c != frame.geometry.name][:50]
    return preview


def _units(store: Store, county: County, path: str | Path) -> Preview:
    path, table = read_units(path)
    rows = unit_rows(store, county, path, table)
    return _no_map(
        Preview(path.name, "units", len(table)), rows.problems, [u.code for u in rows.units], table
    )


def _no_map(preview: Preview, problems: dict, names: list[str], table) -> Preview:
    preview.storable, preview.refused_total = preview.read - len(problems), len(problems)
    preview.refused = [
        RefusedRow(int(i) + 1, str(names[i]), str(problems[i]), zh_of(problems[i]))
        for i in sorted(problems)[:MAX_LISTED]
    ]
    preview.fields = [str(c) for c in table.columns][:50]
    return preview


def _incidents(store: Store, county: County, path: str | Path, crs) -> Preview:
    """Incident points as the import reads them, chunk by chunk, routed nowhere."""
    if county.extent is None:
        raise InvalidInput(
            f"县区 {county.code} 尚无范围：请先导入其道路或区域",
            en=f"County {county.code} has no extent yet: import its streets or zones first",
        )
    known = Categories.of(store.list_categories())
    source = Path(path).name
    preview = Preview(source, "incidents", 0)
    count_rows(path)  # refuses a missing, empty or unknown file before any reading
    geoms, problems, fields = [], {}, []
    for frame in iter_point_frames(path, crs):
        if not fields:
            _check_family(frame.geometry.values, "incidents", source)
            _require(
                frame,
                "category",
                source,
                "问题类别（编码或中文名称）",
                "each case's category (its code or Chinese name)",
            )
            _require(frame, "reported_at", source, "上报时间", "each case's report time")
            fields = [str(c) for c in frame.columns if c != frame.geometry.name]
        _, found = chunk_incidents(
            county, frame, ("category", "reported_at"), known, None, None, source, skip=True
        )
        problems.update({preview.read + i: why for i, why in found.items()})
        geoms.append(frame.geometry.to_numpy(object))
        preview.read += len(frame)
    preview = _finished(preview, np.concatenate(geoms), problems, [], [], frame)
    preview.fields = fields[:50]
    return preview
