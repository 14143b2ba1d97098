"""Commands for the 分兵把口 scheme: post units, ask who guarded what, revert, re-route."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, g

from geodata.assignments import postings as posts
from geodata.errors import InvalidInput, NotFound
from geodata.mapedit.zones import undo
from webmap import get_store, settings
from webmap.audit import audited_command
from webmap.cli.common import chosen_county, county_option, refusals_as_errors

DAY = click.DateTime(formats=["%Y-%m-%d"])


def register(app: Flask) -> None:
    for command in (assign, who, guarded, revert, reroute):
        app.cli.add_command(command)


def _day(value: datetime) -> datetime:
    return posts.day_start(value.date())


@click.command("assign")
@county_option
@click.option("--unit", "unit_code", required=True, help="the unit's code")
@click.option("--role", type=click.Choice(["lead", "assist"]), default="lead", show_default=True)
@click.option("--segment", "segments", type=int, multiple=True, help="a segment id (repeatable)")
@click.option("--zone", "zones", multiple=True, help="a zone code (repeatable)")
@click.option("--road", help="every segment of the road with this name")
@click.option("--community", help="a community's code or name, with --what")
@click.option("--what", type=click.Choice(["cells", "segments", "community"]), default="segments")
@click.option("--from", "valid_from", type=DAY, required=True, help="first day, YYYY-MM-DD")
@click.option("--reason", required=True, help="why (kept in the change set)")
@click.option("--person", default="", help="the named person on duty (定人)")
@click.option("--phone", default="", help="their phone")
@click.option("--duty", "duties", multiple=True, help="a duty category code (repeatable)")
@click.option("--author", default="cli", show_default=True)
@refusals_as_errors
@audited_command("cli.assign")
def assign(county_code, unit_code, role, segments, zones, road, community, what, valid_from, reason, **post):
    """Post a unit to zones and segments from a day on, as one change set."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    targets = _targets(store, county, segments, zones, road, community, what)
    posting = posts.Posting(unit_code, role, targets, _day(valid_from), reason=reason, **post)
    applied = posts.apply_posting(store, county, posting)
    g.audit_detail = {"change_set": applied.change_set.id, "targets": len(applied.assignments)}
    click.echo(
        f"change set #{applied.change_set.id}: {unit_code} {role} on {len(applied.assignments)} targets "
        f"from {valid_from:%Y-%m-%d}; {applied.rerouted} incidents re-attributed"
    )


def _targets(store, county, segments, zones, road, community, what) -> list[posts.Target]:
    chosen = [posts.Target("segment", s) for s in segments]
    chosen += [posts.Target("zone", _zone_id(store, county, code)) for code in zones]
    if road:
        chosen += posts.road_segments(store, county, road)
    if community:
        if what == "community":
            chosen.append(posts.Target("zone", posts.community_of(store, county, community).id))
        else:
            chosen += (posts.community_cells if what == "cells" else posts.community_segments)(
                store, county, community
            )
    return chosen


@click.command("who")
@county_option
@click.option("--segment", type=int, help="a segment id")
@click.option("--zone", help="a zone code")
@click.option("--on", "day", type=DAY, help="a day, YYYY-MM-DD (default: the whole history)")
@refusals_as_errors
def who(county_code, segment, zone, day):
    """Who guarded a segment or zone on a day, or its whole history."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    target = _one_target(store, county, segment, zone)
    units = {u.id: u.name for u in store.list_units(county.id)}
    if day is None:
        for a in posts.history(store, county, target):
            until = f"before {_local(a.valid_to)}" if a.valid_to else "now"
            voided = "  (reverted)" if a.voided_by else ""
            click.echo(
                f"{_local(a.valid_from)} – {until}  {a.role:<6} {units[a.unit_id]}  {a.person}{voided}"
            )
        return
    answer = posts.responsible(store, county, target, _day(day))
    click.echo(f"lead:    {units[answer.lead.unit_id] if answer.lead else '— nobody (覆盖缺口)'}")
    for a in answer.assists:
        click.echo(f"assist:  {units[a.unit_id]}")


def _local(moment: datetime) -> str:
    """A moment as the county's calendar day."""
    return f"{moment.astimezone(posts.COUNTY_TZ):%Y-%m-%d}"


def _one_target(store, county, segment, zone) -> posts.Target:
    if (segment is None) == (zone is None):
        raise InvalidInput(
            "请指定一个对象：--segment ID 或 --zone CODE", en="Name one target: --segment ID or --zone CODE"
        )
    if segment is not None:
        return posts.Target("segment", segment)
    return posts.Target("zone", _zone_id(store, county, zone))


def _zone_id(store, county, code: str) -> int:
    try:
        return store.get_zone_by_code(county.id, None, code).id
    except NotFound:
        raise InvalidInput(
            f"未知的区域编码 {code!r}", en=f"Unknown zone code {code!r}", field="zone"
        ) from None


@click.command("guarded")
@county_option
@click.option("--unit", "unit_code", required=True)
@click.option("--month", help="YYYY-MM")
@click.option("--on", "day", type=DAY, help="a day, YYYY-MM-DD")
@refusals_as_errors
def guarded(county_code, unit_code, month, day):
    """Everything a unit guarded on a day or in a month, with lengths and areas."""
    if (month is None) == (day is None):
        raise InvalidInput(
            "请给出 --month YYYY-MM 或 --on YYYY-MM-DD", en="Give --month YYYY-MM or --on YYYY-MM-DD"
        )
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    span = posts.month_span(month) if month else posts.day_span(day.date())
    items = posts.guarded(store, county, unit_code, *span)
    for i in items:
        size = f"{i.length_m:,.0f} m" if i.length_m is not None else f"{i.area_m2:,.0f} m²"
        click.echo(f"{i.target.kind:<8} {i.code:<16} {i.name:<16} {i.role:<6} {size}")
    km = sum(i.length_m or 0 for i in items) / 1000
    km2 = sum(i.area_m2 or 0 for i in items) / 1e6
    click.echo(f"{len(items)} posts: {km:.2f} km of road, {km2:.3f} km² of zones")


@click.command("revert")
@click.argument("change_set_id", type=int)
@county_option
@click.option("--reason", required=True)
@click.option("--author", default="cli", show_default=True)
@refusals_as_errors
@audited_command("cli.revert")
def revert(change_set_id, county_code, reason, author):
    """Undo a change set as a new one (refused when later change sets built on it); an outline
    edit's zones are drawn back as they were."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    applied = undo(store, county, change_set_id, author, reason)
    g.audit_detail = {"change_set": applied.change_set.id}
    click.echo(
        f"change set #{applied.change_set.id} reverts #{change_set_id}; "
        f"{applied.rerouted} incidents re-attributed"
    )


@click.command("reroute")
@county_option
@click.option("--since", type=DAY, help="first day, YYYY-MM-DD")
@click.option(
    "--pending", is_flag=True, help="finish the reroutes changes still owe (after a crash or a kill)"
)
@refusals_as_errors
@audited_command("cli.reroute")
def reroute(county_code, since, pending):
    """Route again the incidents reported since a day (after a correction), or, with --pending,
    the ones a change recorded but did not finish routing again."""
    store = get_store()
    if pending == (since is not None):
        raise click.UsageError("give either --since DAY or --pending")
    if pending:
        changed = posts.settle_pending(store, settings().route_max_m)
    else:
        county = store.get_county(chosen_county(county_code))
        changed = posts.reroute(store, county, _day(since), settings().route_max_m)
    click.echo(f"{changed} incidents re-attributed")
