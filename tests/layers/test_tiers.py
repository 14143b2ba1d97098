"""Proposed community tiers from the scores, confirmed by an administrator; civilized titles on
dates. On both backends, over the hand-computed county of test_scores."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from geodata.errors import Conflict, InvalidInput
from geodata.scores import titles
from layers.tiers import propose_tiers

NOW = datetime(2026, 10, 5, tzinfo=UTC)


def test_a_proposed_tier_is_confirmed_once_per_month(store, scored_county):
    (proposal,) = propose_tiers(store, scored_county, "2026-09")  # the community scored 94.5: grade A
    assert (proposal.name, proposal.score, proposal.proposed, proposal.decided) == (
        "社区",
        94.5,
        "精品",
        None,
    )
    decision = titles.confirm_tier(store, scored_county, proposal.zone_id, "达标", "2026-09", proposal.proposed,
                                   "admin", now=NOW)  # fmt: skip
    assert (decision.tier, decision.proposed) == ("达标", "精品")  # the administrator decides
    assert store.get_zone(scored_county.id, proposal.zone_id).tier == "达标"
    assert propose_tiers(store, scored_county, "2026-09")[0].decided == "达标"
    with pytest.raises(Conflict, match="已评定 2026-09 的等次"):
        titles.confirm_tier(
            store, scored_county, proposal.zone_id, "精品", "2026-09", "精品", "admin", now=NOW
        )
    with pytest.raises(InvalidInput, match="未知的社区等次"):
        titles.confirm_tier(store, scored_county, proposal.zone_id, "优秀", "2026-10", None, "admin", now=NOW)
    assert propose_tiers(store, scored_county, "2026-07")[0].proposed is None  # not scored that month


def test_titles_are_held_between_their_dates(store, scored_county):
    zone = store.list_zones(scored_county.id, kind="community")[0]
    award = titles.award_title(store, scored_county, zone.id, "文明社区", date(2025, 1, 15), "admin")
    assert store.get_zone(scored_county.id, zone.id).titles == ("文明社区",)
    assert titles.titles_on(store, scored_county, zone.id, date(2025, 1, 14)) == []
    titles.withdraw_title(store, scored_county, award.id, date(2026, 3, 1))
    assert titles.titles_on(store, scored_county, zone.id, date(2026, 2, 28)) == ["文明社区"]
    assert titles.titles_on(store, scored_county, zone.id, date(2026, 3, 1)) == []
    assert store.get_zone(scored_county.id, zone.id).titles == ()
    with pytest.raises(Conflict, match="已于 2026-03-01 撤销"):
        titles.withdraw_title(store, scored_county, award.id, date(2026, 4, 1))
    with pytest.raises(InvalidInput, match="未知的称号"):
        titles.award_title(store, scored_county, zone.id, "卫生先进", date(2025, 1, 15), "admin")
    later = titles.award_title(store, scored_county, zone.id, "文明楼院", date(2026, 5, 1), "admin")
    with pytest.raises(Conflict, match="撤销日期不能早于授予日期"):
        titles.withdraw_title(store, scored_county, later.id, date(2026, 4, 1))
    assert [a.title for a in store.list_titles(scored_county.id, zone.id)] == ["文明社区", "文明楼院"]
