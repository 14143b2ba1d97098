"""Community tiers (精品 / 达标 / 攻坚) confirmed by an administrator, and civilized titles
(文明社区、文明楼院、文明巷弄) awarded and withdrawn on dates. Each write keeps its history row and
updates the zone's current ``tier`` / ``titles``, which the maps show."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from geodata import clock
from geodata.errors import InvalidInput
from geodata.labels import ZONE_KIND_ZH
from geodata.model import COMMUNITY_KINDS, TIERS, TITLES, County, TierDecision, TitleAward, Zone
from geodata.stores.store import Store

# The kinds of zone each title is given to: a courtyard (楼院) may be a 文明楼院, nothing else.
TITLE_KINDS = {
    "文明社区": COMMUNITY_KINDS,
    "文明楼院": (*COMMUNITY_KINDS, "courtyard"),
    "文明巷弄": COMMUNITY_KINDS,
}
TITLED_KINDS = (*COMMUNITY_KINDS, "courtyard")


def confirm_tier(
    store: Store, county: County, zone_id: int, tier: str, month: str, proposed: str | None, by: str,
    now: datetime | None = None,
) -> TierDecision:  # fmt: skip
    """Record the tier of a community (or village) for ``month`` and make it its tier."""
    if tier not in TIERS:
        raise InvalidInput(
            f"未知的社区等次 {tier!r}：可选 {'、'.join(TIERS)}",
            en=f"Unknown community tier {tier!r}: choose {', '.join(TIERS)}",
            field="tier",
        )
    zone = _community(store, county, zone_id)
    with store.transaction():
        decision = store.add_tier_decision(
            TierDecision(county.id, zone.id, month, tier, by, now or clock.now(), proposed)
        )
        store.update_zone(replace(zone, tier=tier))
    return decision


def award_title(store: Store, county: County, zone_id: int, title: str, on: date, by: str) -> TitleAward:
    if title not in TITLES:
        raise InvalidInput(
            f"未知的称号 {title!r}：可选 {'、'.join(TITLES)}",
            en=f"Unknown title {title!r}: choose {', '.join(TITLES)}",
            field="title",
        )
    zone = store.get_zone(county.id, zone_id)
    if zone.kind not in TITLE_KINDS[title]:
        raise InvalidInput(
            f"{zone.name} 是{ZONE_KIND_ZH[zone.kind]}，不能授予{title}", field="zone",
            en=f"{zone.name} is a {zone.kind}: it cannot be given the title {title}",
        )  # fmt: skip
    if on > _today():
        raise InvalidInput("授予日期不能在将来", en="The award date cannot be in the future", field="on")
    with store.transaction():
        award = store.award_title(TitleAward(county.id, zone.id, title, on, by))
        _refresh_titles(store, county, zone)
    return award


def withdraw_title(store: Store, county: County, award_id: int, on: date) -> TitleAward:
    with store.transaction():
        award = store.withdraw_title(county.id, award_id, on)
        _refresh_titles(store, county, store.get_zone(county.id, award.zone_id))
    return award


def titles_on(store: Store, county: County, zone_id: int, day: date) -> list[str]:
    """The titles a zone held on ``day``."""
    return sorted(
        {a.title for a in store.list_titles(county.id, zone_id)
         if a.awarded_on <= day and (a.withdrawn_on is None or a.withdrawn_on > day)}
    )  # fmt: skip


def _refresh_titles(store: Store, county: County, zone: Zone) -> None:
    held = tuple(titles_on(store, county, zone.id, _today()))
    if held != tuple(zone.titles):
        store.update_zone(replace(zone, titles=held))


def _today() -> date:
    """Today in the county's clock: a title given this morning in 福田 is not in the future."""
    return clock.today()


def _community(store: Store, county: County, zone_id: int) -> Zone:
    zone = store.get_zone(county.id, zone_id)
    if zone.kind not in COMMUNITY_KINDS:
        raise InvalidInput(
            f"{zone.name} 不是社区或村：等次只评定社区和村",
            en=f"{zone.name} is not a community or village: tiers are decided for communities and villages only",
            field="zone_id",
        )
    return zone
