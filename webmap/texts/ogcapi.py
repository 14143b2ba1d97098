"""The texts of /ogcapi (OGC API – Features, issue #21 part 1): its JSON titles and its HTML pages."""

from __future__ import annotations

ZH = {
    "ogcapi.title": "{county}分兵把口地理数据服务",
    "ogcapi.description": "OGC API – Features 服务：社区、路段及其负责单位、网格、街道，可在 QGIS 中直接打开",
    "ogcapi.openapi": "OpenAPI 3.0 接口说明",
    "ogcapi.service_doc": "本服务的网页",
    "ogcapi.conformance": "遵循的标准",
    "ogcapi.collections": "要素集",
    "ogcapi.home": "服务首页",
    "ogcapi.links": "链接",
    "ogcapi.json": "JSON 格式",
    "ogcapi.items": "要素",
    "ogcapi.matched": "共 {matched} 个，本页 {returned} 个",
    "ogcapi.next": "下一页",
    "ogcapi.prev": "上一页",
    "ogcapi.empty": "没有符合条件的要素。",
    "ogcapi.no_collections": "暂无可见的要素集。",
    "ogcapi.id": "编号",
    "ogcapi.qgis": "在 QGIS 中：图层 → 添加图层 → 添加 WFS / OGC API – Features 图层，地址填写：{url}",
    "ogcapi.feature": "要素 {id}",
}
EN = {
    "ogcapi.title": "{county}: responsibility zones, geodata service",
    "ogcapi.description": "An OGC API – Features service: communities, road segments with their units, grid cells, subdistricts; QGIS opens it directly",
    "ogcapi.openapi": "OpenAPI 3.0 definition",
    "ogcapi.service_doc": "This service's pages",
    "ogcapi.conformance": "Conformance classes",
    "ogcapi.collections": "Collections",
    "ogcapi.home": "Landing page",
    "ogcapi.links": "Links",
    "ogcapi.json": "As JSON",
    "ogcapi.items": "Features",
    "ogcapi.matched": "{matched} in all, {returned} on this page",
    "ogcapi.next": "Next page",
    "ogcapi.prev": "Previous page",
    "ogcapi.empty": "No feature matches.",
    "ogcapi.no_collections": "No collection to show.",
    "ogcapi.id": "Id",
    "ogcapi.qgis": "In QGIS: Layer → Add Layer → Add WFS / OGC API – Features Layer, with the URL {url}",
    "ogcapi.feature": "Feature {id}",
}
