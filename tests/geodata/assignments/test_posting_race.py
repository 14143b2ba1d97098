"""Two editors applying to the same segment at once, each on its own connection: exactly one
change is applied, the other is refused as stale (issue #7), on both backends."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime

import pytest
from shapely.geometry import LineString, box

from geodata.assignments import postings as posts
from geodata.assignments.targets import Target
from geodata.errors import StaleVersion
from geodata.model import Assignment, County, Segment, Unit
from geodata.stores.store import open_store
from tests.support.databases import committed_url

JAN = datetime(2026, 1, 1, tzinfo=UTC)
MAR_3 = posts.day_start(date(2026, 3, 3))
HOLD_S = 0.5  # how long the first editor holds its locks: time for the second to run into them


@pytest.fixture(params=["sqlite", "postgis"])
def url(request, tmp_path):
    """A database whose writes really commit, so two connections see each other's."""
    return committed_url(request, request.param, tmp_path, "race")


def _world(url) -> tuple[County, int]:
    store = open_store(url)
    try:
        county = store.add_county(County("440304", "福田示范区", extent=box(114.0, 22.5, 114.1, 22.6)))
        police, _, _ = store.add_units(
            [Unit(county.id, c, n) for c, n in (("JJ", "交警大队"), ("CG", "城管执法局"), ("HW", "环卫所"))]
        )
        (segment,) = store.add_segments(
            [Segment(county.id, "红荔路", LineString([(114.0, 22.505), (114.01, 22.505)]))]
        )
        store.assign(Assignment(county.id, police.id, "segment", segment.id, "lead", JAN))
        return county, segment.id
    finally:
        store.close()


def test_two_editors_at_once_on_the_same_segment_one_wins_one_is_told(url):
    county, segment_id = _world(url)
    target = Target("segment", segment_id)
    first_locked = threading.Event()
    outcome: dict[str, object] = {}

    def editor(unit: str, wait_for_the_other: bool):
        store = open_store(url)
        if not wait_for_the_other:  # the first editor holds its locks a while once it has them
            get_targets = store.get_targets

            def slow_get_targets(*args, **kwargs):
                got = get_targets(*args, **kwargs)
                if kwargs.get("lock"):
                    first_locked.set()
                    time.sleep(HOLD_S)
                return got

            store.get_targets = slow_get_targets
        else:
            assert first_locked.wait(10)
        posting = posts.Posting(
            unit, "lead", [target], MAR_3, author=unit, reason="同时调整", versions={target: 2}
        )
        try:
            outcome[unit] = posts.apply_posting(store, county, posting, now=MAR_3)
        except Exception as exc:  # the test inspects what each editor got
            outcome[unit] = exc
        finally:
            store.close()

    threads = [
        threading.Thread(target=editor, args=("CG", False)),
        threading.Thread(target=editor, args=("HW", True)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert isinstance(outcome["CG"], posts.Applied), outcome["CG"]
    refused = outcome["HW"]
    assert isinstance(refused, StaleVersion), refused
    assert refused.details["stale"] == [
        {"kind": "segment", "id": segment_id, "name": "红荔路", "version": 2, "current_version": 3,
         "lead_unit": "CG", "lead_unit_name": "城管执法局"},
    ]  # fmt: skip
    store = open_store(url)
    try:
        assert store.count(county.id, "change_set") == 1
        assert store.get_segment(county.id, segment_id).version == 3
        city = next(u.id for u in store.list_units(county.id) if u.code == "CG")
        assert store.lead_unit(county.id, "segment", segment_id, MAR_3) == city
    finally:
        store.close()
