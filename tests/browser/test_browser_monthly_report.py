"""The monthly report (月度报告) of the demo county, as HTML and as PDF, through the CLI and from
/scores/report.pdf: the PDF is printed by headless Chromium, so this is a browser test."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from tests.support.web import DEMO_MONTH, demo_client, month_zh

DEMO = "440304"  # 福田示范区
ARTIFACT = Path(__file__).parents[1] / "artifacts" / "report-page1.png"
SCALE = 1.5  # 108 dpi


def test_the_demo_month_report_renders_as_html_and_pdf(demo, tmp_path):
    """The demo's last month: the HTML is one file with the county, the ranking and its pictures; the
    PDF's pages rendered to PNG are not blank and carry Chinese text drawn with a real font; a bad
    month or county is one error line, exit 1, and no file."""
    app, _ = demo
    runner = app.test_cli_runner()

    html_path = tmp_path / "report.html"
    result = runner.invoke(
        args=["monthly-report", "--county", DEMO, "--month", DEMO_MONTH, "--out", str(html_path)]
    )
    assert result.exit_code == 0, result.output
    assert "[1/3]" in result.output and "wrote" in result.output
    html = html_path.read_text("utf-8")
    assert "福田示范区" in html and month_zh(DEMO_MONTH, "") in html and "单位考评排名" in html
    assert len(re.findall(r'class="rank-row"', html)) >= 10
    assert len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)) == 3
    assert not re.search(r'(src|href)="(https?:)?//', html)  # one self-contained file

    pdf_path = tmp_path / "report.pdf"
    result = runner.invoke(
        args=["monthly-report", "--county", DEMO, "--month", DEMO_MONTH, "--out", str(pdf_path)]
    )
    assert result.exit_code == 0, result.output
    assert "[4/4]" in result.output
    pdf = pdfium.PdfDocument(str(pdf_path))
    assert len(pdf) >= 2
    text = ""
    for n, page in enumerate(pdf):
        image = page.render(scale=SCALE).to_pil()
        pixels = np.asarray(image.convert("L"), dtype=float)
        assert pixels.std() > 5 and (pixels < 200).mean() > 0.005, f"page {n + 1} is blank"
        if n == 0:
            ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
            image.save(ARTIFACT)
            _assert_real_glyphs(page, pixels)
        text += page.get_textpage().get_text_range()
    missing = [
        w
        for w in ("福田示范区", "月度", "单位考评排名", "名次", "等级", "较上月", "超期案件")
        if w not in text
    ]
    assert not missing, missing

    for args, words in (
        ([DEMO, "2099-01"], "尚未到来"),
        ([DEMO, "2026/10"], "格式有误"),
        ([DEMO, "2026-13"], "格式有误"),
        (["999999", "2026-10"], "999999"),
    ):
        out = tmp_path / "bad.pdf"
        result = runner.invoke(
            args=["monthly-report", "--county", args[0], "--month", args[1], "--out", str(out)]
        )
        assert result.exit_code == 1 and words in result.output, result.output
        assert result.output.strip().count("\n") == 0 and result.output.startswith("Error:")
        assert not out.exists() and not list(tmp_path.glob(".bad.pdf*"))


def _assert_real_glyphs(page, pixels: np.ndarray) -> None:
    """The title's Chinese characters are drawn as different shapes: a missing font would draw the
    same empty box (tofu) for each."""
    textpage = page.get_textpage()
    title = textpage.get_text_range()
    start = title.index("福田示范区")
    height = page.get_height()
    ink = []
    for i in range(start, start + 5):
        left, bottom, right, top = textpage.get_charbox(i)
        box = pixels[round((height - top) * SCALE) : round((height - bottom) * SCALE),
                     round(left * SCALE) : round(right * SCALE)]  # fmt: skip
        assert box.size, "a title character has no box"
        ink.append((box < 128).mean())
    assert min(ink) > 0.05, f"a title character is not drawn: {ink}"
    assert max(ink) - min(ink) > 0.05, (
        f"the characters look alike (tofu?): is fonts-noto-cjk installed? {ink}"
    )


def test_a_leader_downloads_the_pdf_from_the_ranking(demo):
    """/scores/report.pdf: the same report printed by Chromium, downloaded as an attachment."""
    client, _ = demo_client(demo, "leader")
    answer = client.get(f"/scores/report.pdf?month={DEMO_MONTH}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    pdf = pdfium.PdfDocument(answer.get_data())
    assert len(pdf) >= 2 and "福田示范区" in pdf[0].get_textpage().get_text_range()
