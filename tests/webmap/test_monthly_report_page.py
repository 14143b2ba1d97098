"""The monthly report from /scores (issue #20: no shell for it): leaders and administrators
download the month's self-contained page in their language, recorded as an export; a month not
yet begun or malformed is a 400 naming it; other roles are refused (the PDF, printed by Chromium:
tests/browser/test_browser_monthly_report.py)."""

from __future__ import annotations

from geodata.audit import AuditFilter
from tests.support.english import switch_language
from tests.support.web import DEMO_MONTH, demo_client, month_zh
from webmap import get_store


def test_a_leader_downloads_the_months_report_from_the_ranking(demo):
    client, _ = demo_client(demo, "leader")
    ranking = client.get(f"/scores?month={DEMO_MONTH}").text
    assert f'href="/scores/report.pdf?month={DEMO_MONTH}"' in ranking
    assert f'href="/scores/report.html?month={DEMO_MONTH}"' in ranking
    answer = client.get(f"/scores/report.html?month={DEMO_MONTH}")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert (
        answer.headers["Content-Disposition"]
        == f'attachment; filename="monthly-report-440304-{DEMO_MONTH}.html"'
    )
    page = answer.get_data(as_text=True)
    assert "分兵把口工作月度报告" in page and "data:image/png;base64," in page
    assert month_zh(DEMO_MONTH, sep="") in page.replace(" ", "")
    app, _ = demo
    with app.app_context():
        (logged,) = get_store().list_audit_events(AuditFilter(action="export.monthly_report"))
    assert logged.object == f"month:{DEMO_MONTH}" and logged.detail["format"] == "html"

    switch_language(client, "en")
    english = client.get(f"/scores/report.html?month={DEMO_MONTH}").get_data(as_text=True)
    assert ": monthly report on responsibility areas" in english and "分兵把口工作月度报告" not in english


def test_a_bad_month_or_role_is_refused(demo):
    client, _ = demo_client(demo, "leader")
    assert client.get("/scores/report.html?month=2999-01").status_code == 400
    assert client.get("/scores/report.html?month=13").status_code == 400
    assert client.get("/scores/report.doc").status_code == 404
    staff, _ = demo_client(demo, "staff")
    refused = staff.get(f"/scores/report.html?month={DEMO_MONTH}")
    assert refused.status_code == 403 and "只有领导和管理员可以下载月度报告" in refused.text
    assert "monthly-report" not in staff.get(f"/scores?month={DEMO_MONTH}").text
