"""The demo county: what it holds, that the same seed gives the same data, one demo per database."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import shapely
from werkzeug.security import check_password_hash

from demo.county import seed_demo
from demo.incidents import MINE_DAYS
from demo.names import FIVE_RECTIFICATIONS
from demo.posts import CST, DemoYear
from geodata.accounts import passwords
from geodata.cases import handling
from geodata.cases.deadlines import deadline
from geodata.cases.holidays import county_calendar
from geodata.errors import Conflict
from geodata.model import FIVE_RECTIFICATIONS as CAMPAIGN
from geodata.stores.store import open_store

N_INCIDENTS = 1_500
# A pinned moment, so the tests see one year whatever the day they run: mid-January, to cross a year.
NOW = datetime(2027, 1, 15, 16, 30, tzinfo=CST)
YEAR = DemoYear(NOW)


@pytest.fixture
def demo(sqlite_store):
    return sqlite_store, seed_demo(sqlite_store, seed=42, n_incidents=N_INCIDENTS, now=NOW)


def test_demo_holds_the_county_the_scheme_and_a_year_of_incidents(demo):
    store, result = demo
    cid = result.county.id
    assert (result.county.code, result.county.name) == ("440304", "福田示范区")
    assert result.counts["segment"] == 2567
    assert 10 <= result.counts["zone"] <= 14 and 20 <= result.counts["unit"] <= 30
    assert result.counts["incident"] == N_INCIDENTS and result.counts["inspection"] > 0
    communities = store.list_zones(cid, kind="community")
    assert all(z.name.endswith("社区") and z.geom.is_valid for z in communities)
    assert shapely.union_all([z.geom for z in communities]).area == pytest.approx(
        sum(z.geom.area for z in communities), rel=1e-6
    )  # communities do not overlap
    units = store.list_units(cid)
    assert {"区城市管理和综合执法局", "区交警大队"} <= {u.name for u in units}
    assert all(u.hotline.startswith("0755-") for u in units)
    incidents = store.list_incidents(cid)
    five = [c.code for c in store.list_categories() if c.campaign == CAMPAIGN]  # in the table's order
    assert list(FIVE_RECTIFICATIONS) == five and set(Counter(i.category for i in incidents)) == set(five)
    assert all(YEAR.start <= i.reported_at <= NOW for i in incidents)
    assert YEAR.start == datetime(2026, 1, 1, tzinfo=CST)  # twelve whole months, then January to the 15th
    assert sum(i.unit_id is not None for i in incidents) > 0.8 * N_INCIDENTS
    assert any(i.unit_id is None for i in incidents)  # the gaps left on purpose


def test_demo_leaves_gaps_and_changes_a_lead_mid_year(demo):
    store, result = demo
    cid = result.county.id
    unguarded_community = result.unguarded[0]
    zone = next(z for z in store.list_zones(cid) if z.name == unguarded_community)
    assert [a.role for a in store.assignments_of(cid, "zone", zone.id)] == ["assist"]
    changed = [
        s.id
        for s in store.list_segments(cid)
        if len([a for a in store.assignments_of(cid, "segment", s.id) if a.role == "lead"]) == 2
    ]
    assert changed, "one main road changes its lead unit at mid-year"


def test_demo_users_one_per_role(demo):
    store, result = demo
    assert sorted(u.role for u in result.users) == ["admin", "inspector", "leader", "unit_staff"]
    for user in result.users:
        stored = store.get_user_by_name(user.username)
        assert check_password_hash(stored.password_hash, user.password)
        assert passwords.problems(user.password, user.username) == []  # printed, and usable as is
        assert not stored.must_change_password
    # the demo inspector's own reports: the inspectors' cases of the year's last week
    cid = result.county.id
    mine = store.list_incidents(cid, reporter="inspector")
    assert mine and {i.source for i in mine} == {"inspector"}
    assert min(i.reported_at for i in mine) >= NOW - timedelta(days=MINE_DAYS)


def test_same_seed_same_data(tmp_path):
    snapshots = []
    for run, seed in enumerate((7, 7, 8)):
        store = open_store(f"sqlite:///{tmp_path / f'demo{run}.sqlite'}")
        store.migrate()
        cid = seed_demo(store, seed=seed, n_incidents=300, now=NOW).county.id
        snapshots.append(_snapshot(store, cid))
        store.close()
    assert snapshots[0] == snapshots[1]
    assert snapshots[0]["incidents"] != snapshots[2]["incidents"]


def _snapshot(store, cid) -> dict:
    return {
        "zones": [(z.code, z.name, z.geom.wkb) for z in store.list_zones(cid)],
        "units": [(u.code, u.name, u.hotline) for u in store.list_units(cid)],
        "assignments": sorted(
            (a.unit_id, a.target_kind, a.target_id, a.role, a.valid_from, a.valid_to, a.person, a.phone)
            for kind in ("zone", "segment")
            for a in store.assignments_at(cid, YEAR.start, kind)
        ),
        "incidents": [
            (i.category, i.geom.wkb, i.reported_at, i.status, i.zone_id, i.segment_id, i.unit_id)
            for i in store.list_incidents(cid)
        ],
        "inspections": [(x.target_kind, x.target_id, x.score) for x in store.list_inspections(cid)],
    }


@pytest.fixture
def demo_on_each(store):
    """The demo on SQLite and on PostGIS (the events are written by COPY there)."""
    return store, seed_demo(store, seed=42, n_incidents=N_INCIDENTS, now=NOW)


def test_every_case_has_the_history_of_its_status_and_the_year_ends_today(demo_on_each):
    store, result = demo_on_each
    cid = result.county.id
    incidents = store.list_incidents(cid)
    for case in incidents[::25]:  # a sample: one query each
        events = store.incident_events(cid, case.id)
        assert events[0].to_status == "filed" and events[0].at == case.reported_at
        assert events[-1].to_status == case.status and events[-1].at == case.updated_at
        assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False)) and events[-1].at <= NOW
        assert all(b.from_status == a.to_status for a, b in zip(events, events[1:], strict=False))
        assert case.rework == sum(e.to_status == "reopened" for e in events)
    by_month = Counter((i.reported_at.astimezone(CST).strftime("%Y-%m"), i.status) for i in incidents)
    december = {s: n for (m, s), n in by_month.items() if m == "2026-12"}
    january = {s: n for (m, s), n in by_month.items() if m == "2027-01"}
    assert december.get("closed", 0) > 0.7 * sum(december.values())  # last month: mostly closed
    assert sum(january.values()) > 0 and sum(january.get(s, 0) for s in ("dispatched", "handled")) > 0
    inspected = Counter(x.inspected_at.astimezone(CST).strftime("%Y-%m") for x in store.list_inspections(cid))
    assert inspected["2026-12"] >= result.counts["zone"] and inspected["2027-01"] > 0
    assert "2027-02" not in inspected and "2025-12" not in inspected


def test_the_demo_counts_deadlines_of_a_day_or_more_in_working_hours(demo):
    store, result = demo
    kinds = {c.code: (c.deadline_hours, c.deadline_kind) for c in store.list_categories()}
    assert kinds["posters"] == (24, "working") and kinds["parking"] == (2, "calendar")
    first, last = date(2025, 12, 1), date(2027, 12, 31)
    calendar = county_calendar(store, result.county.id, first, last)
    assert date(2026, 2, 16) in calendar.holidays and date(2026, 2, 28) in calendar.workdays
    for case in store.list_incidents(result.county.id)[::10]:
        hours, kind = kinds[case.category]
        assert case.deadline_at == deadline(case.reported_at, hours, kind, calendar)
        # A working deadline is the end of a working hour: 24 office hours are never under a day.
        assert kind == "calendar" or case.deadline_at - case.reported_at > timedelta(hours=hours)


def test_a_second_demo_is_refused_and_changes_nothing(demo):
    store, result = demo
    before = dict(result.counts)
    with pytest.raises(Conflict, match="本数据库中已有演示县区 440304"):
        seed_demo(store, n_incidents=10)
    assert {t: store.count(result.county.id, t) for t in before} == before


def test_the_demo_staff_users_unit_finds_recent_notifications_and_nothing_is_queued(demo):
    from geodata.notify.model import Recipient

    store, result = demo
    cid = result.county.id
    staff = store.get_user_by_name("staff")
    inbox = store.list_notifications(cid, Recipient(unit_id=staff.unit_id), limit=100)
    assert 5 <= len(inbox) <= 20 and {n.kind for n in inbox} <= {"dispatched", "rework"}
    unread = [n for n in inbox if n.read_at is None]
    assert unread and inbox[0].read_at is None  # the newest few are unread, the older ones read
    assert all(n.created_at >= NOW - timedelta(days=2) for n in unread[5:])
    assert all(store.get_incident(cid, n.incident_id).unit_id == staff.unit_id for n in inbox)
    assert store.count_deliveries(cid) == 0  # the demo's units have no e-mail or robots: no network


def test_some_residents_answered_on_closed_cases_so_the_scores_show_a_satisfaction(demo):
    from layers.satisfaction import month_satisfaction
    from layers.score_map import default_month

    store, result = demo
    county = result.county
    rates = {
        month: month_satisfaction(store, county, month)
        for month in (default_month(NOW), NOW.strftime("%Y-%m"))
    }
    last_month = rates[default_month(NOW)]
    assert len(last_month) >= 3 and sum(s.answered for s in last_month.values()) >= 5
    assert any(s.rate_pct is not None and 50 <= s.rate_pct <= 100 for s in last_month.values())
    answered = [
        r
        for r in store.list_public_reports(county.id, "approved", limit=500)
        if store.get_feedback(county.id, r.incident_id)
    ]
    assert answered and all(r.state == "approved" and r.incident_id for r in answered)
    for r in answered:
        given = store.get_feedback(county.id, r.incident_id)
        case = store.get_incident(county.id, r.incident_id)
        assert given.at < NOW and case.status == ("closed" if given.answer == "solved" else "reopened")


def test_the_demo_has_returns_extensions_records_and_supervision_and_raises_no_flood(demo):
    """A demo started today finds the 督办 of its overdue cases raised already (the worker's first
    sweep raises none), some answered; returns, extensions and cases on record of each kind."""
    store, result = demo
    cid = result.county.id
    requests = store.case_requests(cid, limit=1000)
    kinds = Counter((r.kind, r.state) for r in requests)
    assert kinds[("return", "pending")] and kinds[("return", "approved")] and kinds[("shelve", "approved")]
    assert kinds[("extend", "approved")] and kinds[("extend", "refused")] and kinds[("extend", "pending")]
    assert store.count_incidents(cid, status="returned") == kinds[("return", "pending")]
    assert store.count_incidents(cid, status="shelved") == kinds[("shelve", "approved")]
    assert store.count_supervisions(cid, "answered") > 0 and store.count_supervisions(cid, "open") > 0
    done = handling.sweep(store, result.county, now=NOW)
    assert (done["supervision_1"], done["supervision_2"], done["unshelved"]) == (0, 0, 0)


def test_the_demo_month_has_handling_metrics_to_show(demo):
    """Last month's cases give most units a handling part: some late, some reworked, hours measured."""
    from layers.score_map import default_month
    from layers.scores import month_scores

    store, result = demo
    units = month_scores(store, result.county, default_month(NOW)).units
    handled = [u for u in units if u.handling_part is not None]
    assert len(handled) >= len(units) // 2
    assert all(0 <= u.handling_part <= 100 and u.handling.mean_hours > 0 for u in handled)
    assert any(u.handling.on_time_rate < 1 for u in handled)  # not everyone on time
    assert sum(u.handling.counts.reworked for u in handled) >= 1
    assert any(u.score is not None and u.score != u.evaluation for u in handled)  # the total is weighed
