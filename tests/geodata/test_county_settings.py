"""A county's settings on both backends (geodata/county_settings.py, migration 0028): standard until
saved, saved with its name in one go under a version check, every text bounded and plain, and a
refusal that changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from geodata import county_settings
from geodata.errors import InvalidInput, StaleVersion
from geodata.model import County, CountySetting

BASEMAPS = ("none", "tianditu_vec", "tianditu_img")
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _setting(county_id: int, **values) -> CountySetting:
    return replace(
        CountySetting(county_id, hotline="0755-12345", public_title_zh="福田文明地图", public_title_en="Futian map",
                      public_intro_zh="第一段\r\n第二段", public_intro_en="Read me.", basemap="tianditu_img"),
        **values,
    )  # fmt: skip


def test_a_county_that_never_saved_has_the_standard_settings(store):
    county = store.add_county(County("440304", "福田区"))
    assert store.get_county_setting(county.id) == CountySetting(county.id)  # version 0, all empty


def test_saved_settings_and_the_new_name_are_read_back(store):
    county = store.add_county(County("440304", "福田区"))
    renamed, saved = county_settings.save(
        store,
        county,
        " 深圳市福田区 ",
        _setting(county.id, public_title_zh="  福田文明地图 "),
        0,
        "admin",
        BASEMAPS,
        NOW,
    )
    assert renamed.name == "深圳市福田区" == store.get_county("440304").name
    assert saved == store.get_county_setting(county.id)
    assert (saved.version, saved.updated_by, saved.updated_at) == (1, "admin", NOW)
    assert (saved.public_title_zh, saved.public_intro_zh) == ("福田文明地图", "第一段\n第二段")
    assert (saved.hotline, saved.basemap) == ("0755-12345", "tianditu_img")
    _, again = county_settings.save(
        store, renamed, renamed.name, replace(saved, hotline=""), 1, "b", BASEMAPS
    )
    assert (again.version, again.hotline, again.public_title_en) == (2, "", "Futian map")


def test_a_second_administrator_on_an_old_version_is_told_and_nothing_changes(store):
    county = store.add_county(County("440304", "福田区"))
    county_settings.save(store, county, "福田区", _setting(county.id), 0, "a", BASEMAPS, NOW)
    for version in (0, 2):  # both opened the empty form; or a version never seen
        with pytest.raises(StaleVersion) as stale:
            county_settings.save(
                store, county, "别的名字", _setting(county.id, hotline="12345"), version, "b", BASEMAPS
            )
        assert stale.value.status == 409 and "saved by someone else" in stale.value.en
    assert store.get_county_setting(county.id).hotline == "0755-12345"
    assert store.get_county("440304").name == "福田区"  # the rename went with the refused save


@pytest.mark.parametrize(
    ("name", "change", "field", "en"),
    [
        ("", {}, "name", "Please fill in the county's name"),
        ("县" * 41, {}, "name", "at most 40"),
        ("福田区", {"hotline": "call 12345"}, "hotline", "The hotline 'call 12345' is invalid"),
        ("福田区", {"hotline": "12"}, "hotline", "at least 3 digits"),
        ("福田区", {"public_title_zh": "标" * 61}, "public_title_zh", "at most 60"),
        ("福田区", {"public_title_en": "A\nB"}, "public_title_en", "line break"),
        ("福田区", {"public_title_en": "福田 map"}, "public_title_en", "holds Chinese characters"),
        ("福田区", {"public_intro_en": "欢迎"}, "public_intro_en", "holds Chinese characters"),
        ("福田区", {"public_intro_zh": "字" * 601}, "public_intro_zh", "at most 600"),
        ("福田区", {"public_intro_zh": "a\x07b"}, "public_intro_zh", "control character"),
        ("福田区", {"basemap": "https://evil.example/{z}/{x}/{y}.png"}, "basemap", "is not offered"),
        ("福田区", {"basemap": "amap"}, "basemap", "choose none, tianditu_vec, tianditu_img"),
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_nothing_changes(store, name, change, field, en):
    county = store.add_county(County("440304", "福田区"))
    with pytest.raises(InvalidInput) as refused:
        county_settings.save(store, county, name, _setting(county.id, **change), 0, "a", BASEMAPS, NOW)
    assert refused.value.details["field"] == field and en in refused.value.en
    assert store.get_county_setting(county.id).version == 0
    assert store.get_county("440304").name == "福田区"


def test_each_county_has_its_own(store):
    one = store.add_county(County("440304", "福田区"))
    two = store.add_county(County("440305", "南山区"))
    county_settings.save(store, one, "福田区", _setting(one.id), 0, "a", BASEMAPS, NOW)
    assert store.get_county_setting(two.id) == CountySetting(two.id)
