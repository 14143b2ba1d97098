"""``flask make-grid`` on the small test county (two communities side by side): the summary, a
second run that changes nothing, and refusals as one ``Error: ...`` line."""

from __future__ import annotations

from datetime import UTC, datetime

import shapely
from shapely.geometry import LineString, box

from geodata.model import Assignment, Segment, Zone
from tests.support.web import COUNTY_CODE
from webmap import get_store


def _invoke(runner, *args):
    result = runner.invoke(args=["make-grid", *map(str, args)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _error_line(out: str) -> str:
    """The last line printed, less the progress bar's carriage-return redraws before it."""
    return out.strip().splitlines()[-1].split("\r")[-1]


def _cells(app):
    with app.app_context():
        store = get_store()
        return store.list_zones(store.get_county(COUNTY_CODE).id, kind="grid")


def test_make_grid_prints_a_summary_and_a_second_run_changes_nothing(app, runner):
    code, out = _invoke(runner, "--target-m2", 20_000)
    assert code == 0, out
    assert "测试县 (990001): 2 communities, 128 grid cells of about 20,000 m²" in out
    assert "cells: 128 created, 0 kept, 0 deleted" in out
    assert "cell area m²: min 35," in out and "median 35," in out
    # The communities' own codes are not 12 digits: their prefixes come from reading order.
    assert "990001001001 西园社区: 64 cells, 0.00" in out
    assert "990001001002 东湖社区: 64 cells" in out
    cells = _cells(app)
    assert sorted(z.code for z in cells)[:2] == ["990001001001001", "990001001001002"]
    assert all(len(z.code) == 15 for z in cells)
    code, out = _invoke(runner, "--target-m2", 20_000, "--county", COUNTY_CODE)
    assert code == 0 and "0 created, 128 kept, 0 deleted — nothing changed" in out
    assert [(z.id, z.code, z.version) for z in _cells(app)] == [(z.id, z.code, z.version) for z in cells]


def test_a_new_community_takes_the_next_number_and_the_others_keep_theirs(app, runner):
    assert _invoke(runner, "--target-m2", 20_000)[0] == 0
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        west = box(113.99, 22.50, 114.00, 22.52)  # west of both: first in reading order
        store.add_zones([Zone(county.id, "community", "003", "南园社区", west)])
    code, out = _invoke(runner, "--target-m2", 20_000)
    assert code == 0 and "cells: 64 created, 128 kept, 0 deleted" in out
    prefixes = {z.code[:12] for z in _cells(app)}
    assert prefixes == {"990001001001", "990001001002", "990001001003"}
    assert "990001001003 南园社区: 64 cells" in out


def test_refusals_are_one_error_line_and_change_nothing(app, runner):
    assert _invoke(runner, "--target-m2", 100) == (
        1,
        "Error: 网格目标面积应在 500 至 1,000,000 m² 之间，而不是 100\n",
    )
    assert _invoke(runner, "--target-m2", 2_000_000)[0] == 1
    assert _invoke(runner, "--county", "123456") == (1, "Error: 县区 123456 不存在\n")
    runner.invoke(args=["create-county", "990002", "空县"])
    code, out = _invoke(runner, "--county", "990002")
    assert code == 1 and out.startswith("Error: 县区 990002 没有可划分网格的社区")
    assert _cells(app) == []


def test_a_cell_still_guarded_is_not_deleted(app, runner):
    assert _invoke(runner, "--target-m2", 20_000)[0] == 0
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        cell = store.list_zones(county.id, kind="grid")[0]
        unit = store.list_units(county.id)[0]
        store.assign(
            Assignment(county.id, unit.id, "zone", cell.id, "lead", datetime(2026, 1, 1, tzinfo=UTC))
        )
        minx, miny, maxx, maxy = store.get_zone(county.id, cell.parent_id).geom.bounds
        middle = shapely.point_on_surface(cell.geom)
        street = LineString([(minx, middle.y), (maxx, middle.y)])  # across the whole community
        store.add_segments([Segment(county.id, "新开路", street)])
    before = [(z.id, z.version) for z in _cells(app)]
    code, out = _invoke(runner, "--target-m2", 20_000)
    assert code == 1 and out.count("Error:") == 1
    assert _error_line(out).startswith("Error: 新网格将删除 1 个仍有单位负责的网格")
    assert f"{cell.code} {cell.name}" in _error_line(out)
    assert [(z.id, z.version) for z in _cells(app)] == before
