"""The monthly report's pictures, drawn with matplotlib (Agg) as PNG bytes: the score map and the
two trend charts. Chinese labels need a CJK font: the Debian package ``fonts-noto-cjk``.

Their words are ``LABELS`` (Chinese); the caller may give them in another language (the web layer
does, for an English report)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from shapely.geometry.base import BaseGeometry  # noqa: E402

from geodata.errors import ConfigError  # noqa: E402
from layers.report import MapFeature, MonthlyReport, month_zh  # noqa: E402

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")
FONT_FAMILY = "Noto Sans CJK SC"
BREAKS = [0, 60, 75, 90, 100.01]  # the classes of the map: C below 75 split at 60, B, A
CLASS_COLOURS = ["#d73027", "#fc8d59", "#a6d96a", "#1a9850"]
CLASS_LABELS = ["60 分以下", "60–75 分（C 档）", "75–90 分（B 档）", "90 分及以上（A 档）"]
LABELS: dict[str, str | list[str] | Callable[[str], str]] = {
    "classes": CLASS_LABELS,
    "unscored": "本月未考评",
    "legend": "得分（社区填色、路段粗线）",
    "map_title": "{county} {month}考评得分分布图",
    "cases_axis": "案件数（件）",
    "cases_title": "近 12 个月各类案件数",
    "a_line": "A 档线",
    "b_line": "B 档线",
    "score_axis": "得分",
    "trend_title": "近 6 个月单位得分走势（{basis}）",
    "month": month_zh,  # '2026-10' as a chart writes it
    "short_month": lambda m: month_zh(m)[2:],
}
UNSCORED = "#eeeeee"
DPI = 150


def use_cjk_font() -> str:
    """Register the Noto CJK font with matplotlib and make it the default; ConfigError naming the
    package to install when it is missing."""
    for folder in FONT_DIRS:
        found = sorted(Path(folder).rglob("NotoSansCJK*-Regular.tt[cf]")) + sorted(
            Path(folder).rglob("NotoSansCJK*.otf")
        )
        if found:
            font_manager.fontManager.addfont(str(found[0]))
            plt.rcParams["font.family"] = [FONT_FAMILY, "sans-serif"]
            plt.rcParams["axes.unicode_minus"] = False
            return str(found[0])
    raise ConfigError(
        "报表图表没有中文字体：请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk）",
        en="No Chinese font for the report's charts: install the Debian package fonts-noto-cjk "
        "(apt-get install fonts-noto-cjk)",
    )


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return out.getvalue()


def _breaks(report: MonthlyReport) -> tuple[ListedColormap, BoundaryNorm]:
    breaks = [0, 60, report.grade_b_min, report.grade_a_min, 100.01]
    if sorted(set(breaks)) != breaks:
        breaks = BREAKS
    return ListedColormap(CLASS_COLOURS), BoundaryNorm(breaks, len(CLASS_COLOURS))


def _rings(geom: BaseGeometry):
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Polygon":
            yield part


def _lines(geom: BaseGeometry):
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "LineString":
            yield list(part.coords)


def score_map(report: MonthlyReport, labels=LABELS) -> bytes:
    """The communities and the road segments coloured by this month's score, in four classes with
    a legend; unscored ones grey. Plain lon/lat with the aspect of the county's latitude."""
    cmap, norm = _breaks(report)
    fig, ax = plt.subplots(figsize=(9, 6.2))
    colour = lambda f: cmap(norm(f.score)) if f.score is not None else UNSCORED  # noqa: E731
    for f in report.communities:
        for poly in _rings(f.geom):
            ax.fill(*poly.exterior.xy, facecolor=colour(f), edgecolor="#555555", linewidth=0.8, alpha=0.75)
        p = f.geom.representative_point()
        label = f.name if f.score is None else f"{f.name}\n{f.score:.1f}"
        ax.annotate(label, (p.x, p.y), ha="center", va="center", fontsize=7, color="#222222")
    plain = [line for f in report.segments if f.score is None for line in _lines(f.geom)]
    ax.add_collection(LineCollection(plain, colors="#9e9e9e", linewidths=0.3))
    scored: list[MapFeature] = sorted(
        (f for f in report.segments if f.score is not None), key=lambda f: -f.score
    )
    for f in scored:
        ax.add_collection(LineCollection(list(_lines(f.geom)), colors=[colour(f)], linewidths=2.6))
    ax.autoscale_view()
    lat = (ax.get_ylim()[0] + ax.get_ylim()[1]) / 2
    ax.set_aspect(1 / math.cos(math.radians(lat)))
    ax.set_xticks([])
    ax.set_yticks([])
    handles = [
        Patch(facecolor=c, edgecolor="#555555", label=t)
        for c, t in zip(CLASS_COLOURS, labels["classes"], strict=True)
    ]
    handles.append(Patch(facecolor=UNSCORED, edgecolor="#555555", label=labels["unscored"]))
    ax.legend(handles=handles, loc="lower left", fontsize=8, title=labels["legend"], title_fontsize=8)
    title = labels["map_title"].format(county=report.county.name, month=labels["month"](report.month))
    ax.set_title(title, fontsize=12)
    return _png(fig)


def cases_chart(report: MonthlyReport, labels=LABELS) -> bytes:
    """Cases per month by category over the last 12 months, stacked bars."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = range(len(report.case_months))
    bottom = [0] * len(report.case_months)
    colours = plt.get_cmap("tab10").colors
    for n, (name, counts) in enumerate(report.cases_by_category.items()):
        ax.bar(x, counts, bottom=bottom, label=name, color=colours[n % len(colours)], width=0.7)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_xticks(list(x), [labels["short_month"](m) for m in report.case_months], fontsize=8)
    ax.set_ylabel(labels["cases_axis"])
    ax.set_title(labels["cases_title"], fontsize=12)
    if report.cases_by_category:
        ax.legend(fontsize=8, ncols=min(5, len(report.cases_by_category)), loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max(bottom + [1]) * 1.25)
    return _png(fig)


def unit_trend_chart(report: MonthlyReport, labels=LABELS) -> bytes:
    """The chosen units' scores over the last 6 months, one line each (gaps where unscored)."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = list(range(len(report.score_months)))
    for name, scores in report.unit_trend.items():
        ax.plot(x, [math.nan if s is None else s for s in scores], marker="o", linewidth=1.6, label=name)
    for level, text in ((report.grade_a_min, labels["a_line"]), (report.grade_b_min, labels["b_line"])):
        ax.axhline(level, color="#888888", linestyle="--", linewidth=0.8)
        ax.annotate(text, (x[-1], level), xytext=(4, 2), textcoords="offset points", fontsize=7)
    ax.set_xticks(x, [labels["month"](m) for m in report.score_months], fontsize=8)
    ax.set_ylabel(labels["score_axis"])
    ax.set_ylim(0, 100)
    ax.set_title(labels["trend_title"].format(basis=report.trend_basis), fontsize=12)
    if report.unit_trend:
        ax.legend(fontsize=7, loc="lower left", ncols=3)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def report_charts(report: MonthlyReport, labels: dict | None = None) -> dict[str, bytes]:
    """Every picture of the report as PNG bytes, by name; ``labels`` (any of ``LABELS``' keys) give
    its words in another language."""
    use_cjk_font()
    words = {**LABELS, **(labels or {})}
    return {
        "map": score_map(report, words),
        "cases": cases_chart(report, words),
        "units": unit_trend_chart(report, words),
    }
