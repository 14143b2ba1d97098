"""The TileJSON documents' and the MapLibre style's names and descriptions (/tiles/<layer>.json,
/tiles/style.json; #21 part 3) in both languages."""

from __future__ import annotations

ZH = {
    "tilejson.style": "{county} · 分兵把口地图",
    "tilejson.name.incidents": "{county} · 问题",
    "tilejson.name.roads": "{county} · 路段",
    "tilejson.name.zones": "{county} · 社区与网格",
    "tilejson.about.incidents": "问题点位：16 级起为单个问题（类别、状态），此前及过密处为聚合点（数量）。",
    "tilejson.about.roads": "路段及其当前牵头单位（11 级起）；无牵头单位的路段没有 unit_id。",
    "tilejson.about.zones": "社区与村；15 级起另有单元网格与楼院。",
}

EN = {
    "tilejson.style": "{county} · Responsibility map",
    "tilejson.name.incidents": "{county} · Incidents",
    "tilejson.name.roads": "{county} · Road segments",
    "tilejson.name.zones": "{county} · Communities and grid cells",
    "tilejson.about.incidents": "Incidents: single ones (category, status) from zoom 16, clusters (count) "
    "below it and where they crowd.",
    "tilejson.about.roads": "Road segments and the unit leading each now (from zoom 11); a segment "
    "without a lead unit has no unit_id.",
    "tilejson.about.zones": "Communities and villages; grid cells and courtyards too from zoom 15.",
}
