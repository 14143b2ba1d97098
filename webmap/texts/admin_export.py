"""导出数据 (/admin/export): the whole county as one GeoPackage, in both languages."""

from __future__ import annotations

ZH = {
    "export.title": "导出数据",
    "export.heading": "导出数据（GeoPackage）",
    "export.intro": "把全县数据导出为一个 GeoPackage 文件，可直接用 QGIS 打开，各图层带有门户的配色。",
    "export.layers": "图层：街道、社区、村、院落、网格，路段（含今天的牵头单位和协助单位），案件。",
    "export.tables": "表格：责任单位名单，责任分配的全部历史（每一次分配及其变更记录）。",
    "export.styles": "layer_styles 表：QGIS 打开图层时自动使用的样式。",
    "export.scores": "上月考核：区域和路段带上月得分与等级，另有 unit_scores 表列出各单位总分。",
    "export.counts": "现有区域 {zones} 个、路段 {segments} 条、案件 {cases} 件、单位 {units} 个。",
    "export.empty": "本县还没有任何数据：导出的文件将是空的。",
    "export.button": "生成并下载 GeoPackage",
    "export.privacy": "文件含有上报人的联系方式：每次下载都记入审计日志，请妥善保管。",
    "export.cli": "在服务器上也可以用命令导出：",
    "export.busy": "另一个导出正在进行，请稍后再试",
}

EN = {
    "export.title": "Export data",
    "export.heading": "Export data (GeoPackage)",
    "export.intro": "The whole county in one GeoPackage file that QGIS opens directly, each layer in the "
    "portal's colours.",
    "export.layers": "Layers: subdistricts, communities, villages, courtyards, grid cells, road segments "
    "(with today's lead and assisting units), cases.",
    "export.tables": "Tables: the units, and the whole history of assignments (every posting and its change).",
    "export.styles": "A layer_styles table: the styles QGIS uses when it opens each layer.",
    "export.scores": "Last month's scores: each zone's and segment's score and grade, and a unit_scores table "
    "of the units' totals.",
    "export.counts": "Now {zones} zones, {segments} road segments, {cases} cases and {units} units.",
    "export.empty": "The county has no data yet: the file will be empty.",
    "export.button": "Make and download the GeoPackage",
    "export.privacy": "The file holds reporters' contacts: each download is recorded in the audit log; keep it safe.",
    "export.cli": "On the server, the same with a command:",
    "export.busy": "Another export is being made; try again in a moment",
}
