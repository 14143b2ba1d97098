"""Merging units keeps the past (issue #20 part 2), on both backends: after 社区居委会 (C) is merged
into 交警 (B) from 5 October, September's ranking is what it was, digit for digit; October's cases
since the merge belong to B; and a month after C's retirement ranks it no more."""

from __future__ import annotations

from datetime import UTC, date, datetime

from geodata.assignments.merges import merge_units
from geodata.assignments.routing import add_routed_incidents
from geodata.model import Incident
from layers.scores import month_scores
from tests.support.layers import at

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def ranking(store, county, month: str) -> list[tuple]:
    return [
        (u.code, u.name, u.score, u.grade, u.rank, round(u.weight, 6), u.targets, u.evaluation, u.handling_part,
         sorted(u.led))
        for u in month_scores(store, county, month).units
    ]  # fmt: skip


def test_the_month_before_a_merge_scores_as_before_and_later_cases_go_to_the_unit_merged_into(
    store, scored_county
):
    c = scored_county
    units = {u.code: u for u in store.list_units(c.id)}
    before_oct, after_oct = datetime(2026, 10, 2, tzinfo=UTC), datetime(2026, 10, 20, tzinfo=UTC)
    add_routed_incidents(
        store, [Incident(c.id, "sanitation", at(100, 450), t) for t in (before_oct, after_oct)]
    )
    september = ranking(store, c, "2026-09")
    assert [row[0] for row in september] == ["C", "A", "B"]  # C, the committee, ranks first

    merged = merge_units(store, c, units["C"].id, "B", date(2026, 10, 5), 1, "admin", "机构调整", now=NOW)

    assert merged.rerouted == 1  # the case of 20 October, not the one of the 2nd
    assert ranking(store, c, "2026-09") == september  # the month before: identical
    october = store.list_incidents(c.id, since=datetime(2026, 10, 1, tzinfo=UTC))
    assert sorted((i.reported_at, i.unit_id) for i in october) == [
        (before_oct, units["C"].id), (after_oct, units["B"].id),
    ]  # fmt: skip
    assert "C" in [row[0] for row in ranking(store, c, "2026-10")]  # it served until the 5th
    assert "C" not in [row[0] for row in ranking(store, c, "2026-11")]
