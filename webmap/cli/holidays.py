"""``flask --app app holidays list|load|set|remove``: a county's working calendar (geodata/cases/
holidays.py), the days its deadlines skip (holidays) or count (make-up workdays on a weekend).
Every change is audited; listing is not a write."""

from __future__ import annotations

from datetime import date

import click
from flask import g

from geodata.cases import holidays
from geodata.labels import HOLIDAY_KIND_ZH
from webmap import get_store
from webmap.audit import audited_command
from webmap.cli.common import chosen_county, county_option, refusals_as_errors


@click.group("holidays")
def holidays_group() -> None:
    """A county's holiday calendar (节假日与调休), which working-hour deadlines follow."""


@holidays_group.command("list")
@county_option
@click.option("--year", type=click.IntRange(holidays.FIRST_YEAR, holidays.LAST_YEAR), help="one year only")
@refusals_as_errors
def list_days(county_code: str | None, year: int | None) -> None:
    """Print the county's holidays and make-up workdays, one a line."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    first, last = (year or holidays.FIRST_YEAR, year or holidays.LAST_YEAR)
    days = store.list_holidays(county.id, date(first, 1, 1), date(last, 12, 31))
    for d in days:
        weekday = holidays.WEEKDAY_ZH[d.day.weekday()]
        click.echo(f"{d.day}  周{weekday}  {HOLIDAY_KIND_ZH[d.kind]}  {d.name}".rstrip())
    click.echo(f"{county.name}：共 {len(days)} 天")


@holidays_group.command("load")
@county_option
@refusals_as_errors
@audited_command("cli.holidays-load")
def load(county_code: str | None) -> None:
    """Add the national calendar shipped with the portal (2026 in full; 2027's statutory holidays
    only, until the State Council's notice is entered); days already set stay as they are."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    added = holidays.load_national(store, county.id)
    g.audit_detail = {"county": county.code, "added": added}
    click.echo(f"{county.name}：新增 {added} 天全国节假日安排")


@holidays_group.command("set")
@click.argument("day")
@click.argument("kind")
@click.option("--name", default="", help="the holiday's name, e.g. 春节")
@county_option
@refusals_as_errors
@audited_command("cli.holidays-set")
def set_day(day: str, kind: str, name: str, county_code: str | None) -> None:
    """Make DAY (YYYY-MM-DD) a holiday (KIND 'holiday') or a make-up workday on a weekend ('workday')."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    stored = holidays.set_day(store, county.id, holidays.parse_day(day), kind.strip(), name)
    g.audit_detail = {"county": county.code}
    click.echo(f"{county.name}：{stored.day} 设为{HOLIDAY_KIND_ZH[stored.kind]} {stored.name}".rstrip())


@holidays_group.command("remove")
@click.argument("day")
@county_option
@refusals_as_errors
@audited_command("cli.holidays-remove")
def remove_day(day: str, county_code: str | None) -> None:
    """Let DAY (YYYY-MM-DD) follow the week's rule again (worked Monday to Friday)."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    parsed = holidays.parse_day(day)
    holidays.remove_day(store, county.id, parsed)
    g.audit_detail = {"county": county.code}
    click.echo(f"{county.name}：{parsed} 恢复为按星期计")
