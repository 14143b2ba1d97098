"""Imports that refuse part of a file: zones overlapping others of their kind (refused, or stored
and listed with --allow-overlap), and incidents stored but for the rows written to FILE.refused.csv.
On both backends, with the county and helpers of tests/support/io.py."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geodata.errors import InvalidInput
from geodata.io import imports as io
from tests.support.io import CODE, WEST, incident_rows, row_counts, write_layer


def test_zones_overlapping_others_of_their_kind_are_refused_naming_both(store, county, tmp_path):
    io.import_zones(store, CODE, write_layer(gpd.GeoDataFrame({"name": ["西园社区"]}, geometry=[WEST], crs=4326),
                                        "geojson", tmp_path, "west"), "community")  # fmt: skip
    # 东湖 bites 0.001° (about 100 m × 2.2 km) into 西园; 南山 and 北山 overlap each other; 邻里 only touches.
    frame = gpd.GeoDataFrame(
        {"name": ["东湖社区", "南山社区", "北山社区", "邻里社区"]},
        geometry=[box(114.009, 22.50, 114.02, 22.52), box(114.02, 22.50, 114.03, 22.511),
                  box(114.02, 22.51, 114.03, 22.52), box(114.00, 22.52, 114.01, 22.53)],
        crs=4326,
    )  # fmt: skip
    path, before = write_layer(frame, "geojson", tmp_path, "new"), row_counts(store, county.id)
    with pytest.raises(InvalidInput) as refused:
        io.import_zones(store, CODE, path, "community")
    message = refused.value.en
    assert "3 of 4 rows overlap community zones, nothing stored" in message and "--allow-overlap" in message
    assert "row 1 (东湖社区) overlaps stored community 西园社区" in message
    assert "row 2 (南山社区) overlaps row 3 (北山社区) by" in message and "邻里" not in message
    assert row_counts(store, county.id) == before
    done = io.import_zones(store, CODE, path, "community", allow_overlap=True)
    assert (
        done.stored == 4
        and len(done.overlaps) == 2
        and any("overlap: row 1" in line for line in done.lines())
    )
    # the same kind only: a grid cell inside a community is no overlap
    cell = gpd.GeoDataFrame(
        {"name": ["西园一网格"]}, geometry=[box(114.001, 22.501, 114.004, 22.504)], crs=4326
    )
    assert io.import_zones(store, CODE, write_layer(cell, "geojson", tmp_path, "cell"), "grid").stored == 1


def test_skip_refused_stores_the_good_rows_and_lists_the_others_with_why(store, county, tmp_path):
    rows = incident_rows(
        [(114.01, 22.51), (114.011, 22.51), (116.4, 39.9), (114.012, 22.51), (114.013, 22.51), (200, 22.5)],
        categories=["parking", "乱停车", "parking", "spaceships", "parking", "spaceships"],
        times=["2026-03-01T09:00:00+08:00"] * 4 + ["the day before yesterday", "2026-03-01T09:00:00+08:00"],
    )
    path = write_layer(rows, "csv", tmp_path)
    summary = io.import_incidents(store, CODE, path, chunk_rows=4, skip_refused=True)
    assert (summary.read, summary.stored) == (6, 2) and store.count(county.id, "incident") == 2
    listed = pd.read_csv(tmp_path / f"{path.name}.refused.csv", encoding="utf-8-sig")
    assert listed["row"].tolist() == [3, 4, 5, 6]  # across both chunks, in file order
    why = dict(zip(listed["row"], listed["refused_because"], strict=True))
    assert "outside the county's extent" in why[3] and "unknown category 'spaceships'" in why[4]
    assert "is not a date and time" in why[5]
    assert why[6].startswith("unknown category 'spaceships'") and "; " in why[6]  # both faults named
    assert f"4 rows refused, each with its reason in {path.name}.refused.csv" in summary.lines()[-1]
    again = io.import_incidents(store, CODE, write_layer(incident_rows([(114.01, 22.51)]), "csv", tmp_path),
                                skip_refused=True)  # fmt: skip
    assert again.stored == 1 and not (tmp_path / f"{path.name}.refused.csv").exists()
