"""Incidents from a point file (GeoJSON, GeoPackage, CSV with lon/lat), streamed in chunks and
routed in bulk on arrival (DESIGN §6, §7a), all in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.assignments.routing import ROUTE_MAX_M, add_routed_incidents
from geodata.errors import InvalidInput
from geodata.io.read import (
    ImportSummary,
    check_rows,
    count_rows,
    iter_point_frames,
    refusal_message,
    refusal_message_zh,
    require_field,
    resolve_county,
    row_label,
    row_problems,
    text_column,
)
from geodata.io.reasons import Reason, both
from geodata.model import Category, County, Incident
from geodata.stores.store import Store

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Categories:
    """The category table as an import reads it: a category may be given by its code or its
    Chinese name."""

    codes: dict[str, str]
    choices: str

    @classmethod
    def of(cls, categories: list[Category]) -> Categories:
        codes = {c.code: c.code for c in categories} | {c.name_zh: c.code for c in categories}
        return cls(codes, "、".join(f"{c.code}（{c.name_zh}）" for c in categories))


def import_incidents(
    store: Store,
    county: str | County,
    path: str | Path,
    category_field: str | None = None,
    time_field: str | None = None,
    *,
    crs: str | int | None = None,
    category: str | None = None,
    reported_at: datetime | None = None,
    max_m: float = ROUTE_MAX_M,
    progress: Progress | None = None,
    chunk_rows: int = 50_000,
    skip_refused: bool = False,
) -> ImportSummary:
    """Import incident points, each routed to its segment, zone and unit at its report time.

    ``category`` / ``reported_at`` give every row the same value when the file has no such field
    (the NYC collisions, say). Naive times are taken as UTC. A row that cannot be stored refuses
    the file, naming it; with ``skip_refused`` the good rows are stored and the refused ones
    written, each with its reason, to ``<file>.refused.csv`` beside it."""
    known = Categories.of(store.list_categories())
    fixed_category = category_code(known, category, "--category") if category else None
    columns = (category_field or "category", time_field or "reported_at")
    summary = ImportSummary(source=Path(path).name, layer="incidents")
    total = count_rows(path)
    refused_path, refused = refused_file(Path(path)), 0
    with store.transaction():
        county = resolve_county(store, county)
        if county.extent is None:
            raise InvalidInput(
                f"县区 {county.code} 尚无范围：请先导入其道路或区域",
                en=f"County {county.code} has no extent yet: import its streets or zones first",
            )
        for frame in iter_point_frames(path, crs, chunk_rows):
            incidents, problems = chunk_incidents(
                county, frame, columns, known, fixed_category, reported_at, summary.source, skip_refused
            )
            if problems:
                _write_refused(refused_path, frame, problems, header=refused == 0)
                refused += len(problems)
            summary.read += len(frame)
            summary.stored += add_routed_incidents(store, incidents, max_m)
            if progress:
                progress(summary.read, total)
    if refused:
        summary.skipped.append(f"{refused} rows refused, each with its reason in {refused_path.name}")
    elif skip_refused:
        refused_path.unlink(missing_ok=True)  # an old list would mislead
    return summary


def refused_file(path: Path) -> Path:
    return path.with_name(f"{path.name}.refused.csv")


def _write_refused(path: Path, frame: gpd.GeoDataFrame, problems: dict[int, str], header: bool) -> None:
    """The refused rows as they were read (the point as WKT), their number and what is wrong."""
    rows = pd.DataFrame(frame.iloc[sorted(problems)].drop(columns=frame.geometry.name))
    rows.insert(0, "refused_because", [problems[i] for i in sorted(problems)])
    rows.insert(0, "row", [int(frame.index[i]) + 1 for i in sorted(problems)])
    rows["geometry_wkt"] = [g.wkt if g is not None else "" for g in frame.geometry.iloc[sorted(problems)]]
    rows.to_csv(
        path,
        mode="w" if header else "a",
        header=header,
        index=False,
        encoding="utf-8-sig" if header else "utf-8",
    )


def category_code(known: Categories, value: str, where: str) -> str:
    code = known.codes.get(str(value).strip())
    if code is None:
        raise InvalidInput(
            f"{where}：未知的问题类别 {value!r}；可选 {known.choices}",
            en=f"{where}: unknown category {value!r}; choose {known.choices}",
            field="category",
        )
    return code


def chunk_incidents(
    county: County,
    frame: gpd.GeoDataFrame,
    columns: tuple[str, str],
    known: Categories,
    fixed_category: str | None,
    fixed_time: datetime | None,
    source: str,
    skip: bool,
) -> tuple[list[Incident], dict[int, str]]:
    """The frame's storable incidents, and row position → what is wrong for the others (a row
    with several faults gets them all). Unless ``skip``, a fault refuses the file: InvalidInput
    for categories and times, InvalidGeometry for points, naming the rows."""
    labels = [row_label(int(i)) for i in frame.index]
    problems: dict[int, str] = {}
    categories = _categories(frame, columns[0], known, fixed_category, source, problems)
    times = _times(frame, columns[1], fixed_time, source, problems)
    if problems and not skip:
        lines = [f"{labels[i]}: {why}" for i, why in sorted(problems.items())]
        raise InvalidInput(
            refusal_message_zh(source, len(frame), lines),
            en=refusal_message(source, len(frame), lines),
            refused=lines,
        )
    if not skip:
        geoms, _ = check_rows(frame.geometry.values, ("Point",), county.extent, labels, source)
    else:
        geoms, _, bad_geoms = row_problems(frame.geometry.values, ("Point",), county.extent, labels)
        for i, why in bad_geoms.items():
            problems[i] = both(problems.get(i), why)
    descriptions = text_column(frame, "description")
    sources = [s or "import" for s in text_column(frame, "source")]
    rows = zip(categories, geoms, times, descriptions, sources, strict=True)
    return [
        Incident(county.id, c, g, t, description=d, source=s)
        for i, (c, g, t, d, s) in enumerate(rows)
        if i not in problems
    ], problems


def _categories(frame, column, known: Categories, fixed, source, problems: dict[int, str]) -> list[str]:
    if fixed:
        return [fixed] * len(frame)
    require_field(frame, column, source, "--category-field (or give every row one with --category)")
    codes = []
    for i, value in enumerate(text_column(frame, column)):
        code = known.codes.get(value)
        if code is None:
            problems[i] = Reason(
                f"unknown category {value!r}; choose {known.choices}",
                f"未知的问题类别 {value!r}；可选 {known.choices}",
            )
        codes.append(code)
    return codes


def _times(frame, column, fixed, source, problems: dict[int, str]) -> list[datetime]:
    if fixed:
        return [fixed] * len(frame)
    require_field(frame, column, source, "--time-field (or give every row one with --reported-at)")
    raw = pd.Series(text_column(frame, column), index=frame.index)
    parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="mixed")
    for i, (value, bad) in enumerate(zip(raw, parsed.isna(), strict=True)):
        if bad:
            why = Reason(f"{value!r} is not a date and time", f"{value!r} 不是日期和时间")
            problems[i] = both(problems.get(i), why)
    return list(parsed.dt.to_pydatetime())
