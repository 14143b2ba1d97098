"""The audit log's hash chain and the append-only history tables (migration 0012), on both backends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString, Point, box

from geodata import audit
from geodata.audit import GENESIS, AuditFilter
from geodata.model import Assignment, ChangeSet, County, GeometryEdit, Incident, IncidentEvent, Segment, Unit
from geodata.stores.store import open_database

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
APPEND_ONLY = "append-only"


def _three(store):
    return [
        audit.record(store, "alice", "auth.login", "user:alice", address_hash="ab12", now=T0),
        audit.record(
            store,
            "api:府办",
            "cases.create_incident",
            "/api/v1/incidents",
            "refused",
            detail={"status": 403, "method": "POST"},
            now=T0 + timedelta(hours=1),
        ),  # fmt: skip
        audit.record(
            store,
            "alice",
            "export.incidents_csv",
            "county:440304",
            detail={"rows": 12, "备注": "中文"},
            now=T0 + timedelta(days=2),
        ),  # fmt: skip
    ]


def _tamper(store, sql: str, params: dict) -> None:
    """Edit the log behind the triggers' back, as someone with the database's password could."""
    if store.backend == "sqlite":
        store.conn.execute("DROP TRIGGER audit_event_no_update")
        store.conn.execute(sql, params)
    else:
        store.conn.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        store.conn.execute(sql.replace(":detail", "%(detail)s").replace(":id", "%(id)s"), params)
        store.conn.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")


def test_events_are_chained_and_read_back_as_written(store):
    made = _three(store)
    read = list(store.iter_audit_events())
    assert read == made
    assert [e.prev_hash for e in read] == [GENESIS, made[0].hash, made[1].hash]
    assert read[2].detail == {"rows": 12, "备注": "中文"} and read[1].result == "refused"
    found = audit.verify(store)
    assert (found.count, found.last_hash, found.broken) == (3, made[2].hash, None)
    assert audit.first_broken(store) is None


def test_a_nul_or_a_lone_surrogate_is_recorded_as_an_escape(store):
    """A hostile path (/open311/v2/a%00b) must not make its own record fail on PostgreSQL."""
    made = audit.record(store, "x\udc80", "open311.unknown", "/open311/v2/a\x00b", "refused",
                        detail={"q": "a\x00\ud800"}, now=T0)  # fmt: skip
    assert (made.actor, made.object) == ("x\\udc80", "/open311/v2/a\\x00b")
    assert list(store.iter_audit_events()) == [made] and audit.first_broken(store) is None


def test_an_edited_row_is_named_by_verify(store):
    made = _three(store)
    _tamper(
        store,
        "UPDATE audit_event SET detail = :detail WHERE id = :id",
        {"detail": '{"rows":1}', "id": made[1].id},
    )
    found = audit.verify(store)
    assert found.broken is not None and found.broken.id == made[1].id
    assert found.count == 1 and audit.first_broken(store) == made[1].id


def test_filters_pages_and_actions(store):
    made = _three(store)
    everything = AuditFilter()
    assert store.count_audit_events(everything) == 3
    assert [e.id for e in store.list_audit_events(everything, limit=2)] == [made[2].id, made[1].id]
    assert [e.id for e in store.list_audit_events(everything, limit=2, offset=2)] == [made[0].id]
    assert [e.id for e in store.list_audit_events(AuditFilter(actor="alice"))] == [made[2].id, made[0].id]
    assert [e.id for e in store.list_audit_events(AuditFilter(action="auth.login"))] == [made[0].id]
    day_two = AuditFilter(since=T0 + timedelta(minutes=30), until=T0 + timedelta(days=1))
    assert [e.id for e in store.list_audit_events(day_two)] == [made[1].id]
    assert store.count_audit_events(AuditFilter(actor="nobody")) == 0
    assert store.audit_actions() == ["auth.login", "cases.create_incident", "export.incidents_csv"]
    assert [e.id for e in store.iter_audit_events(AuditFilter(actor="alice"), batch=1)] == [
        made[0].id,
        made[2].id,
    ]


def test_a_bad_result_is_refused(store):
    with pytest.raises(Exception, match="审计结果"):
        audit.record(store, "alice", "x", result="maybe")


def test_the_audit_log_refuses_update_and_delete(store):
    (first, *_) = _three(store)
    for sql in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match=APPEND_ONLY), store.transaction():
            store._execute(sql)
    assert list(store.iter_audit_events())[0] == first


@pytest.fixture
def history(store):
    """One row in every history table."""
    county = store.add_county(County("440304", "福田示范区", extent=box(114.0, 22.5, 114.1, 22.6)))
    police, city = store.add_units(
        [Unit(county.id, c, n) for c, n in (("JJ", "交警大队"), ("CG", "城管执法局"))]
    )
    line = LineString([(114.0, 22.5), (114.01, 22.5)])
    (segment,) = store.add_segments([Segment(county.id, "红荔路", line)])
    plan = store.add_change_set(ChangeSet(county.id, "创城办", "初始方案", T0))
    lead = store.assign(
        Assignment(county.id, police.id, "segment", segment.id, "lead", T0, change_set_id=plan.id)
    )
    store.add_geometry_edits([GeometryEdit(county.id, plan.id, "segment", segment.id, 2, line, line)])
    category = store.list_categories()[0].code
    case = store.add_incident(Incident(county.id, category, Point(114.005, 22.5), T0))
    store.add_incident_event(IncidentEvent(county.id, case.id, T0, "alice", "filed"))
    return county, segment, police, city, lead


@pytest.mark.parametrize("table", ["change_set", "incident_event", "geometry_edit", "assignment"])
def test_history_tables_refuse_delete(store, history, table):
    with pytest.raises(Exception, match=APPEND_ONLY), store.transaction():
        store._execute(f"DELETE FROM {table}")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE change_set SET reason = 'rewritten'",
        "UPDATE incident_event SET note = 'rewritten'",
        "UPDATE geometry_edit SET version = 9",
        "UPDATE assignment SET person = '张三'",
        "UPDATE assignment SET unit_id = (SELECT MAX(id) FROM unit)",
        "UPDATE assignment SET change_set_id = NULL",
    ],
)
def test_history_rows_refuse_other_changes(store, history, sql):
    with pytest.raises(Exception, match=APPEND_ONLY), store.transaction():
        store._execute(sql)


def test_assignments_close_reopen_and_void_only_as_the_history_does(store, history):
    county, segment, police, city, lead = history
    change = store.add_change_set(ChangeSet(county.id, "leader", "改由城管牵头", T0 + timedelta(days=10)))
    store.assign(
        Assignment(
            county.id, city.id, "segment", segment.id, "lead", change.created_at, change_set_id=change.id
        )
    )
    (closed, _) = store.assignments_of(county.id, "segment", segment.id)
    assert (closed.valid_to, closed.closed_by) == (change.created_at, change.id)
    # A closed row is not closed again, nor reopened while its closing change set stands.
    for sql in (
        "UPDATE assignment SET closed_by = NULL, closed_from = NULL, valid_to = NULL WHERE id = %(id)s",
        "UPDATE assignment SET valid_to = closed_from WHERE id = %(id)s",
    ):
        with pytest.raises(Exception, match=APPEND_ONLY), store.transaction():
            store._execute(sql, {"id": lead.id})
    revert = store.revert_change_set(
        county.id, change.id, ChangeSet(county.id, "leader", "撤销", T0 + timedelta(days=11))
    )
    reopened, voided = store.assignments_of(county.id, "segment", segment.id)
    assert (reopened.valid_to, reopened.closed_by, voided.voided_by) == (None, None, revert.id)
    # Voided once: a second voiding is refused.
    with pytest.raises(Exception, match=APPEND_ONLY), store.transaction():
        store._execute(
            "UPDATE assignment SET voided_by = %(cs)s WHERE id = %(id)s", {"cs": change.id, "id": voided.id}
        )


@pytest.fixture(params=["sqlite", "postgis"])
def committed_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.sqlite'}"
    return request.getfixturevalue("committed_postgis_url")


def test_workers_appending_at_once_do_not_fork_the_chain(committed_url):
    database = open_database(committed_url)
    try:
        first = database.store()
        first.migrate()
        first.close()

        def append(worker: int) -> None:
            store = database.store()
            try:
                for i in range(15):
                    audit.record(store, f"w{worker}", "test.append", str(i))
            finally:
                store.close()

        threads = [threading.Thread(target=append, args=(w,)) for w in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        store = database.store()
        found = audit.verify(store)
        assert (found.count, found.broken) == (45, None)
        assert len({e.prev_hash for e in store.iter_audit_events()}) == 45  # no two built on one row
        store.close()
    finally:
        database.close()
