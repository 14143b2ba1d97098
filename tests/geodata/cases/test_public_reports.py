"""随手拍 on both backends: kept out of the cases until moderated, rate-limited per sender,
approved into a routed case, merged into the case it repeats, or rejected with a public reason."""

from __future__ import annotations

import io
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from shapely.geometry import LineString, box

from geodata.cases import photos, public_reports
from geodata.cases import workflow as cases
from geodata.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited
from geodata.model import Assignment, County, Segment, Unit, Zone
from geodata.stores.store import open_store

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the cases tests' day (tests/geodata/cases/test_cases.py)
T0 = datetime(2026, 1, 1, tzinfo=UTC)

LEADER = cases.Actor("leader1", "leader")
CLIENT = public_reports.client_key("203.0.113.7", "secret")


def _county(store):
    c = store.add_county(
        County("440304", "福田示范区", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650)
    )
    west_u, police = store.add_units(
        [Unit(c.id, "W", "西社区居委会", "community"), Unit(c.id, "JJ", "交警大队")]
    )
    (west,) = store.add_zones([Zone(c.id, "community", "001", "西社区", box(114.0, 22.5, 114.02, 22.52))])
    (road,) = store.add_segments([Segment(c.id, "红荔路", LineString([(114.002, 22.51), (114.006, 22.51)]))])
    store.assign_many(
        [Assignment(c.id, west_u.id, "zone", west.id, "lead", T0),
         Assignment(c.id, police.id, "segment", road.id, "lead", T0)]
    )  # fmt: skip
    return c


@pytest.fixture
def county(store):
    return _county(store)


def _png() -> photos.Upload:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return photos.read_upload(out.getvalue())


def _submit(
    store,
    county,
    tmp_path,
    lon=114.004,
    lat=22.5101,
    category="parking",
    client=CLIENT,
    now=NOW,
    upload=None,
    **kw,
):
    report = cases.Report(category, lon, lat, source="public", **kw)
    return public_reports.submit(store, county, report, upload, client, tmp_path, now=now)


def test_a_submission_waits_for_moderation_and_is_no_case(store, county, tmp_path):
    r = _submit(store, county, tmp_path, description="路口违停", contact="张三 13800000000")
    assert r.state == "pending" and len(r.token) >= 12 and r.id is not None
    assert store.count(county.id, "incident") == 0
    assert store.public_report_by_token(r.token) == r
    assert store.count_public_reports(county.id, "pending") == 1
    assert store.list_public_reports(county.id, "pending") == [r]


def test_a_submission_is_checked_like_a_case(store, county, tmp_path):
    with pytest.raises(InvalidInput, match="不在福田示范区范围内") as err:
        _submit(store, county, tmp_path, lon=113.5)
    assert err.value.details["field"] == "lat"
    with pytest.raises(InvalidInput, match="不受理群众上报") as err:
        _submit(store, county, tmp_path, category="staff_conduct")
    assert err.value.details["field"] == "category"
    with pytest.raises(NotFound):
        _submit(store, county, tmp_path, category="fireworks")
    assert store.count_public_reports(county.id) == 0


def test_one_sender_may_send_five_an_hour(store, county, tmp_path):
    for minute in range(5):
        _submit(store, county, tmp_path, now=NOW + timedelta(minutes=minute))
    with pytest.raises(RateLimited, match="每小时最多提交 5 条") as err:
        _submit(store, county, tmp_path, now=NOW + timedelta(minutes=10))
    assert err.value.status == 429
    assert err.value.details["retry_after"] == 50 * 60  # the first one leaves the window at 60 min
    other = public_reports.client_key("198.51.100.1", "secret")
    assert _submit(store, county, tmp_path, client=other, now=NOW + timedelta(minutes=10)).state == "pending"
    assert _submit(store, county, tmp_path, now=NOW + timedelta(minutes=61)).state == "pending"
    assert store.count_public_reports(county.id, client=CLIENT) == 6


def test_approval_files_a_routed_case_with_the_photo(store, county, tmp_path):
    r = _submit(store, county, tmp_path, upload=_png(), contact="13800000000")
    done = public_reports.approve(store, county, r.id, LEADER, now=NOW + timedelta(hours=1))
    assert done.state == "approved" and done.moderated_by == "leader1"
    case = store.get_incident(county.id, done.incident_id)
    assert case.source == "public" and case.status == "dispatched" and case.contact == "13800000000"
    assert store.get_unit(county.id, case.unit_id).code == "JJ"
    (photo,) = store.list_photos(county.id, case.id)
    assert photo.public_name == r.photo.public_name and (tmp_path / photo.public_name).exists()
    assert store.get_public_report(county.id, r.id) == done
    with pytest.raises(Conflict, match="已由leader1于 .* 审核为“已受理”"):
        public_reports.reject(store, county, r.id, LEADER, "重复")
    assert store.count(county.id, "incident") == 1


