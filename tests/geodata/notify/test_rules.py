"""The rules on both backends: a case dispatched to a unit, or sent back for rework, gives the unit
one inbox row and one pending delivery per channel it has, written in the event's transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from geodata.cases import workflow as cases
from geodata.notify.model import Recipient, UnitContact
from geodata.notify.rules import RULES, message_id

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LEADER = cases.Actor("leader", "leader")
INSPECTOR = cases.Actor("inspector", "inspector")
ON_THE_ROAD = (114.004, 22.5101)  # routed to the traffic police (JJ)


def _unit(store, county, code):
    return store.get_unit_by_code(county.id, code)


def _file(store, county, at=ON_THE_ROAD, category="parking", now=NOW):
    return cases.file_report(
        store, county, cases.Report(category, *at, address="红荔路 8 号"), INSPECTOR, now=now
    )


def test_a_case_dispatched_on_filing_gives_its_unit_one_row_and_a_delivery_per_channel(store, county):
    police = _unit(store, county, "JJ")
    store.set_unit_contact(
        county.id, police.id, UnitContact("duty@jj.example.cn", "https://qyapi.example/send?key=k")
    )
    case = _file(store, county).incident
    assert case.status == "dispatched" and case.unit_id == police.id
    rows = store.list_notifications(county.id, Recipient(unit_id=police.id))
    assert len(rows) == 1
    (row,) = rows
    assert (row.kind, row.incident_id, row.created_at, row.read_at) == ("dispatched", case.id, NOW, None)
    assert (
        row.title == f"新派发案件 #{case.id}：乱停车"
        and row.title_en == f"Case #{case.id} dispatched to you: Illegal parking"
    )
    assert (
        "交警大队" in row.body and "红荔路 8 号" in row.body and "2026-11-02 19:00" in row.body
    )  # 2 h, county time
    deliveries = store.deliveries_of(row.id)
    assert [(d.channel, d.target, d.state, d.tries, d.next_at) for d in deliveries] == [
        ("email", "duty@jj.example.cn", "pending", 0, NOW),
        ("wecom", "https://qyapi.example/send?key=k", "pending", 0, NOW),
    ]
    assert (
        deliveries[0].message_id
        == message_id(row.id, "email", "440304")
        == f"<n{row.id}.email@portal.440304>"
    )
    # no one else was told: the other units' inboxes are empty
    for code in ("W", "E"):
        assert store.count_notifications(county.id, Recipient(unit_id=_unit(store, county, code).id)) == 0


def test_a_leaders_dispatch_and_a_rework_each_notify_the_unit_without_contacts_in_the_inbox_only(
    store, county
):
    west = _unit(store, county, "W")
    filed = _file(store, county, at=(114.01003, 22.515), category="sanitation").incident  # on the boundary
    assert filed.status == "filed"
    assert (
        store.count_deliveries(county.id) == 0
        and store.count_notifications(county.id, Recipient(west.id)) == 0
    )
    cases.act(store, county, filed.id, "dispatch", LEADER, unit_code="W", now=NOW)
    cases.act(store, county, filed.id, "handle", cases.Actor("w", "unit_staff", west.id), now=NOW)
    cases.act(store, county, filed.id, "reopen", INSPECTOR, note="地面仍有垃圾", now=NOW + timedelta(hours=1))
    rows = store.list_notifications(county.id, Recipient(unit_id=west.id))
    assert [r.kind for r in rows] == ["rework", "dispatched"]  # newest first
    assert (
        "第 1 次" in rows[0].body
        and "说明：地面仍有垃圾" in rows[0].body
        and "Note: 地面仍有垃圾" in rows[0].body_en
    )
    assert store.count_notifications(county.id, Recipient(unit_id=west.id), unread=True) == 2
    assert store.count_deliveries(county.id) == 0  # W has no e-mail and no robot


def test_a_failure_after_the_event_rolls_back_the_case_and_its_message_together(store, county):
    police = _unit(store, county, "JJ")
    store.set_unit_contact(county.id, police.id, UnitContact("duty@jj.example.cn"))
    inbox = Recipient(unit_id=police.id)
    with pytest.raises(RuntimeError), store.transaction():
        _file(store, county)
        assert store.count_notifications(county.id, inbox) == 1  # written, inside the transaction
        raise RuntimeError("the process dies before the commit")
    assert store.count_incidents(county.id) == 0
    assert store.count_notifications(county.id, inbox) == 0 and store.count_deliveries(county.id) == 0


def test_a_delivery_that_cannot_be_written_leaves_the_case_as_it_was(store, county, monkeypatch):
    west = _unit(store, county, "W")
    store.set_unit_contact(county.id, west.id, UnitContact(wecom_url="https://qyapi.example/send?key=w"))
    filed = _file(store, county, at=(114.01003, 22.515), category="sanitation").incident

    def broken(deliveries):
        raise RuntimeError("the outbox's table is gone")

    monkeypatch.setattr(store, "add_deliveries", broken)
    with pytest.raises(RuntimeError):
        cases.act(store, county, filed.id, "dispatch", LEADER, unit_code="W", now=NOW)
    monkeypatch.undo()
    assert store.get_incident(county.id, filed.id).status == "filed"
    assert [e.to_status for e in store.incident_events(county.id, filed.id)] == ["filed"]
    assert store.count_notifications(county.id, Recipient(unit_id=west.id)) == 0


def test_every_rule_has_both_languages_and_known_recipients():
    from geodata.labels import NOTIFICATION_KIND
    from geodata.notify.rules import RECIPIENTS, REPORTER_RULES

    assert set(RULES) | set(REPORTER_RULES) == set(NOTIFICATION_KIND)
    assert not set(RULES) & set(REPORTER_RULES)
    for kind, rule in RULES.items():
        assert rule.recipients in RECIPIENTS, kind
        assert all(text.strip() for text in (*rule.title, *rule.body)), kind
    for kind, rule in REPORTER_RULES.items():  # e-mail only, and never a staff-only fact
        assert rule.channels == ("email",) and rule.recipients == "reporter", kind
        assert all(text.strip() for text in (*rule.title, *rule.body)), kind
        assert not any(word in text for text in rule.body for word in ("{unit}", "{deadline}", "{where}")), (
            kind
        )
