"""The basemap under the portal's own layers, one setting (``PORTAL_BASEMAP``):

- ``none`` (the default): our communities and roads suffice, and nothing leaves the machine;
- an XYZ template, ``https://tiles.example.cn/{z}/{x}/{y}.png`` (an intranet tile server);
- ``tianditu:<key>``: 天地图's vector map and its Chinese labels (CGCS2000, near enough WGS 84 that
  our layers need no shift);
- ``gcj02:<XYZ template>``: a provider drawing in GCJ-02 (高德 and most Chinese web maps), e.g. an
  intranet mirror of one; ``amap`` is 高德's own street map. The map then projects through
  L.CRS.GCJ02 (webmap/static/portal/vendor_patches.js) and asks for its vector tiles with ``crs=gcj02``: our
  layers are shifted for display only, and every coordinate read from the map is WGS 84 again.

ConfigError names what is wrong with any other value.

The basemaps a county's administrators may open its maps on (/admin/county) are those the setting
makes available, and no other (a URL or a key stays the deployment's: the page's CSP allows images
from those servers only): ``none``, and the setting's own (``tianditu_vec``, 天地图's vector map, with
``tianditu_img``, its imagery, beside it; ``amap``; ``gcj02``; ``xyz``). ``basemap_choices`` names
them; the setting's own is the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.errors import ConfigError

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
TIANDITU_ATTRIBUTION = "地图 © 天地图"
AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


@dataclass(frozen=True)
class TileSource:
    url: str
    attribution: str
    subdomains: str = "abc"
    overlay: bool = False  # labels drawn over our layers' fills
    crs: str = "wgs84"  # what the provider draws in: wgs84 (or near enough) | gcj02


def basemap_crs(sources: list[TileSource]) -> str:
    """The coordinates the map is drawn in: GCJ-02 when its basemap is."""
    return "gcj02" if any(s.crs == "gcj02" for s in sources) else "wgs84"


def basemap_sources(setting: str) -> list[TileSource]:
    """The tile layers ``setting`` asks for, bottom first; none for 'none'."""
    value = (setting or "none").strip()
    if value == "none":
        return []
    if value.startswith("tianditu:"):
        key = value.split(":", 1)[1].strip()
        if not key.isalnum():
            raise ConfigError(
                "PORTAL_BASEMAP=tianditu:<key>：天地图的 key 只能由字母和数字组成",
                en="PORTAL_BASEMAP=tianditu:<key>: the Tianditu key is letters and digits",
            )
        return _tianditu(key, "vec", "cva")
    if value == "amap":
        return [TileSource(AMAP, "地图 © 高德", "1234", crs="gcj02")]
    if value.startswith("gcj02:"):
        url = value.split(":", 1)[1].strip()
        if not _xyz(url):
            raise ConfigError(
                "PORTAL_BASEMAP=gcj02:<url>：地址应为含 {z}、{x} 和 {y} 的 http(s) 地址",
                en="PORTAL_BASEMAP=gcj02:<url>: the URL is http(s) with {z}, {x} and {y}",
            )
        return [TileSource(url, "底图（GCJ-02）", crs="gcj02")]
    if _xyz(value):
        return [TileSource(value, "底图")]
    raise ConfigError(
        f"PORTAL_BASEMAP={value!r} 无效：应为 'none'、带 {{z}}/{{x}}/{{y}} 的 XYZ 地址、tianditu:<key>、gcj02:<XYZ 地址> 或 amap",
        en=f"PORTAL_BASEMAP={value!r} is not 'none', an XYZ URL with {{z}}/{{x}}/{{y}}, tianditu:<key>, "
        "gcj02:<XYZ URL> or amap",
    )


def _xyz(url: str) -> bool:
    return url.startswith(("http://", "https://")) and all(p in url for p in ("{z}", "{x}", "{y}"))


def basemap_choices(setting: str) -> dict[str, list[TileSource]]:
    """The basemaps ``setting`` makes available by name, the default (the setting's own) first."""
    sources = basemap_sources(setting)
    value = (setting or "none").strip()
    if not sources:
        return {"none": []}
    if value.startswith("tianditu:"):
        imagery = _tianditu(value.split(":", 1)[1].strip(), "img", "cia")
        return {"tianditu_vec": sources, "tianditu_img": imagery, "none": []}
    name = "amap" if value == "amap" else "gcj02" if value.startswith("gcj02:") else "xyz"
    return {name: sources, "none": []}


def _tianditu(key: str, base: str, labels: str) -> list[TileSource]:
    """天地图's ``base`` layer (vec, img) with its Chinese ``labels`` (cva, cia) over it."""
    return [
        TileSource(TIANDITU.format(s="{s}", layer=base, key=key), TIANDITU_ATTRIBUTION, "01234567"),
        TileSource(TIANDITU.format(s="{s}", layer=labels, key=key), TIANDITU_ATTRIBUTION, "01234567", True),
    ]
