"""The case pages and moderation in English (issue #17 part 6): the case list (queues, filters,
pages, unit staff's scope, empty, a refused filter), a case's page (a case with its history, one at
a boundary waiting for a leader), the staff report page, the moderation queue (a waiting report,
an empty tab, a moderated one, a refused state) and the scripts' texts; nothing Chinese on them but
the data's names. The monthly report is at the end (a month with data, through the CLI)."""

from __future__ import annotations

import io
import re

import pytest

from geodata.cases.public_reports import REJECT_REASONS
from tests.support.english import (
    chinese_outside,
    data_names,
    english_texts_are_english,
    script_texts,
    switch_language,
)
from tests.support.web import COUNTY_CODE, DEMO_MONTH, jpeg_bytes
from webmap import get_store
from webmap.cli.report import in_language
from webmap.i18n import month_name
from webmap.reports import chart_labels

DEMO = "440304"  # 福田示范区
FUHUA = {"category": "parking", "lat": 22.5051, "long": 114.004, "description": "人行道停车"}  # 城管执法局
JINTIAN = {"category": "parking", "lat": 22.5151, "long": 114.015}  # 金田路: 交警大队
BOUNDARY = {"category": "posters", "lat": 22.50527, "long": 114.005}  # 福华路 and 西园社区: a leader picks
RESIDENT = {"category": "sanitation", "lat": "22.505", "long": "114.005", "description": "垃圾堆在路口",
            "address": "福华路口", "contact": "王五 13912345678"}  # fmt: skip
# Typed by people in the test: they stay as they are.
TYPED = {"人行道停车", "车已挪走", "仍有车辆", "已核实", "垃圾堆在路口", "福华路口", "王五", "照片看不清"}
# The reasons a moderator picks are what the public reads: Chinese, stored as chosen (the English
# page labels each in English).
NAMES_TOO = TYPED | set(REJECT_REASONS)


