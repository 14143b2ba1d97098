"""Score settings and checklists from a month on, in the SQL both backends share
(geodata/stores/interface/score_rules.py; migration 0029)."""

from __future__ import annotations

from dataclasses import replace

from geodata.errors import Conflict, NotFound
from geodata.model import ChecklistItem
from geodata.scores.model import CHECKLIST_KINDS, ChecklistVersion, SettingsChange
from geodata.stores.shared.base import BaseStore

# A key's value in a month: the change with the latest effective month not after it (the later
# made of two for one month), else the value from the start.
SETTINGS_IN_FORCE = """
    SELECT s.key, s.description, COALESCE((
        SELECT v.value
        FROM score_setting_version AS v
        JOIN score_setting_change AS c ON c.id = v.change_id
        WHERE v.key = s.key AND c.effective_month <= %(m)s
        ORDER BY c.effective_month DESC, c.id DESC
        LIMIT 1
    ), s.value) AS value
    FROM score_setting AS s
    ORDER BY s.key
"""
VERSION_IN_FORCE = """
    SELECT id FROM checklist_version
    WHERE target_kind = %(k)s AND effective_month <= %(m)s
    ORDER BY effective_month DESC, id DESC
    LIMIT 1
"""
FROM_START_ITEMS = "SELECT * FROM checklist_item WHERE target_kind = %(k)s ORDER BY sort, code"
VERSION_ITEMS = """
    SELECT v.target_kind, i.version_id, i.code, i.name_zh, i.max_score, i.sort
    FROM checklist_version_item AS i
    JOIN checklist_version AS v ON v.id = i.version_id
    WHERE CAST(%(k)s AS TEXT) IS NULL OR v.target_kind = %(k)s
    ORDER BY i.version_id, i.sort, i.code
"""


class ScoreRulesSql(BaseStore):
    def score_settings(self, month: str) -> dict[str, tuple[float, str]]:
        rows = self._rows(SETTINGS_IN_FORCE, {"m": month})
        return {r["key"]: (float(r["value"]), r["description"]) for r in rows}

    def settings_changes(self) -> list[SettingsChange]:
        start = self._rows("SELECT key, value FROM score_setting ORDER BY key")
        values: dict[int, dict[str, float]] = {}
        for r in self._rows(
            "SELECT change_id, key, value FROM score_setting_version ORDER BY change_id, key"
        ):
            values.setdefault(r["change_id"], {})[r["key"]] = float(r["value"])
        changes = [
            SettingsChange(r["effective_month"], values.get(r["id"], {}), r["set_by"], self._time(r["set_at"]),
                           r["reason"], bool(r["rescore"]), r["follows"], r["id"])
            for r in self._rows("SELECT * FROM score_setting_change ORDER BY id")
        ]  # fmt: skip
        return [SettingsChange(None, {r["key"]: float(r["value"]) for r in start}), *changes]

    def add_settings_change(self, change: SettingsChange) -> SettingsChange:
        known = {r["key"] for r in self._rows("SELECT key FROM score_setting")}
        unknown = sorted(set(change.values) - known)
        if unknown:
            raise NotFound(
                f"没有评分参数 {', '.join(unknown)}",
                en=f"There is no scoring parameter {', '.join(unknown)}",
                field=unknown[0],
            )
        try:
            with self.transaction():
                change_id = self._insert(
                    "INSERT INTO score_setting_change (effective_month, set_by, set_at, reason, rescore, follows) "
                    "VALUES (%(m)s, %(by)s, %(at)s, %(reason)s, %(rescore)s, %(follows)s) RETURNING id",
                    {"m": change.effective_month, "by": change.set_by, "at": self._t(change.set_at),
                     "reason": change.reason, "rescore": change.rescore, "follows": change.follows},
                )[0]  # fmt: skip
                self._execute_many(
                    "INSERT INTO score_setting_version (change_id, key, value) VALUES (%(c)s, %(k)s, %(v)s)",
                    [{"c": change_id, "k": k, "v": float(v)} for k, v in sorted(change.values.items())],
                )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                "评分参数刚刚被他人修改：请重新打开页面，在最新设置的基础上修改",
                en="The score settings were changed by someone else just now: reopen the page and change the latest settings",
            ) from None
        return replace(change, id=change_id)

    def list_checklist(self, target_kind: str | None, month: str) -> list[ChecklistItem]:
        items = []
        for kind in CHECKLIST_KINDS if target_kind is None else (target_kind,):
            found = self._rows(VERSION_IN_FORCE, {"k": kind, "m": month})
            if not found:
                items += [self._item(kind, r) for r in self._rows(FROM_START_ITEMS, {"k": kind})]
                continue
            rows = self._rows(
                "SELECT * FROM checklist_version_item WHERE version_id = %(v)s ORDER BY sort, code",
                {"v": found[0]["id"]},
            )
            items += [self._item(kind, r) for r in rows]
        return items

    def checklist_versions(self, target_kind: str | None = None) -> list[ChecklistVersion]:
        items: dict[int, list[ChecklistItem]] = {}
        for r in self._rows(VERSION_ITEMS, {"k": target_kind}):
            items.setdefault(r["version_id"], []).append(self._item(r["target_kind"], r))
        versions = [
            ChecklistVersion(
                kind, None, tuple(self._item(kind, r) for r in self._rows(FROM_START_ITEMS, {"k": kind}))
            )
            for kind in (CHECKLIST_KINDS if target_kind is None else (target_kind,))
        ]
        rows = self._rows(
            "SELECT * FROM checklist_version WHERE CAST(%(k)s AS TEXT) IS NULL OR target_kind = %(k)s ORDER BY id",
            {"k": target_kind},
        )
        return versions + [
            ChecklistVersion(r["target_kind"], r["effective_month"], tuple(items.get(r["id"], ())), r["set_by"],
                             self._time(r["set_at"]), r["reason"], r["follows"], r["id"])
            for r in rows
        ]  # fmt: skip

    def add_checklist_version(self, version: ChecklistVersion) -> ChecklistVersion:
        try:
            with self.transaction():
                version_id = self._insert(
                    "INSERT INTO checklist_version (target_kind, effective_month, set_by, set_at, reason, follows) "
                    "VALUES (%(k)s, %(m)s, %(by)s, %(at)s, %(reason)s, %(follows)s) RETURNING id",
                    {"k": version.target_kind, "m": version.effective_month, "by": version.set_by,
                     "at": self._t(version.set_at), "reason": version.reason, "follows": version.follows},
                )[0]  # fmt: skip
                self._execute_many(
                    "INSERT INTO checklist_version_item (version_id, code, name_zh, max_score, sort) "
                    "VALUES (%(v)s, %(code)s, %(name)s, %(max)s, %(sort)s)",
                    [{"v": version_id, "code": i.code, "name": i.name_zh, "max": float(i.max_score), "sort": i.sort}
                     for i in version.items],
                )  # fmt: skip
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                "该检查表刚刚被他人修改：请重新打开页面，在最新版本的基础上修改",
                en="This checklist was changed by someone else just now: reopen the page and edit the latest version",
            ) from None
        return replace(version, id=version_id, items=tuple(replace(i, target_kind=version.target_kind)
                                                           for i in version.items))  # fmt: skip

    @staticmethod
    def _item(kind: str, r) -> ChecklistItem:
        return ChecklistItem(kind, r["code"], r["name_zh"], float(r["max_score"]), int(r["sort"]))
