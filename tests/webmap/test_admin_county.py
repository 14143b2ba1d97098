"""The county's settings in the browser (/admin/county, issue #20 part 5): its name, public hotline,
the public map page's title and introduction (plain text: a <script> shows as text) and the
basemap its maps open on; today's texts until something is set; a second administrator's stale
save refused (409); bad input refused beside its field with nothing changed; administrators
only; English pages in English."""

from __future__ import annotations

import re

import pytest

from tests.support.admin import people
from tests.support.english import chinese_outside, switch_language
from tests.support.web import COUNTY_CODE, county_app
from webmap import get_store

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def who(app):
    return people(app)


def _brand(page: str) -> str:
    return re.search(r'<a class="public-brand"[^>]*>(.*?)</a>', page).group(1)


def _save(person, **changes):
    return person.post("/admin/county", **{**person.form("/admin/county", "county-form"), **changes})


def test_until_set_the_public_page_keeps_todays_texts(app, client):
    page = client.get("/").text
    assert _brand(page) == "测试县 · 文明创建地图" and "<title>测试县 · 文明创建地图</title>" in page
    assert 'id="public-about"' not in page
    assert _brand(client.get("/?lang=en").text) == "测试县 · Civilized County Map"


def test_saved_settings_show_on_the_public_page_as_plain_text(app, who, client):
    answer = _save(
        who["admin1"], name="测试新县", hotline="0755-12345", public_title_zh="测试新县创文地图",
        public_intro_zh=f"欢迎{SCRIPT}\n第二行", public_title_en="A <b>bold</b> map", public_intro_en="Welcome.",
    )  # fmt: skip
    assert answer.status_code == 302
    page = client.get("/").text
    assert _brand(page) == "测试新县创文地图" and "<title>测试新县创文地图</title>" in page
    about = re.search(r'<details id="public-about".*?</details>', page, re.S).group(0)
    assert "欢迎&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\n第二行" in about
    assert SCRIPT not in page and "<b>bold" not in client.get("/?lang=en").text
    assert 'href="tel:075512345">0755-12345</a>' in about
    english = client.get("/?lang=en").text
    assert _brand(english) == "A &lt;b&gt;bold&lt;/b&gt; map" and "Welcome." in english
    assert "测试新县" in who["leader1"].get("/portal").text  # the staff pages take the new name
    with app.app_context():
        assert get_store().get_county(COUNTY_CODE).name == "测试新县"
    back = who["admin1"].form("/admin/county", "county-form")
    assert back["public_intro_zh"] == f"欢迎{SCRIPT}\n第二行" and back["version"] == "1"


def test_an_english_page_without_its_own_texts_keeps_the_standard_ones(who, client):
    assert _save(who["admin1"], public_title_zh="测试县创文地图", public_intro_zh="欢迎").status_code == 302
    english = client.get("/?lang=en").text
    assert _brand(english) == "测试县 · Civilized County Map" and 'id="public-about"' not in english


def test_a_second_administrator_saving_on_an_old_page_gets_409(app, who):
    first = who["admin1"].form("/admin/county", "county-form")
    second = who["admin2"].form("/admin/county", "county-form")
    assert who["admin1"].post("/admin/county", **{**first, "hotline": "12345"}).status_code == 302
    late = who["admin2"].post("/admin/county", **{**second, "name": "别的县", "hotline": "12319"})
    assert late.status_code == 409 and "县区设置在您打开之后已被他人保存" in late.text
    assert 'value="12319"' in late.text  # what they typed, to do again
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        assert county.name == "测试县" and store.get_county_setting(county.id).hotline == "12345"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"hotline": "call me"}, "hotline", "服务热线 &#39;call me&#39; 无效"),
        ({"name": " "}, "name", "请填写县区名称"),
        ({"public_title_zh": "标" * 61}, "public_title_zh", "中文标题过长"),
        ({"public_intro_en": "中文简介"}, "public_intro_en", "英文简介含有中文"),
        ({"public_intro_zh": "x" * 601}, "public_intro_zh", "最多 600 字"),
        ({"basemap": "https://evil.example/{z}/{x}/{y}.png"}, "basemap", "不可选"),
        ({"version": "abc"}, "version", "缺少页面打开时的版本号"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_changes(app, who, changes, field, words):
    answer = _save(who["admin1"], **changes)
    assert answer.status_code == 400 and words in answer.text and f'id="error-{field}"' in answer.text
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        assert county.name == "测试县" and store.get_county_setting(county.id).version == 0


def test_the_basemap_is_one_the_deployment_offers(tmp_path):
    app = county_app(tmp_path, basemap="tianditu:abc123")
    admin = people(app)["admin1"]
    offered = re.findall(r'<option value="([^"]*)"', admin.get("/admin/county").text)
    assert offered == ["", "tianditu_vec", "tianditu_img", "none"]
    portal = admin.get("/portal")
    assert "LAYER=vec" in portal.text and "tianditu.gov.cn" in portal.headers["Content-Security-Policy"]
    assert _save(admin, basemap="tianditu_img").status_code == 302
    assert "LAYER=img" in admin.get("/portal").text and "LAYER=vec" not in admin.get("/portal/edit").text
    assert _save(admin, basemap="none").status_code == 302
    assert "L.tileLayer" not in admin.get("/portal").text
    assert _save(admin, basemap="amap").status_code == 400  # not this deployment's


@pytest.mark.parametrize("name", ["leader1", "staff1", "insp1"])
def test_only_administrators(app, who, name):
    assert who[name].get("/admin/county").status_code == 403
    assert who[name].post("/admin/county", name="x", version="0").status_code == 403
    with app.app_context():
        assert get_store().get_county(COUNTY_CODE).name == "测试县"


def test_the_english_page_holds_no_chinese_but_the_data(who):
    admin = who["admin1"]
    switch_language(admin.client, "en")  # the person's choice: every page, and its messages, in English
    assert _save(admin, hotline="12345", public_title_zh="测试县创文地图").status_code == 302
    page = admin.get("/admin/county")
    assert "settings were saved" in page.text
    assert page.status_code == 200 and chinese_outside(page.text, {"测试县", "测试县创文地图"}) == []
    refused = admin.post("/admin/county", **{**admin.form("/admin/county", "county-form"), "hotline": "x"})
    assert "The hotline 'x' is invalid" in refused.text.replace("&#39;", "'")
    assert chinese_outside(refused.text, {"测试县", "测试县创文地图"}) == []
