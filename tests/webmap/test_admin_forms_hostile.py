"""Hostile input to the administration's forms, sent by an administrator (the fuzzer of
tests/webmap/test_fuzz.py posts forms without a session, so it never gets past the sign-in):
any text, huge numbers, lone surrogates, markup, in every field of /admin/categories,
/admin/holidays and /admin/county, on SQLite and on PostGIS. Never a 5xx; a refusal changes
nothing, and nothing sent ever comes back as markup."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.bench import fuzz
from tests.support.admin import people
from tests.support.web import county_app

FORMS = {
    "/admin/categories": ("code", "name_zh", "name_en", "deadline_hours", "deadline_kind", "public", "sort",
                          "cc_code", "cc_class"),
    "/admin/categories/parking": ("version", "name_zh", "name_en", "deadline_hours", "deadline_kind", "sort",
                                  "cc_code", "cc_class"),
    "/admin/categories/parking/retire": ("version", "confirm"),
    "/admin/categories/parking/reinstate": ("version",),
    "/admin/holidays/load": ("year",),
    "/admin/holidays/day": ("day", "kind", "name"),
    "/admin/holidays/remove": ("day", "confirm"),
    "/admin/county": ("version", "name", "hotline", "public_title_zh", "public_title_en", "public_intro_zh",
                      "public_intro_en", "basemap"),
}  # fmt: skip
GOOD = {"version": "1", "deadline_hours": "24", "sort": "1", "deadline_kind": "working", "public": "1",
        "name_zh": "测试", "name_en": "Test", "day": "2027-02-09", "kind": "holiday", "year": "2026",
        "confirm": "1", "name": "测试县", "code": "new_one"}  # fmt: skip
values = st.one_of(
    st.sampled_from(fuzz.TEXTS + ["0", "8761", "-5", "2147483648", "1" * 40, "2099-12-31", "2000-01-01"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
HOSTILE = settings(
    max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@pytest.fixture(params=["sqlite", "postgis"])
def admin(request, tmp_path):
    url = request.getfixturevalue("committed_postgis_url") if request.param == "postgis" else None
    app = county_app(tmp_path, url)
    yield people(app)["admin1"]
    app.extensions["portal_db"].close()


@HOSTILE
@given(data=st.data())
def test_no_form_field_brings_a_5xx_or_comes_back_as_markup(admin, data):
    url = data.draw(st.sampled_from(sorted(FORMS)))
    fields = {k: GOOD.get(k, "") for k in FORMS[url]}
    spoilt = data.draw(st.dictionaries(st.sampled_from(FORMS[url]), values, min_size=1, max_size=3))
    answer = admin.post(url, **{**fields, **spoilt})
    assert answer.status_code < 500, (url, spoilt, answer.text[:300])
    assert "<script>alert(1)" not in answer.text
