"""Categories as administrators keep them and a county's settings (migration 0028), in the SQL both
backends share (geodata/stores/interface/admin_settings.py). An edit names the version it was made
on: ``WHERE version = %(version)s`` writes nothing when someone else's edit came first, and that
edit is refused (StaleVersion, 409) instead of overwriting theirs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from geodata.errors import Conflict, NotFound, StaleVersion
from geodata.model import CC_CLASSES, DEADLINE_KINDS, Category, CountySetting
from geodata.stores.shared.base import BaseStore, Row
from geodata.stores.shared.checks import check_choice

_ADD_CATEGORY = """
    INSERT INTO category (code, name_zh, name_en, deadline_hours, public, sort, campaign, deadline_kind,
                          cc_code, cc_class)
    VALUES (%(code)s, %(name_zh)s, %(name_en)s, %(deadline_hours)s, %(public)s, %(sort)s, %(campaign)s,
            %(deadline_kind)s, %(cc_code)s, %(cc_class)s)
"""
_UPDATE_CATEGORY = """
    UPDATE category
    SET name_zh = %(name_zh)s, name_en = %(name_en)s, deadline_hours = %(deadline_hours)s,
        deadline_kind = %(deadline_kind)s, public = %(public)s, sort = %(sort)s, cc_code = %(cc_code)s,
        cc_class = %(cc_class)s, version = version + 1
    WHERE code = %(code)s AND version = %(version)s
    RETURNING code
"""
_RETIRE_CATEGORY = """
    UPDATE category
    SET retired_at = %(retired_at)s, version = version + 1
    WHERE code = %(code)s AND version = %(version)s
    RETURNING code
"""
_SETTING_COLUMNS = (
    "hotline", "public_title_zh", "public_title_en", "public_intro_zh", "public_intro_en", "basemap",
)  # fmt: skip
_FIRST_SETTING = f"""
    INSERT INTO county_setting (county_id, {", ".join(_SETTING_COLUMNS)}, version, updated_at, updated_by)
    VALUES (%(county_id)s, {", ".join(f"%({c})s" for c in _SETTING_COLUMNS)}, 1, %(updated_at)s, %(updated_by)s)
    ON CONFLICT (county_id) DO NOTHING
    RETURNING county_id
"""
_UPDATE_SETTING = f"""
    UPDATE county_setting
    SET {", ".join(f"{c} = %({c})s" for c in _SETTING_COLUMNS)}, version = version + 1,
        updated_at = %(updated_at)s, updated_by = %(updated_by)s
    WHERE county_id = %(county_id)s AND version = %(version)s
    RETURNING county_id
"""


def category_of(r: Row, time: Callable[[object], datetime | None]) -> Category:
    """A category row as a Category (``time`` reads the backend's kept times)."""
    return Category(
        r["code"], r["name_zh"], r["name_en"], r["deadline_hours"], bool(r["public"]), r["sort"], r["campaign"],
        r["deadline_kind"], r["cc_code"], r["cc_class"], time(r["retired_at"]), r["version"],
    )  # fmt: skip


def _stale_category(code: str) -> StaleVersion:
    return StaleVersion(
        f"问题类别 {code} 在您打开之后已被他人修改，本次修改未保存：请刷新页面，看过新的内容后再改",
        en=f"The problem category {code} was changed by someone else after you opened it; your change was "
        "not saved: please reload the page and make it again on what is there now",
        field="version",
    )


class AdminSettingsSql(BaseStore):
    # -- categories --------------------------------------------------------------------------------
    def add_category(self, category: Category) -> Category:
        self._check_category(category)
        try:
            with self.transaction():
                self._execute(_ADD_CATEGORY, vars(category))
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"类别编码 {category.code} 已被使用：请换一个编码",
                en=f"The category code {category.code} is already used: please choose another",
                field="code",
            ) from None
        return replace(category, retired_at=None, version=1)

    def update_category(self, category: Category, version: int) -> Category:
        self._check_category(category)
        return self._versioned_category(_UPDATE_CATEGORY, {**vars(category), "version": version})

    def set_category_retired(self, code: str, retired_at: datetime | None, version: int) -> Category:
        params = {"code": code, "retired_at": self._t(retired_at), "version": version}
        return self._versioned_category(_RETIRE_CATEGORY, params)

    def _versioned_category(self, sql: str, params: dict) -> Category:
        with self.transaction():
            written = self._rows(sql, params)
            if not written:
                self._one_category(params["code"])  # NotFound naming an unknown code
                raise _stale_category(params["code"])
            return self._one_category(params["code"])

    def _one_category(self, code: str) -> Category:
        rows = self._rows("SELECT * FROM category WHERE code = %(code)s", {"code": code})
        if not rows:
            raise NotFound(
                f"未知的问题类别 {code!r}", en=f"Unknown problem category {code!r}", field="category"
            )
        return category_of(rows[0], self._time)

    @staticmethod
    def _check_category(category: Category) -> None:
        check_choice(category.deadline_kind, DEADLINE_KINDS, "deadline kind")
        if category.cc_class:
            check_choice(category.cc_class, CC_CLASSES, "cc class")

    def category_case_counts(self, county_id: int) -> dict[str, int]:
        rows = self._rows(
            "SELECT category, COUNT(*) AS n FROM incident WHERE county_id = %(c)s GROUP BY category",
            {"c": county_id},
        )
        return {r["category"]: int(r["n"]) for r in rows}

    # -- a county's settings -----------------------------------------------------------------------
    def get_county_setting(self, county_id: int) -> CountySetting:
        rows = self._rows("SELECT * FROM county_setting WHERE county_id = %(c)s", {"c": county_id})
        if not rows:
            return CountySetting(county_id)
        r = rows[0]
        return CountySetting(
            county_id,
            *(r[c] for c in _SETTING_COLUMNS),
            r["version"],
            self._time(r["updated_at"]),
            r["updated_by"],
        )

    def save_county_setting(self, setting: CountySetting, version: int) -> CountySetting:
        params = {**vars(setting), "updated_at": self._t(setting.updated_at), "version": version}
        with self.transaction():
            written = self._rows(_FIRST_SETTING if version == 0 else _UPDATE_SETTING, params)
            if not written:
                raise StaleVersion(
                    "县区设置在您打开之后已被他人保存，本次修改未保存：请刷新页面，看过新的内容后再改",
                    en="The county's settings were saved by someone else after you opened them; your change "
                    "was not saved: please reload the page and make it again on what is there now",
                    field="version",
                )
            return self.get_county_setting(setting.county_id)
