"""Everything of a county in one GeoPackage (``flask export-all``, /admin/export), for QGIS: its
zones by kind (subdistricts, communities, villages, courtyards, grid cells) and road segments,
each with its lead and assisting units today, the cases (as ``export incidents`` writes them), a
``layer_styles`` table QGIS reads (one simple QML style per layer in the portal's colours, used by
default), and two tables without geometry: the units and the assignment history (every posting
each change set opened, voided and closed ones included, with its change set's author and reason).

Names stay Chinese (UTF-8, as GeoPackage is); times are UTC in ISO 8601."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geodata import clock
from geodata.errors import InvalidFile
from geodata.io.export import BATCHES
from geodata.io.read import resolve_county
from geodata.io.styles import style_rows
from geodata.model import ZONE_KINDS, Assignment, County
from geodata.stores.store import Store

Progress = Callable[[int, int | None], None]
ZONE_LAYERS = {"subdistrict": "subdistricts", "community": "communities", "village": "villages",
               "courtyard": "courtyards", "grid": "grid_cells"}  # fmt: skip
EVER = (datetime(1900, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
PAGE = 500  # change sets read at a time
GEOMETRY_COLUMN = "geom"


@dataclass
class Scores:
    """Last month's scores, made by whoever calls (layers/score_map.py ``export_scores``): each
    scored target's score and grade, and the units' totals."""

    month: str
    targets: dict[tuple[str, int], tuple[float, str | None]] = field(default_factory=dict)
    units: list[tuple[str, str, float | None, str | None, int | None]] = field(
        default_factory=list
    )  # code, name, score, grade, rank


@dataclass
class ExportAllSummary:
    path: str
    layers: dict[str, int] = field(default_factory=dict)  # layer or table: rows written

    def lines(self) -> list[str]:
        return [f"{name}: {n}" for name, n in self.layers.items()] + [
            f"wrote {len(self.layers)} layers and tables to {self.path}"
        ]


def export_all(
    store: Store,
    county: str | County,
    path: str | Path,
    progress: Progress | None = None,
    scores: Callable[[County], Scores] | None = None,
) -> ExportAllSummary:
    """Write the whole county to the GeoPackage ``path`` (replaced if it exists); with ``scores``,
    the zones and segments carry last month's score and grade, and ``unit_scores`` the units'."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise InvalidFile(
            f"{path.name}：全部导出只能写 .gpkg 文件", en=f"{path.name}: export-all writes a .gpkg file"
        )
    if not path.parent.is_dir():
        raise InvalidFile(f"文件夹 {path.parent} 不存在", en=f"The folder {path.parent} does not exist")
    county = resolve_county(store, county)
    path.unlink(missing_ok=True)
    summary = ExportAllSummary(str(path))
    steps = [*(_zone_step(kind) for kind in ZONE_KINDS), _segments, _incidents, _units, _history]
    at = clock.now()
    scored = scores(county) if scores else None
    if scored:
        steps.append(lambda *_: _unit_scores(scored))
    for done, step in enumerate(steps):
        for name, frame in step(store, county, at):
            if scored and name in _SPATIAL and name != "cases":
                _with_scores(frame, scored, "segment" if name == "segments" else "zone")
            _write(path, name, frame)
            summary.layers[name] = summary.layers.get(name, 0) + len(frame)
        if progress:
            progress(done + 1, len(steps) + 1)
    styles = style_rows([n for n in summary.layers if n in _SPATIAL], GEOMETRY_COLUMN)
    _write(path, "layer_styles", styles)
    summary.layers["layer_styles"] = len(styles)
    if progress:
        progress(len(steps) + 1, len(steps) + 1)
    return summary


_SPATIAL = {*ZONE_LAYERS.values(), "segments", "cases"}


def _write(path: Path, name: str, frame: pd.DataFrame) -> None:
    append = name in _written(path)
    if isinstance(frame, gpd.GeoDataFrame):
        kind = "Point" if name == "cases" else "MultiLineString" if name == "segments" else "MultiPolygon"
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=append, geometry_type=kind,
                                promote_to_multi=kind != "Point", layer_options={"GEOMETRY_NAME": GEOMETRY_COLUMN})  # fmt: skip
    else:
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=append)


def _written(path: Path) -> set[str]:
    return {name for name, _ in pyogrio.list_layers(path)} if path.exists() else set()


def _posts(store: Store, county: County, at: datetime, kind: str) -> dict[int, tuple[str, str]]:
    """Each target's lead unit and its assisting units (joined by 、) in force at ``at``."""
    names = {u.id: u.name for u in store.list_units(county.id)}
    lead: dict[int, str] = {}
    assist: dict[int, list[str]] = {}
    for a in store.assignments_at(county.id, at, kind):
        if a.role == "lead":
            lead[a.target_id] = names.get(a.unit_id, "")
        else:
            assist.setdefault(a.target_id, []).append(names.get(a.unit_id, ""))
    return {t: (lead.get(t, ""), "、".join(sorted(assist.get(t, [])))) for t in {*lead, *assist}}


