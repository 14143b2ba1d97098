"""What the demo adds for its public face, once the county is seeded: tiers confirmed up to the
month before last (last month's, proposed from its full scores, wait for the administrator on
/scores/tiers), a few civilized titles, and three residents' reports waiting in the moderation
queue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from demo.posts import month_start
from geodata import clock
from geodata.cases import public_reports
from geodata.cases import workflow as cases
from geodata.model import County
from geodata.scores import titles
from geodata.stores.store import Store
from layers.score_map import default_month
from layers.scores import previous_month
from layers.tiers import propose_tiers

BY = "演示数据"
REPORTS = (  # (category, what a resident wrote, contact): placed on the demo's busiest roads
    ("parking", "小区门口人行道上停满了车，轮椅过不去", "138****0001"),
    ("posters", "公交站广告栏贴满了小广告", ""),
    ("sanitation", "绿化带里堆了好几袋生活垃圾", "王女士"),
)


def seed_public_face(store: Store, county: County, media_dir: Path, now: datetime | None = None) -> None:
    now = now or clock.now()
    awarded_on = month_start(11, now).date()  # the demo year's second month
    month = previous_month(default_month(now))
    for p in propose_tiers(store, county, month):
        if p.proposed:
            titles.confirm_tier(store, county, p.zone_id, p.proposed, month, p.proposed, BY, now)
    for i, zone in enumerate(store.list_zones(county.id, kind="community")):
        held = (["文明社区"] if zone.tier in ("精品", "达标") else []) + (
            ["文明楼院"] if i % 5 == 2 else []
        ) + (["文明巷弄"] if i % 3 == 1 else [])  # fmt: skip
        for title in held:
            titles.award_title(store, county, zone.id, title, awarded_on, BY)
    segments = sorted(store.list_segments(county.id), key=lambda s: -(s.length_m or 0))
    client = public_reports.client_key("demo", BY)
    for (category, text, contact), segment in zip(REPORTS, segments[::7], strict=False):
        point = segment.geom.interpolate(0.5, normalized=True)
        report = cases.Report(category, point.x, point.y, text, contact=contact, source=public_reports.SOURCE)
        public_reports.submit(store, county, report, None, client, media_dir, now=now)
