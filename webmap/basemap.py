"""The basemap under the portal's own layers, one setting (``PORTAL_BASEMAP``):

- ``none`` (the default): our communities and roads suffice, and nothing leaves the machine;
- an XYZ template, ``https://tiles.example.cn/{z}/{x}/{y}.png`` (an intranet tile server);
- ``tianditu:<key>``: 天地图's vector map and its Chinese labels (CGCS2000, near enough WGS 84 that
  our layers need no shift).

A GCJ-02 provider (whose tiles are offset from WGS 84) is not offered yet: our layers would have to
be shifted for display. ConfigError names what is wrong with any other value.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.errors import ConfigError

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
TIANDITU_ATTRIBUTION = "地图 © 天地图"


@dataclass(frozen=True)
class TileSource:
    url: str
    attribution: str
    subdomains: str = "abc"
    overlay: bool = False  # labels drawn over our layers' fills


def basemap_sources(setting: str) -> list[TileSource]:
    """The tile layers ``setting`` asks for, bottom first; none for 'none'."""
    value = (setting or "none").strip()
    if value == "none":
        return []
    if value.startswith("tianditu:"):
        key = value.split(":", 1)[1].strip()
        if not key.isalnum():
            raise ConfigError("PORTAL_BASEMAP=tianditu:<key>: the 天地图 key is letters and digits")
        return [
            TileSource(TIANDITU.format(s="{s}", layer="vec", key=key), TIANDITU_ATTRIBUTION, "01234567"),
            TileSource(
                TIANDITU.format(s="{s}", layer="cva", key=key), TIANDITU_ATTRIBUTION, "01234567", True
            ),
        ]
    if value.startswith(("http://", "https://")) and all(p in value for p in ("{z}", "{x}", "{y}")):
        return [TileSource(value, "底图")]
    raise ConfigError(
        f"PORTAL_BASEMAP={value!r} is not 'none', an XYZ URL with {{z}}/{{x}}/{{y}}, or tianditu:<key>"
    )