def _with_posts(frame: gpd.GeoDataFrame, posts: dict[int, tuple[str, str]]) -> gpd.GeoDataFrame:
    frame["lead_unit"] = [posts.get(i, ("", ""))[0] for i in frame["id"]]
    frame["assist_units"] = [posts.get(i, ("", ""))[1] for i in frame["id"]]
    return frame


def _with_scores(frame: gpd.GeoDataFrame, scores: Scores, kind: str) -> None:
    found = [scores.targets.get((kind, i)) for i in frame["id"]]
    frame["score_month"] = scores.month
    frame["score"] = pd.array([f[0] if f else None for f in found], dtype="Float64")
    frame["grade"] = [(f[1] or "") if f else "" for f in found]


def _unit_scores(scores: Scores):
    yield (
        "unit_scores",
        pd.DataFrame(
            [[scores.month, *u] for u in scores.units],
            columns=["month", "code", "name", "score", "grade", "rank"],
        ).astype({"score": "Float64", "rank": "Int64"}),
    )


def _zone_step(kind: str):
    def step(store: Store, county: County, at: datetime):
        zones = store.list_zones(county.id, kind)
        if not zones:
            return
        frame = gpd.GeoDataFrame(
            {
                "id": [z.id for z in zones], "kind": [z.kind for z in zones], "code": [z.code for z in zones],
                "name": [z.name for z in zones],
                "parent_id": pd.array([z.parent_id for z in zones], dtype="Int64"),
                "area_m2": [z.area_m2 for z in zones], "tier": [z.tier or "" for z in zones],
                "titles": [",".join(z.titles) for z in zones],
            },
            geometry=[z.geom for z in zones], crs=4326,
        )  # fmt: skip
        yield ZONE_LAYERS[kind], _with_posts(frame, _posts(store, county, at, "zone"))

    return step


def _segments(store: Store, county: County, at: datetime):
    for props, geoms in BATCHES["segments"](store, county):
        frame = gpd.GeoDataFrame(props, geometry=geoms, crs=4326)
        yield "segments", _with_posts(frame, _posts(store, county, at, "segment"))


def _incidents(store: Store, county: County, at: datetime):
    for props, geoms in BATCHES["incidents"](store, county):
        yield "cases", gpd.GeoDataFrame(props, geometry=np.asarray(geoms, dtype=object), crs=4326)


def _units(store: Store, county: County, at: datetime):
    units = store.list_units(county.id)
    yield "units", pd.DataFrame(
        {
            "id": [u.id for u in units], "code": [u.code for u in units], "name": [u.name for u in units],
            "kind": [u.kind for u in units], "hotline": [u.hotline for u in units],
            "head": [u.head for u in units], "duty_phone": [u.duty_phone for u in units],
            "retired_at": [u.retired_at.isoformat() if u.retired_at else "" for u in units],
        },
        columns=["id", "code", "name", "kind", "hotline", "head", "duty_phone", "retired_at"],
    )  # fmt: skip


def _history(store: Store, county: County, at: datetime):
    """Every posting: those each change set opened (voided ones too), and those made outside one."""
    sets, offset = {}, 0
    while page := store.list_change_sets(county.id, limit=PAGE, offset=offset):
        sets.update({s.change_set.id: s.change_set for s in page})
        offset += PAGE
    rows: dict[int, Assignment] = {a.id: a for a in store.unit_assignments(county.id, None, *EVER)}
    for change_set_id in sets:
        rows.update({a.id: a for a in store.change_set_assignments(county.id, change_set_id)})
    units = {u.id: u.name for u in store.list_units(county.id)}
    posts = sorted(rows.values(), key=lambda a: (a.valid_from, a.id))
    columns = ["id", "target_kind", "target_id", "role", "unit_id", "unit_name", "person", "phone", "duties",
               "valid_from", "valid_to", "change_set_id", "change_author", "change_reason", "changed_at",
               "closed_by", "voided_by"]  # fmt: skip
    yield "assignment_history", pd.DataFrame(
        [
            [
                a.id, a.target_kind, a.target_id, a.role, a.unit_id, units.get(a.unit_id, ""), a.person, a.phone,
                ",".join(a.duties), a.valid_from.isoformat(), a.valid_to.isoformat() if a.valid_to else "",
                a.change_set_id, *_change(sets.get(a.change_set_id)), a.closed_by, a.voided_by,
            ]
            for a in posts
        ],
        columns=columns,
    ).astype({"change_set_id": "Int64", "closed_by": "Int64", "voided_by": "Int64"})  # fmt: skip


def _change(change_set) -> tuple[str, str, str]:
    if change_set is None:
        return "", "", ""
    return change_set.author, change_set.reason, change_set.created_at.isoformat()
