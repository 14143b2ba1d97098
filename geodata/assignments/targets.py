"""What a change of assignments is about: zones and road segments (targets), described as the map
lists them and as a refused change names them: name, version, measure and the unit leading them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry.base import BaseGeometry

from geodata.errors import InvalidInput, NotFound, StaleVersion
from geodata.model import TARGET_KINDS, County, Segment, Unit, Zone
from geodata.stores.store import Store

UNNAMED_SEGMENT = "（无名路段）"


@dataclass(frozen=True)
class Target:
    kind: str  # zone | segment
    id: int


@dataclass
class TargetInfo:
    """A target as it is now: its version counts every change to it, its assignments included."""

    target: Target
    name: str
    code: str
    version: int
    geom: BaseGeometry
    lead: Unit | None = None  # the lead unit at the time asked about
    zone_kind: str | None = None  # a ZONE_KINDS code: community, village, courtyard, grid... (zones only)
    length_m: float | None = None  # segments
    area_m2: float | None = None  # zones


def describe(
    store: Store, county: County, features: Sequence[Zone | Segment], at: datetime
) -> list[TargetInfo]:
    """Zones and segments as targets, with the unit leading each at ``at`` (one lookup per kind)."""
    units = {u.id: u for u in store.list_units(county.id)}
    leads: dict[tuple[str, int], int | None] = {}
    for kind, cls in (("segment", Segment), ("zone", Zone)):
        ids = [f.id for f in features if isinstance(f, cls)]
        if ids:
            found = store.lead_units(county.id, kind, ids, [at] * len(ids))
            leads.update(((kind, i), unit_id) for i, unit_id in zip(ids, found, strict=True))
    out = []
    for f in features:
        kind = "segment" if isinstance(f, Segment) else "zone"
        base = {"target": Target(kind, f.id), "version": f.version, "geom": f.geom,
                "lead": units.get(leads[(kind, f.id)])}  # fmt: skip
        if kind == "segment":
            out.append(
                TargetInfo(name=f.name or UNNAMED_SEGMENT, code=str(f.id), length_m=f.length_m, **base)
            )
        else:
            out.append(TargetInfo(name=f.name, code=f.code, zone_kind=f.kind, area_m2=f.area_m2, **base))
    return out


def load_targets(
    store: Store, county: County, targets: Sequence[Target], at: datetime, lock: bool = False
) -> dict[Target, TargetInfo]:
    """The targets described (as ``describe``); NotFound naming the first that does not exist. With
    ``lock``, inside a transaction, nobody else can change them until it ends."""
    for t in targets:
        if t.kind not in TARGET_KINDS:
            raise InvalidInput(
                f"未知的对象类型 {t.kind!r}：可选 zone（区域）或 segment（路段）",
                en=f"Unknown target kind {t.kind!r}: choose zone or segment",
                field="targets",
            )
    features: list[Zone | Segment] = []
    for kind in TARGET_KINDS:  # always zones before segments: one lock order for every change
        ids = sorted({t.id for t in targets if t.kind == kind})
        if ids:
            features += store.get_targets(county.id, kind, ids, lock=lock)
    found = {i.target: i for i in describe(store, county, features, at)}
    for t in targets:
        if t not in found:
            raise NotFound(
                f"{'路段' if t.kind == 'segment' else '区域'} #{t.id} 不存在",
                en=f"{'Road segment' if t.kind == 'segment' else 'Zone'} #{t.id} does not exist",
                field="targets",
            )
    return found


def stale_targets(
    current: Mapping[Target, TargetInfo], versions: Mapping[Target, int]
) -> list[tuple[TargetInfo, int]]:
    """The targets whose version is not the one the editor saw: (as they are now, version seen)."""
    return [
        (info, versions[t]) for t, info in current.items() if t in versions and versions[t] != info.version
    ]


def stale_details(stale: Sequence[tuple[TargetInfo, int]]) -> list[dict]:
    """What changed since the editor looked, one plain (JSON-ready) entry per target."""
    return [
        {"kind": info.target.kind, "id": info.target.id, "name": info.name, "version": seen,
         "current_version": info.version, "lead_unit": info.lead and info.lead.code,
         "lead_unit_name": info.lead and info.lead.name}
        for info, seen in stale
    ]  # fmt: skip


def refuse_stale(current: Mapping[Target, TargetInfo], versions: Mapping[Target, int]) -> None:
    """StaleVersion listing every target changed since the editor saw it; nothing otherwise."""
    stale = stale_targets(current, versions)
    if not stale:
        return
    names = "、".join(info.name for info, _ in stale[:5]) + ("等" if len(stale) > 5 else "")
    names_en = ", ".join(info.name for info, _ in stale[:5]) + (" and others" if len(stale) > 5 else "")
    raise StaleVersion(
        f"{len(stale)} 个对象在您选择之后已被修改（{names}），本次调整未保存：请刷新后重新选择",
        en=f"{len(stale)} targets were changed after you selected them ({names_en}); this change was not saved: please reload and select again",
        stale=stale_details(stale),
    )
