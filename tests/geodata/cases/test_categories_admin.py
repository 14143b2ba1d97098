"""Categories as administrators keep them, on both backends (geodata/cases/categories.py, migration
0028): a new one with a unique code, an edit on the version seen (a second editor is told, 409),
a changed deadline for the cases filed from then on only, retirement that refuses new filings
while old cases keep the category, and no deleting at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from shapely.geometry import LineString, box

from geodata.cases import categories
from geodata.cases import public_reports as public
from geodata.cases import workflow as cases
from geodata.errors import Conflict, InvalidInput, NotFound, StaleVersion
from geodata.io.imports import create_county
from geodata.model import COUNTY_TZ, Category, County
from tests.support.places import two_communities_and_a_road

NEW = Category("illegal_stall", "违规摊点", "Illegal stall", 8, sort=20, cc_code="0203", cc_class="event")


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=COUNTY_TZ)


@pytest.fixture
def county(store):
    c = create_county(store, "440304", "福田区")
    c = store.update_county(County(c.code, c.name, c.id, box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650))
    two_communities_and_a_road(store, c, LineString([(114.002, 22.51), (114.006, 22.51)]), cst(2026, 1, 1))
    return c


def _file(store, county, category, now, lon=114.004):
    report = cases.Report(category, lon, 22.5101)
    return cases.file_report(store, county, report, cases.Actor("inspector", "inspector"), now=now).incident


def test_a_new_category_is_stored_with_its_fields_and_offered(store):
    made = categories.add_category(store, replace(NEW, name_zh=" 违规摊点 "))
    assert made.version == 1 and not made.retired
    got = store.get_category("illegal_stall")
    assert got == replace(NEW, name_zh="违规摊点")
    assert (got.cc_code, got.cc_class, got.deadline_kind, got.public) == ("0203", "event", "calendar", True)
    assert "illegal_stall" in [c.code for c in categories.offered(store.list_categories())]


def test_a_taken_code_is_refused_and_the_first_one_stays(store):
    categories.add_category(store, NEW)
    with pytest.raises(Conflict) as taken:
        categories.add_category(store, replace(NEW, name_zh="另一个", name_en="Another"))
    assert taken.value.status == 409 and taken.value.details["field"] == "code"
    assert "illegal_stall 已被使用" in taken.value.message and "already used" in taken.value.en
    with pytest.raises(Conflict):
        categories.add_category(store, replace(NEW, code="parking"))  # one of the shipped ones
    assert store.get_category("illegal_stall").name_zh == "违规摊点"
    assert store.get_category("parking").name_zh == "乱停车"


@pytest.mark.parametrize(
    ("change", "field", "en"),
    [
        ({"code": "Bad Code"}, "code", "The category code 'Bad Code' is invalid"),
        ({"code": ""}, "code", "is invalid"),
        ({"name_zh": "  "}, "name_zh", "Please fill in the Chinese name"),
        ({"name_zh": "长" * 31}, "name_zh", "at most 30"),
        ({"name_en": "违规摊点"}, "name_en", "holds Chinese characters"),
        ({"name_en": "Two\nlines"}, "name_en", "line break"),
        ({"deadline_hours": 0}, "deadline_hours", "1 to 8760 hours, not 0"),
        ({"deadline_hours": 8761}, "deadline_hours", "not 8761"),
        ({"deadline_kind": "weekly"}, "deadline_kind", "Unknown deadline kind 'weekly'"),
        ({"sort": -1}, "sort", "from 0 to 9999"),
        ({"cc_class": "thing"}, "cc_class", "Unknown component/event class 'thing'"),
        ({"cc_code": "x" * 21}, "cc_code", "at most 20"),
    ],
)
def test_bad_fields_are_refused_naming_them_and_nothing_is_stored(store, change, field, en):
    before = store.list_categories()
    with pytest.raises(InvalidInput) as refused:
        categories.add_category(store, replace(NEW, **change))
    assert refused.value.details["field"] == field and en in refused.value.en
    assert store.list_categories() == before


def test_an_edit_changes_what_it_may_and_keeps_code_campaign_and_retirement(store):
    five = store.get_category("posters")
    edited = categories.edit_category(
        store,
        replace(five, name_zh="非法小广告", name_en="Illegal small ads", deadline_hours=12, deadline_kind="working",
                public=False, sort=3, cc_code="0201", cc_class="event", campaign="", version=99),
        five.version,
    )  # fmt: skip
    assert edited.version == five.version + 1
    assert store.get_category("posters") == replace(
        five, name_zh="非法小广告", name_en="Illegal small ads", deadline_hours=12, deadline_kind="working",
        public=False, sort=3, cc_code="0201", cc_class="event", version=five.version + 1,
    )  # fmt: skip
    assert store.get_category("posters").campaign == "five_rectifications"


def test_a_second_editor_on_the_same_version_is_told_and_the_first_edit_stays(store):
    seen = store.get_category("parking")
    categories.edit_category(store, replace(seen, deadline_hours=3), seen.version)
    with pytest.raises(StaleVersion) as stale:
        categories.edit_category(store, replace(seen, name_zh="违停"), seen.version)
    assert stale.value.status == 409 and "reload" in stale.value.en
    now = store.get_category("parking")
    assert (now.name_zh, now.deadline_hours, now.version) == ("乱停车", 3, seen.version + 1)
    with pytest.raises(StaleVersion):  # retiring on the old version is refused too
        categories.retire_category(store, "parking", seen.version)
    assert not store.get_category("parking").retired
    with pytest.raises(NotFound):
        categories.edit_category(store, replace(seen, code="no_such"), 1)


def test_a_changed_deadline_applies_to_the_next_case_and_not_an_old_one(store, county):
    old = _file(store, county, "parking", cst(2026, 3, 2, 9, 0))
    assert old.deadline_at == cst(2026, 3, 2, 11, 0)  # 乱停车: 2 clock hours
    seen = store.get_category("parking")
    categories.edit_category(store, replace(seen, deadline_hours=8, deadline_kind="working"), seen.version)
    new = _file(store, county, "parking", cst(2026, 3, 2, 9, 0), lon=114.0045)
    assert new.deadline_at == cst(2026, 3, 3, 10, 0)  # 8 working hours: Monday's 7, Tuesday's first
    assert store.get_incident(county.id, old.id).deadline_at == cst(2026, 3, 2, 11, 0)


def test_a_retired_category_takes_no_new_case_and_old_cases_keep_it(store, county, tmp_path):
    old = _file(store, county, "sanitation", cst(2026, 3, 2, 9, 0))
    seen = store.get_category("sanitation")
    retired = categories.retire_category(store, "sanitation", seen.version, now=cst(2026, 3, 3, 10, 0))
    assert retired.retired_at == cst(2026, 3, 3, 10, 0) and retired.version == seen.version + 1
    assert "sanitation" not in [c.code for c in categories.offered(store.list_categories())]
    assert "sanitation" in [c.code for c in store.list_categories()]  # still named for old cases
    with pytest.raises(InvalidInput) as refused:
        _file(store, county, "sanitation", cst(2026, 3, 4, 9, 0), lon=114.0045)
    assert refused.value.details["field"] == "category"
    assert refused.value.en.startswith(
        "The problem category “Litter and sanitation” was retired on 2026-03-03"
    )
    assert "已于 2026-03-03 停用" in refused.value.message
    with pytest.raises(InvalidInput):  # a resident's 随手拍 too
        public.submit(store, county, cases.Report("sanitation", 114.004, 22.5101, source="public"), None,
                      "client", tmp_path, now=cst(2026, 3, 4, 9, 0))  # fmt: skip
    assert store.get_incident(county.id, old.id).category == "sanitation"
    assert store.count_incidents(county.id) == 1
    assert store.category_case_counts(county.id) == {"sanitation": 1}
    with pytest.raises(Conflict):
        categories.retire_category(store, "sanitation", retired.version)
    back = categories.reinstate_category(store, "sanitation", retired.version)
    assert not back.retired and _file(store, county, "sanitation", cst(2026, 3, 5, 9, 0), lon=114.0045).id


def test_no_category_can_be_deleted(store):
    with pytest.raises(Exception, match="category"), store.transaction():  # the database refuses it
        store._execute("DELETE FROM category WHERE code = %(c)s", {"c": "greenery"})
    assert store.get_category("greenery").name_zh == "绿化损毁"


def test_the_case_counts_are_the_countys_own(store, county):
    _file(store, county, "parking", cst(2026, 3, 2, 9, 0))
    _file(store, county, "posters", cst(2026, 3, 2, 9, 0))
    other = store.add_county(County("440305", "南山区"))
    assert store.category_case_counts(county.id) == {"parking": 1, "posters": 1}
    assert store.category_case_counts(other.id) == {}
