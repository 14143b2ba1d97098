"""Inspections, community tiers and civilized titles, in the SQL both backends share
(geodata/stores/interface/scores.py; the checklists and settings that score them: score_rules.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from geodata.errors import Conflict, NotFound
from geodata.model import Inspection, TierDecision, TitleAward
from geodata.stores.shared.base import BaseStore

INSERT_INSPECTION = """
    INSERT INTO inspection (county_id, target_kind, target_id, inspector, panel, inspected_at, score, items)
    VALUES (%(county_id)s, %(target_kind)s, %(target_id)s, %(inspector)s, %(panel)s, %(inspected_at)s,
            %(score)s, %(items)s)
"""
LIST_INSPECTIONS = """
    SELECT *
    FROM inspection
    WHERE county_id = %(county)s
      AND (CAST(%(kind)s AS TEXT) IS NULL OR target_kind = %(kind)s)
      AND (CAST(%(target)s AS INTEGER) IS NULL OR target_id = %(target)s)
    ORDER BY inspected_at, id
"""


def _day(value) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


class ScoresSql(BaseStore):
    def add_inspections(self, inspections: Sequence[Inspection]) -> int:
        rows = [
            {**vars(i), "inspected_at": self._t(i.inspected_at), "items": self._obj(i.items)}
            for i in inspections
        ]
        self._execute_many(INSERT_INSPECTION, rows)
        return len(inspections)

    def list_inspections(self, county_id, target_kind=None, target_id=None) -> list[Inspection]:
        rows = self._rows(LIST_INSPECTIONS, {"county": county_id, "kind": target_kind, "target": target_id})
        return [
            Inspection(r["county_id"], r["target_kind"], r["target_id"], r["inspector"], r["panel"],
                       self._time(r["inspected_at"]), r["score"], self._dict(r["items"]), r["id"])
            for r in rows
        ]  # fmt: skip

    def add_tier_decision(self, decision: TierDecision) -> TierDecision:
        try:
            row = self._insert(
                "INSERT INTO tier_decision (county_id, zone_id, month, proposed, tier, decided_by, decided_at) "
                "VALUES (%(county_id)s, %(zone_id)s, %(month)s, %(proposed)s, %(tier)s, %(decided_by)s, "
                "%(decided_at)s) RETURNING id",
                {**vars(decision), "decided_at": self._t(decision.decided_at)},
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"区域 #{decision.zone_id} 已评定 {decision.month} 的等次",
                en=f"Zone #{decision.zone_id} already has a tier decided for {decision.month}",
            ) from None
        return replace(decision, id=row[0])

    def list_tier_decisions(self, county_id: int, zone_id: int | None = None) -> list[TierDecision]:
        rows = self._rows(
            "SELECT * FROM tier_decision WHERE county_id = %(c)s "
            "AND (CAST(%(z)s AS INTEGER) IS NULL OR zone_id = %(z)s) ORDER BY month, id",
            {"c": county_id, "z": zone_id},
        )
        return [
            TierDecision(r["county_id"], r["zone_id"], r["month"], r["tier"], r["decided_by"],
                         self._time(r["decided_at"]), r["proposed"], r["id"])
            for r in rows
        ]  # fmt: skip

    def award_title(self, award: TitleAward) -> TitleAward:
        row = self._insert(
            "INSERT INTO title_award (county_id, zone_id, title, awarded_on, withdrawn_on, awarded_by) "
            "VALUES (%(county_id)s, %(zone_id)s, %(title)s, %(awarded_on)s, %(withdrawn_on)s, %(awarded_by)s) "
            "RETURNING id",
            {**vars(award), "awarded_on": award.awarded_on.isoformat(),
             "withdrawn_on": award.withdrawn_on and award.withdrawn_on.isoformat()},
        )  # fmt: skip
        return replace(award, id=row[0])

    def withdraw_title(self, county_id: int, award_id: int, on: date) -> TitleAward:
        award = self._title(county_id, award_id)
        if award.withdrawn_on is not None:
            raise Conflict(
                f"称号 #{award_id} 已于 {award.withdrawn_on} 撤销",
                en=f"Title award #{award_id} was withdrawn on {award.withdrawn_on} already",
            )
        if on < award.awarded_on:
            raise Conflict(
                f"称号 #{award_id} 于 {award.awarded_on} 授予；撤销日期不能早于授予日期",
                en=f"Title award #{award_id} was awarded on {award.awarded_on}; withdraw it on or after",
            )
        self._execute(
            "UPDATE title_award SET withdrawn_on = %(on)s WHERE county_id = %(c)s AND id = %(id)s",
            {"on": on.isoformat(), "c": county_id, "id": award_id},
        )
        return replace(award, withdrawn_on=on)

    def list_titles(self, county_id: int, zone_id: int | None = None) -> list[TitleAward]:
        rows = self._rows(
            "SELECT * FROM title_award WHERE county_id = %(c)s "
            "AND (CAST(%(z)s AS INTEGER) IS NULL OR zone_id = %(z)s) ORDER BY awarded_on, id",
            {"c": county_id, "z": zone_id},
        )
        return [self._award(r) for r in rows]

    def _title(self, county_id: int, award_id: int) -> TitleAward:
        rows = self._rows(
            "SELECT * FROM title_award WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": award_id},
        )
        if not rows:
            raise NotFound(f"称号 #{award_id} 不存在", en=f"Title award #{award_id} does not exist")
        return self._award(rows[0])

    def _award(self, r) -> TitleAward:
        return TitleAward(
            r["county_id"], r["zone_id"], r["title"], _day(r["awarded_on"]), r["awarded_by"],
            _day(r["withdrawn_on"]), r["id"],
        )  # fmt: skip