def test_only_moderators_moderate(store, county, tmp_path):
    r = _submit(store, county, tmp_path)
    with pytest.raises(Forbidden, match="责任单位不能审核"):
        public_reports.approve(store, county, r.id, cases.Actor("u", "unit_staff"))
    assert store.get_public_report(county.id, r.id).state == "pending"


def test_a_repeat_of_an_open_case_is_merged_and_counted_once(store, county, tmp_path):
    first = cases.file_report(store, county, cases.Report("parking", 114.004, 22.5101), LEADER, now=NOW)
    near = _submit(store, county, tmp_path, lat=22.51015, upload=_png())
    ((metres, candidate),) = public_reports.merge_candidates(store, county, near)
    assert candidate.id == first.incident.id and metres == pytest.approx(5.57, abs=0.05)
    done = public_reports.merge(store, county, near.id, LEADER, into=first.incident.id, now=NOW)
    assert (done.state, done.incident_id) == ("merged", first.incident.id)
    assert "已合并处理" in done.public_reason
    assert len(store.list_photos(county.id, first.incident.id)) == 1
    assert store.count_incidents(county.id, duplicates=False) == 1
    # Approving a report that repeats an open case ends up merged too (found like any duplicate).
    again = _submit(store, county, tmp_path, now=NOW + timedelta(minutes=5))
    done = public_reports.approve(store, county, again.id, LEADER, now=NOW + timedelta(minutes=6))
    assert (done.state, done.incident_id) == ("merged", first.incident.id)
    assert store.count_incidents(county.id, duplicates=False) == 1


def test_merging_into_a_closed_or_internal_case_is_refused(store, county, tmp_path):
    closed = cases.file_report(store, county, cases.Report("parking", 114.004, 22.5101), LEADER, now=NOW)
    store.update_incident(replace(closed.incident, status="closed"))
    internal = cases.file_report(
        store, county, cases.Report("staff_conduct", 114.004, 22.5101), LEADER, now=NOW
    )
    r = _submit(store, county, tmp_path)
    with pytest.raises(InvalidInput, match="案件 #\\d+ 已已结案，不能合并"):
        public_reports.merge(store, county, r.id, LEADER, into=closed.incident.id)
    with pytest.raises(InvalidInput, match="内部类别"):
        public_reports.merge(store, county, r.id, LEADER, into=internal.incident.id)
    assert store.get_public_report(county.id, r.id).state == "pending"


def test_rejection_needs_a_public_reason(store, county, tmp_path):
    r = _submit(store, county, tmp_path)
    with pytest.raises(InvalidInput, match="写明理由") as err:
        public_reports.reject(store, county, r.id, LEADER, "  ")
    assert err.value.details["field"] == "reason"
    done = public_reports.reject(store, county, r.id, LEADER, "照片和描述无法确认问题", now=NOW)
    assert (done.state, done.public_reason) == ("rejected", "照片和描述无法确认问题")
    with pytest.raises(Conflict):
        public_reports.approve(store, county, r.id, LEADER)
    assert store.count(county.id, "incident") == 0


def test_two_moderators_at_once_approve_it_once(committed_postgis_url, tmp_path):
    """Two staff approve the same report at the same moment: one case, one Conflict."""
    setup = open_store(committed_postgis_url)
    county = _county(setup)
    r = _submit(setup, county, tmp_path)
    setup.close()
    barrier, outcomes = threading.Barrier(2), []

    def moderate(name):
        store = open_store(committed_postgis_url)
        try:
            barrier.wait()
            public_reports.approve(store, county, r.id, cases.Actor(name, "leader"))
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            store.close()

    threads = [threading.Thread(target=moderate, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = open_store(committed_postgis_url)
    assert sorted(outcomes) == ["approved", "conflict"]
    assert check.count(county.id, "incident") == 1
    check.close()


def test_merge_candidates_put_the_reports_category_first(store, county, tmp_path):
    """An open case of the same category 30 m away comes before one of another category 2 m away;
    a closed case, and one beyond 100 m, are not offered."""
    r = _submit(store, county, tmp_path, lon=114.004, lat=22.5101)
    near = cases.file_report(store, county, cases.Report("posters", 114.004, 22.51012), LEADER, now=NOW)
    same = cases.file_report(store, county, cases.Report("parking", 114.004, 22.51037), LEADER, now=NOW)
    closed = cases.file_report(store, county, cases.Report("parking", 114.00401, 22.5101), LEADER, now=NOW)
    store.update_incident(replace(closed.incident, status="closed"))
    cases.file_report(store, county, cases.Report("parking", 114.004, 22.5113), LEADER, now=NOW)  # 133 m
    offered = public_reports.merge_candidates(store, county, r)
    assert [c.id for _, c in offered] == [same.incident.id, near.incident.id]
    assert [round(d) for d, _ in offered] == [30, 2]
