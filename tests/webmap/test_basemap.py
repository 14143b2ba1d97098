"""The basemap setting: none by default (nothing leaves the machine), an XYZ URL, or 天地图 with
a key; anything else stops the portal with a message naming the setting."""

from __future__ import annotations

import pytest

from geodata.errors import ConfigError
from tests.support.web import PASSWORD, county_app, login
from webmap import create_app
from webmap.basemap import basemap_crs, basemap_sources

XYZ = "https://tiles.county.example/{z}/{x}/{y}.png"


def test_the_settings_values():
    assert basemap_sources("none") == [] and basemap_sources("") == []
    (xyz,) = basemap_sources(XYZ)
    assert xyz.url == XYZ and not xyz.overlay
    vec, labels = basemap_sources("tianditu:abc123")
    assert (
        "LAYER=vec" in vec.url
        and "tk=abc123" in vec.url
        and "{z}" in vec.url
        and vec.subdomains == "01234567"
    )
    assert "LAYER=cva" in labels.url and labels.overlay and labels.attribution == "地图 © 天地图"
    assert basemap_crs([xyz, vec, labels]) == "wgs84"
    (gcj,) = basemap_sources("gcj02:" + XYZ)
    assert (gcj.url, gcj.crs) == (XYZ, "gcj02") and basemap_crs([gcj]) == "gcj02"
    (amap,) = basemap_sources("amap")
    assert "autonavi.com" in amap.url and amap.crs == "gcj02" and amap.attribution == "地图 © 高德"
    for wrong, words in (("osm", "应为 'none'"), ("https://x.example/tiles.png", "应为 'none'"),
                         ("tianditu:a b", "只能由字母和数字组成"), ("gcj02:tiles.png", "gcj02:<url>")):  # fmt: skip
        with pytest.raises(ConfigError, match=words):
            basemap_sources(wrong)


def _portal(tmp_path, **settings) -> str:
    client = county_app(tmp_path, **settings).test_client()
    login(client, "leader1", PASSWORD)
    return client.get("/portal").text


def test_the_portal_draws_the_basemap_asked_for(tmp_path):
    assert "L.tileLayer" not in _portal(tmp_path / "none")
    page = _portal(tmp_path / "xyz", basemap=XYZ)
    assert "L.tileLayer" in page and XYZ in page


def test_a_wrong_basemap_stops_the_portal(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_BASEMAP"):
        create_app({"database_url": f"sqlite:///{tmp_path / 't.sqlite'}", "instance_path": str(tmp_path),
                    "basemap": "google"})  # fmt: skip
