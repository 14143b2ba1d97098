"""The national holiday calendar shipped with the portal: what every new county's ``holiday`` table
starts with (geodata/cases/holidays.py ``load_national``; ``flask --app app holidays load``).

2026 — 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电, published 2025-11-04 by 新华社;
e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm), entered in full: the days off and
the 调休 make-up workdays. Cross-checked against the PyPI package chinese-calendar 1.11.0, whose
2026 holidays and weekend workdays are these days exactly.

2027 — the State Council's notice for 2027 was not available when this was written. Entered are
the *statutory holidays only* that 《全国年节及纪念日放假办法》 (2024年11月修订, 国务院令第795号)
fixes, on their 2027 dates: 元旦 1 day, 春节 4 days (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋
1, 国庆 3. The lunar dates were cross-checked with the PyPI package lunardate 0.3.0 (春节 初一 is
2027-02-06, so 除夕 is 02-05; 端午 五月初五 is 06-09; 中秋 八月十五 is 09-15) and 清明 (a solar
term) with chinese-calendar 1.11.0 (2027-04-05). No 调休 make-up workdays and none of the days in
lieu (补假) of holidays that fall on a weekend are entered: an administrator enters them from the
notice when it is published (``flask --app app holidays set``).
"""

from __future__ import annotations

from datetime import date, timedelta

# (first day, last day, kind, name): a run of days off, or one make-up workday (first == last).
NATIONAL: tuple[tuple[str, str, str, str], ...] = (
    # 2026, from the State Council's notice.
    ("2026-01-01", "2026-01-03", "holiday", "元旦"),
    ("2026-01-04", "2026-01-04", "workday", "元旦"),  # a Sunday
    ("2026-02-14", "2026-02-14", "workday", "春节"),  # a Saturday
    ("2026-02-15", "2026-02-23", "holiday", "春节"),
    ("2026-02-28", "2026-02-28", "workday", "春节"),  # a Saturday
    ("2026-04-04", "2026-04-06", "holiday", "清明节"),
    ("2026-05-01", "2026-05-05", "holiday", "劳动节"),
    ("2026-05-09", "2026-05-09", "workday", "劳动节"),  # a Saturday
    ("2026-06-19", "2026-06-21", "holiday", "端午节"),
    ("2026-09-20", "2026-09-20", "workday", "国庆节"),  # a Sunday
    ("2026-09-25", "2026-09-27", "holiday", "中秋节"),
    ("2026-10-01", "2026-10-07", "holiday", "国庆节"),
    ("2026-10-10", "2026-10-10", "workday", "国庆节"),  # a Saturday
    # 2027: the statutory days only (国务院令第795号), until the notice is entered.
    ("2027-01-01", "2027-01-01", "holiday", "元旦"),
    ("2027-02-05", "2027-02-08", "holiday", "春节"),  # 除夕 to 初三
    ("2027-04-05", "2027-04-05", "holiday", "清明节"),
    ("2027-05-01", "2027-05-02", "holiday", "劳动节"),
    ("2027-06-09", "2027-06-09", "holiday", "端午节"),
    ("2027-09-15", "2027-09-15", "holiday", "中秋节"),
    ("2027-10-01", "2027-10-03", "holiday", "国庆节"),
)


def national_days() -> list[tuple[date, str, str]]:
    """Every shipped day as (day, kind, name), in date order."""
    out = []
    for first, last, kind, name in NATIONAL:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            out.append((day, kind, name))
            day += timedelta(days=1)
    return sorted(out)


def national_years() -> list[int]:
    """The years the shipped calendar has days of, in order."""
    return sorted({int(first[:4]) for first, *_ in NATIONAL})