def _token(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/report").text).group(1)


def _post(client, url: str, body: dict):
    return client.post(url, json=body, headers={"X-CSRFToken": _token(client)})


def _act(client, case_id: int, action: str, note: str = "", **more):
    answer = _post(client, f"/api/v1/incidents/{case_id}/actions", {"action": action, "note": note, **more})
    assert answer.status_code == 200, answer.text
    return answer.get_json()


@pytest.fixture
def names(app) -> set[str]:
    with app.app_context():
        store = get_store()
        return data_names(store, store.get_county(COUNTY_CODE).id) | NAMES_TOO


@pytest.fixture
def english(app, sign_in, case_users):
    """Clients (leader1, the inspector insp, 城管执法局's cg) who chose English."""
    clients = {name: sign_in(name) for name in ("leader1", "insp", "cg")}
    for client in clients.values():
        assert switch_language(client, "en").status_code == 302
    return clients


@pytest.fixture
def cases(english) -> dict[str, int]:
    """Cases in several states: one handled, sent back for rework and handled again (its history),
    one closed, one rejected, one at a boundary waiting for a leader."""
    leader = english["leader1"]
    photo = (io.BytesIO(jpeg_bytes()), "p.jpg")
    worked = leader.post(
        "/api/v1/incidents", data={**FUHUA, "photo": photo}, headers={"X-CSRFToken": _token(leader)}
    )
    worked = worked.get_json()
    assert worked["status"] == "dispatched" and worked["message"].startswith(
        "Dispatched to 城管执法局 (case #"
    )
    duplicate = _post(leader, "/api/v1/incidents", FUHUA).get_json()
    assert duplicate["duplicate_of"] == worked["id"] and "already reported nearby" in duplicate["message"]
    _act(english["cg"], worked["id"], "handle", "车已挪走")
    _act(english["insp"], worked["id"], "reopen", "仍有车辆")
    _act(english["cg"], worked["id"], "handle", "车已挪走")
    closed = _post(leader, "/api/v1/incidents", JINTIAN).get_json()["id"]
    _act(leader, closed, "handle")
    _act(english["insp"], closed, "verify", "已核实")
    _act(english["insp"], closed, "close")
    boundary = _post(leader, "/api/v1/incidents", BOUNDARY).get_json()
    assert boundary["status"] == "filed" and "a leader assigns one" in boundary["message"]
    _act(leader, 1, "reject", "照片看不清")
    return {
        "worked": worked["id"],
        "closed": closed,
        "boundary": boundary["id"],
        "duplicate": duplicate["id"],
    }


def _english_page(client, url: str, names: set[str], status: int = 200) -> str:
    page = client.get(url)
    assert page.status_code == status, (url, page.status_code)
    assert '<html lang="en">' in page.text, url
    assert chinese_outside(page.text, names) == [], url
    return page.text


def test_the_case_list_in_english(english, cases, names):
    leader, cg = english["leader1"], english["cg"]
    html = _english_page(leader, "/cases?per_page=5&page=2", names)
    assert "<title>Cases · 测试县</title>" in html and "Total: <b>38</b>, page 2 of 8" in html
    assert "to dispatch" in html and "Reported by me" in html and "Export CSV" in html
    assert ">Next</a>" in html and ">Previous</a>" in html
    for status in ("To dispatch", "Sent back for rework", "Closed", "Rejected"):
        assert f">{status}</option>" in html
    assert '<option value="parking">Illegal parking</option>' in html
    html = _english_page(leader, "/cases?status=handled", names)
    assert (
        'class="badge status-handled">Handled</span>' in html
        and '<td data-label="Category">Illegal parking' in html
    )
    html = _english_page(leader, "/cases?status=verified", names)
    assert "No cases match" in html and "Total: <b>0</b>" in html
    answer = cg.get("/cases")  # unit staff: their own unit's open cases
    assert answer.status_code == 302
    html = _english_page(cg, answer.headers["Location"], names)
    assert "Only your unit&#39;s cases are shown (城管执法局)." in html


def test_a_bad_filter_is_refused_in_english(english, names):
    leader = english["leader1"]
    html = _english_page(leader, "/cases?unit=ZZ", names, status=400)
    assert "Bad filter: There is no unit with the code &#39;ZZ&#39;" in html
    html = _english_page(leader, "/cases?page=x", names, status=400)
    assert "Bad filter: page must be a positive whole number" in html
    html = _english_page(leader, "/cases?from=2026-13-01", names, status=400)
    assert "Bad filter: from must be a date YYYY-MM-DD" in html


def test_a_case_with_its_history_in_english(english, cases, names):
    leader, cg = english["leader1"], english["cg"]
    html = _english_page(leader, f"/cases/{cases['worked']}", names)
    assert f"<title>Case #{cases['worked']} · 测试县</title>" in html and "Illegal parking" in html
    assert "Handled (sent back for rework 1×)" in html and "Road segment" in html
    assert (
        "Reported → <b>To dispatch</b>" in html
        and "To dispatch → <b>Dispatched</b>" in html
        and "Sent back for rework → <b>Handled</b>" in html
    )
    assert '<td data-label="By">System</td>' in html and "Dispatched automatically" in html
    assert ">Verify</button>" in html and ">Send back for rework</button>" in html
    assert f'alt="Case #{cases["worked"]}, photo 1"' in html
    texts = script_texts(html, "cases.script")
    assert english_texts_are_english(texts) == [] and texts["legend_pin"] == "Problem location"
    html = _english_page(cg, f"/cases/{cases['worked']}", names)
    assert "Nothing for you to do on this case now." in html
    html = _english_page(leader, f"/cases/{cases['boundary']}", names)
    assert "Candidate units" in html and " (candidate)</option>" in html and ">Dispatch</button>" in html
    assert "No actions yet" not in html  # filing is the first event
    html = _english_page(leader, f"/cases/{cases['duplicate']}", names)
    assert f'Same as <a href="/cases/{cases["worked"]}">Case #{cases["worked"]}</a>; merged' in html
    assert f"Duplicate of case #{cases['worked']}; merged" in html  # the system's note, in English
    html = _english_page(leader, f"/cases/{cases['closed']}", names)
    assert "Nothing for you to do" in html and "Verified → <b>Closed</b>" in html


def test_another_units_case_is_refused_in_english(english, cases, names):
    html = _english_page(english["cg"], f"/cases/{cases['closed']}", names, status=403)  # 交警大队's
    assert f"Case #{cases['closed']} is not your unit&#39;s" in html


def test_the_report_page_in_english(english, names):
    html = _english_page(english["leader1"], "/report", names)
    assert "<title>Report a problem · 测试县</title>" in html and "Use my location" in html
    assert english_texts_are_english(script_texts(html, "cases.script")) == []
    assert english_texts_are_english(script_texts(html)) == []  # the outbox's


def test_the_moderation_queue_in_english(app, english, names):
    insp = english["insp"]
    anyone = app.test_client()
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', anyone.get("/login").text).group(1)
    for _ in range(2):
        sent = anyone.post("/api/public/reports", data=RESIDENT, headers={"X-CSRFToken": token})
        assert sent.status_code == 201, sent.text
    html = _english_page(insp, "/moderation", names)
    assert "<title>Resident reports · 测试县</title>" in html and "Approve and dispatch" in html
    assert "Waiting for review <b>2</b>" in html and "Litter and sanitation" in html
    assert "Open cases nearby (maybe the same problem)" in html and " m away" in html
    assert f'label="{EN_REASON}"' in html
    texts = script_texts(html, "cases.modjs")
    assert english_texts_are_english(texts) == [] and texts["state_rejected"] == "Not accepted"
    assert english_texts_are_english(script_texts(html, "cases.script")) == []
    html = _english_page(insp, "/moderation?state=approved", names)
    assert "No resident reports “Accepted”" in html
    rid = insp.get("/api/v1/public-reports").get_json()["items"][0]["id"]
    refused = _post(insp, f"/api/v1/public-reports/{rid}/merge", {})
    assert (
        refused.status_code == 400
        and refused.get_json()["error"]["message"] == "Choose the case to merge into"
    )
    done = _post(insp, f"/api/v1/public-reports/{rid}/reject", {"reason": REJECT_REASONS[0]})
    assert done.status_code == 200
    html = _english_page(insp, "/moderation?state=rejected", names)
    assert "Not accepted · insp · " in html and f"Reason: {REJECT_REASONS[0]}" in html
    html = _english_page(insp, "/moderation", names)
    assert "Waiting for review <b>1</b>" in html
    html = _english_page(insp, "/moderation?state=bogus", names, status=400)
    assert "Invalid state: &#39;bogus&#39;" in html
    forbidden = english["cg"].get("/moderation")
    assert forbidden.status_code == 403 and "Only administrators, leaders and inspectors" in forbidden.text


EN_REASON = "The photo and description do not show the problem"


# -- the monthly report (staff; printed to PDF in the same language) ----------------------------------
def test_the_monthly_report_in_english(demo, tmp_path):
    app, _ = demo
    out = tmp_path / "report.html"
    result = app.test_cli_runner().invoke(
        args=["monthly-report", "--county", DEMO, "--month", DEMO_MONTH, "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    with app.app_context():
        store = get_store()
        names = data_names(store, store.get_county(DEMO).id)
        with in_language("en"):
            labels = chart_labels()
            month = month_name(DEMO_MONTH)
            assert (
                labels["short_month"]("2026-10") == "Oct 26" and labels["month"]("2026-10") == "October 2026"
            )
    assert '<html lang="en">' in html and chinese_outside(html, names) == []
    assert f"<title>福田示范区: monthly report on responsibility areas, {month}</title>" in html
    assert "2. Units ranked by evaluation" in html and "7. Overdue cases" in html
    assert re.search(r"\bgrade [ABC]\b", html)  # the grades the month has (not always an A), in English
    assert len(re.findall(r'class="rank-row"', html)) >= 10
    words = {k: v for k, v in labels.items() if isinstance(v, str)} | dict(enumerate(labels["classes"]))
    assert english_texts_are_english({str(k): v for k, v in words.items()}) == []  # the charts' words
