"""``flask --app app coverage``: the coverage report (覆盖缺口) as a table or as JSON."""

from __future__ import annotations

import json
import time
from datetime import datetime

import click

from geodata.assignments.postings import COUNTY_TZ, day_start
from layers.coverage import coverage_report
from layers.coverage_report import GAP_KINDS, ZONE_KIND_NAMES, CoverageReport
from webmap import get_store
from webmap.cli.common import chosen_county, county_option, refusals_as_errors

SHOWN_ITEMS = 10  # per list in the table; --json has every item


@click.command("coverage")
@county_option
@click.option("--json", "as_json", is_flag=True, help="print the whole report as JSON")
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="the day whose posts count, YYYY-MM-DD, from 00:00 China Standard Time (default: now)",
)
@refusals_as_errors
def coverage(county_code: str | None, as_json: bool, at: datetime | None) -> None:
    """Report every place nobody guards: area outside communities, zones and road segments with no
    lead unit, overlapping zones, mismatched posts, incidents routed to nobody."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    started = time.perf_counter()
    report = coverage_report(store, county, at=day_start(at.date()) if at else None)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in report_lines(report):
        click.echo(line)
    click.echo(f"({time.perf_counter() - started:.2f} s; --json prints every item)")


def report_lines(report: CoverageReport) -> list[str]:
    """The report as a readable table, Chinese first, English after."""
    s = report.summary()
    at = report.at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M")
    kinds = "、".join(f"{ZONE_KIND_NAMES.get(k, k)} {n}" for k, n in s["unguarded_zones_by_kind"].items())
    share = f", covered {s['covered_share']:.1%}" if s["covered_share"] is not None else ""
    rows = [
        ("uncovered", "uncovered area", f"{s['uncovered_m2']:,.0f} m² in {s['uncovered_parts']} parts{share}"),
        ("unguarded_zones", "zones with no lead", f"{s['unguarded_zones']}" + (f" ({kinds})" if kinds else "")),
        ("unguarded_segments", "segments with no lead",
         f"{s['unguarded_segments']} ({s['unguarded_km']:.2f} km)"),
        ("overlaps", "overlapping zones", f"{s['overlaps']} pairs, {s['overlap_m2']:,.0f} m²"),
        ("warnings", "lead unit without a post in its community", f"{s['warnings']} segments"),
        ("unrouted_incidents", "incidents routed to no unit, 30 days", f"{s['unrouted_incidents']}"),
    ]  # fmt: skip
    lines = [f"{report.county_name} ({report.county_code}) 覆盖缺口 coverage gaps, posts at {at} CST"]
    lines += [f"  {GAP_KINDS[key]} / {english}: {value}" for key, english, value in rows]
    return lines + _item_lines(report)


def _item_lines(report: CoverageReport) -> list[str]:
    """The first few items of each list."""
    lists = {
        "unguarded_zones": [
            f"{z.code} {z.name} ({ZONE_KIND_NAMES.get(z.kind, z.kind)})" for z in report.unguarded_zones
        ],
        "unguarded_segments": [
            f"{g['name'] or '无名路段'} @ {'、'.join(g['communities']) or '-'}: "
            f"{len(g['segment_ids'])} segments, {g['length_m']:,.0f} m"
            for g in report.segment_gap_groups()
        ],
        "overlaps": [f"{o.names[0]} × {o.names[1]} {o.area_m2:,.0f} m²" for o in report.overlaps],
        "warnings": [
            f"{g['unit_name']} @ {'、'.join(c['name'] for c in g['communities'])}: "
            f"{len(g['segment_ids'])} segments, {g['length_m']:,.0f} m"
            for g in report.warning_groups()
        ],
        "unrouted_incidents": [
            f"#{i.id} {i.category_name} {i.reported_at.astimezone(COUNTY_TZ):%Y-%m-%d %H:%M} ({i.lon:.5f}, {i.lat:.5f})"
            for i in report.unrouted_incidents
        ],
    }
    lines = []
    for key, items in lists.items():
        if items:
            lines.append(f"{GAP_KINDS[key]}:")
            lines += [f"    {item}" for item in items[:SHOWN_ITEMS]]
            if len(items) > SHOWN_ITEMS:
                lines.append(f"    … {len(items) - SHOWN_ITEMS} more")
    return lines
