"""Date-effective assignments, change sets and their revert, and schema upgrades, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shapely.geometry import LineString, box

from geodata.errors import Conflict, NotFound
from geodata.model import Assignment, ChangeSet, County, Segment, Unit
from tests.support.databases import older_store

JAN, MAR_15, APR, MAY = (datetime(2026, m, d, tzinfo=UTC) for m, d in ((1, 1), (3, 15), (4, 1), (5, 1)))
BEFORE, BETWEEN, AFTER = (datetime(2026, m, d, tzinfo=UTC) for m, d in ((3, 1), (3, 20), (6, 1)))


@pytest.fixture
def road(store):
    county = store.add_county(County("440304", "福田示范区", extent=box(114.0, 22.5, 114.1, 22.6)))
    police, city, sanitation = store.add_units(
        [Unit(county.id, c, n) for c, n in (("JJ", "交警大队"), ("CG", "城管执法局"), ("HW", "环卫所"))]
    )
    (segment,) = store.add_segments(
        [Segment(county.id, "红荔路", LineString([(114.0, 22.5), (114.01, 22.5)]))]
    )
    plan = store.add_change_set(ChangeSet(county.id, "创城办", "初始方案", JAN))
    store.assign(Assignment(county.id, police.id, "segment", segment.id, "lead", JAN, change_set_id=plan.id))
    return county, segment, police, city, sanitation


def _who(store, county, segment, *dates):
    return store.lead_units(county.id, "segment", [segment.id] * len(dates), list(dates))


def test_mid_month_reassignment_then_revert(store, road):
    county, segment, police, city, _ = road
    change = store.add_change_set(ChangeSet(county.id, "leader", "改由城管牵头", MAR_15))
    store.assign(
        Assignment(county.id, city.id, "segment", segment.id, "lead", MAR_15, change_set_id=change.id)
    )
    assert _who(store, county, segment, BEFORE, BETWEEN, AFTER) == [police.id, city.id, city.id]
    assert [a.unit_id for a in store.change_set_assignments(county.id, change.id)] == [city.id]

    revert = store.revert_change_set(county.id, change.id, ChangeSet(county.id, "leader", "撤销", APR))
    assert revert.reverts == change.id
    assert store.get_change_set(county.id, revert.id).reverts == change.id
    assert _who(store, county, segment, BEFORE, BETWEEN, AFTER) == [police.id, police.id, police.id]
    history = store.assignments_of(county.id, "segment", segment.id)
    assert [(a.unit_id, a.valid_to, a.voided_by) for a in history] == [
        (police.id, None, None),
        (city.id, None, revert.id),  # kept for the audit, never counted
    ]
    assert [a.unit_id for a in store.assignments_at(county.id, BETWEEN)] == [police.id]
    with pytest.raises(Conflict, match="已被变更单 #.* 撤销"):
        store.revert_change_set(county.id, change.id, ChangeSet(county.id, "leader", "again", MAY))
    with pytest.raises(Conflict, match="本身是一次撤销"):
        store.revert_change_set(county.id, revert.id, ChangeSet(county.id, "leader", "undo undo", MAY))
    # After the revert the segment can be reassigned again from any later date.
    store.assign(Assignment(county.id, city.id, "segment", segment.id, "lead", MAY))
    assert _who(store, county, segment, BETWEEN, AFTER) == [police.id, city.id]


def test_a_change_set_that_later_ones_built_on_is_not_reverted_alone(store, road):
    county, segment, police, city, sanitation = road
    first = store.add_change_set(ChangeSet(county.id, "leader", "城管", MAR_15))
    store.assign(
        Assignment(county.id, city.id, "segment", segment.id, "lead", MAR_15, change_set_id=first.id)
    )
    second = store.add_change_set(ChangeSet(county.id, "leader", "环卫", MAY))
    store.assign(
        Assignment(county.id, sanitation.id, "segment", segment.id, "lead", MAY, change_set_id=second.id)
    )
    with pytest.raises(Conflict, match=f"#{second.id}") as refused:
        store.revert_change_set(county.id, first.id, ChangeSet(county.id, "leader", "撤销", AFTER))
    assert refused.value.details["depends"] == [second.id]
    assert _who(store, county, segment, BETWEEN, AFTER) == [city.id, sanitation.id]  # nothing changed
    store.revert_change_set(county.id, second.id, ChangeSet(county.id, "leader", "撤销环卫", AFTER))
    store.revert_change_set(county.id, first.id, ChangeSet(county.id, "leader", "撤销城管", AFTER))
    assert _who(store, county, segment, BETWEEN, AFTER) == [police.id, police.id]
    with pytest.raises(NotFound):
        store.revert_change_set(county.id, 99_999, ChangeSet(county.id, "leader", "?", AFTER))


def test_what_a_unit_guarded_in_a_period(store, road):
    county, segment, police, city, _ = road
    store.assign(Assignment(county.id, city.id, "segment", segment.id, "lead", MAR_15))
    march = (datetime(2026, 3, 1, tzinfo=UTC), APR)
    assert [(a.target_id, a.valid_to) for a in store.unit_assignments(county.id, police.id, *march)] == [
        (segment.id, MAR_15)
    ]
    assert [a.valid_from for a in store.unit_assignments(county.id, city.id, *march)] == [MAR_15]
    assert store.unit_assignments(county.id, city.id, JAN, datetime(2026, 2, 1, tzinfo=UTC)) == []


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_an_older_database_upgrades_without_losing_rows(backend, tmp_path, request):
    # An older release knew only the first migration.
    with older_store(request, backend, tmp_path, knew=1) as (store, newer):
        county = store.add_county(County("440304", "福田示范区"))
        store.add_units([Unit(county.id, "JJ", "交警大队")])
        assert store.migrate() == [p.name for p in newer]
        assert store.schema_version() == int(newer[-1].name[:4]) >= 2  # numbers may skip
        assert [u.name for u in store.list_units(county.id)] == ["交警大队"]
        assert store.get_county("440304").id == county.id
