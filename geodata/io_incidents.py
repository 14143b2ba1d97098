"""Incidents from a point file (GeoJSON, GeoPackage, CSV with lon/lat), streamed in chunks and
routed in bulk on arrival (DESIGN §6, §7a), all in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.errors import InvalidInput
from geodata.io_read import (
    ImportSummary,
    check_rows,
    count_rows,
    iter_point_frames,
    refusal_message,
    require_field,
    resolve_county,
    row_label,
    text_column,
)
from geodata.model import CATEGORIES, County, Incident
from geodata.routing import ROUTE_MAX_M, add_routed_incidents
from geodata.store import Store

Progress = Callable[[int, int | None], None]
# A category may be given by its code or its Chinese name.
CATEGORY_CODES = {**{code: code for code in CATEGORIES}, **{zh: code for code, zh in CATEGORIES.items()}}
CHOICES = "posters, street_vending, parking, outdoor_ads or sanitation (or their Chinese names)"


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
) -> ImportSummary:
    """Import incident points, each routed to its segment, zone and unit at its report time.

    ``category`` / ``reported_at`` give every row the same value when the file has no such field
    (the NYC collisions, say). Naive times are taken as UTC."""
    fixed_category = category_code(category, "--category") if category else None
    columns = (category_field or "category", time_field or "reported_at")
    summary = ImportSummary(source=Path(path).name, layer="incidents")
    total = count_rows(path)
    with store.transaction():
        county = resolve_county(store, county)
        if county.extent is None:
            raise InvalidInput(f"county {county.code} has no extent yet: import its streets or zones first")
        for frame in iter_point_frames(path, crs, chunk_rows):
            incidents = _incidents(county, frame, columns, fixed_category, reported_at, summary.source)
            summary.read += len(frame)
            summary.stored += add_routed_incidents(store, incidents, max_m)
            if progress:
                progress(summary.read, total)
    return summary


def category_code(value: str, where: str) -> str:
    code = CATEGORY_CODES.get(str(value).strip())
    if code is None:
        raise InvalidInput(f"{where}: unknown category {value!r}; choose {CHOICES}", field="category")
    return code


def _incidents(
    county: County,
    frame: gpd.GeoDataFrame,
    columns: tuple[str, str],
    fixed_category: str | None,
    fixed_time: datetime | None,
    source: str,
) -> list[Incident]:
    labels = [row_label(int(i)) for i in frame.index]
    problems: list[str] = []
    categories = _categories(frame, columns[0], fixed_category, labels, source, problems)
    times = _times(frame, columns[1], fixed_time, labels, source, problems)
    if problems:
        raise InvalidInput(refusal_message(source, len(frame), problems), refused=problems)
    geoms, _ = check_rows(frame.geometry.values, ("Point",), county.extent, labels, source)
    descriptions = text_column(frame, "description")
    sources = [s or "import" for s in text_column(frame, "source")]
    return [
        Incident(county.id, c, g, t, description=d, source=s)
        for c, g, t, d, s in zip(categories, geoms, times, descriptions, sources, strict=True)
    ]


def _categories(frame, column, fixed, labels, source, problems) -> list[str]:
    if fixed:
        return [fixed] * len(frame)
    require_field(frame, column, source, "--category-field (or give every row one with --category)")
    codes = []
    for label, value in zip(labels, text_column(frame, column), strict=True):
        code = CATEGORY_CODES.get(value)
        if code is None:
            problems.append(f"{label}: unknown category {value!r}; choose {CHOICES}")
        codes.append(code)
    return codes


def _times(frame, column, fixed, labels, source, problems) -> list[datetime]:
    if fixed:
        return [fixed] * len(frame)
    require_field(frame, column, source, "--time-field (or give every row one with --reported-at)")
    raw = pd.Series(text_column(frame, column), index=frame.index)
    parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="mixed")
    for label, value, bad in zip(labels, raw, parsed.isna(), strict=True):
        if bad:
            problems.append(f"{label}: {value!r} is not a date and time")
    return list(parsed.dt.to_pydatetime())
