"""``flask --app app create-api-key``: a key for another system (an Open311 client, a screen)."""

from __future__ import annotations

import click
from flask import g

from geodata.accounts.apikeys import issue_key
from geodata.assignments.postings import refuse_retired
from geodata.errors import NotFound
from geodata.model import USER_ROLES, Unit
from webmap import get_store, settings
from webmap.audit import audited_command
from webmap.cli.common import refusals_as_errors


@click.command("create-api-key")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(USER_ROLES), help="what the key may do")
@click.option("--unit", "unit_code", help="the unit of a unit_staff key (it sees that unit's cases only)")
@click.option("--county", "county_code", help="the unit's county code (default: PORTAL_DEFAULT_COUNTY)")
@refusals_as_errors
@audited_command("cli.create-api-key")
def create_api_key(name: str, role: str, unit_code: str | None, county_code: str | None) -> None:
    """Issue an API key for NAME; it is printed once and stored only as a hash."""
    store = get_store()
    unit = _unit(store, county_code or settings().default_county, unit_code) if unit_code else None
    stored, key = issue_key(store, name, role, unit)
    g.audit_detail = {"key": stored.name, "role": stored.role, "unit": unit.code if unit else None}
    of_unit = f", unit {unit.code} {unit.name}" if unit else ""
    click.echo(f"API key for {stored.name} ({stored.role}{of_unit}); keep it now, it is not shown again:")
    click.echo(key)


def _unit(store, county_code: str, unit_code: str) -> Unit:
    county = store.get_county(county_code)
    try:
        return refuse_retired(store.get_unit_by_code(county.id, unit_code))
    except NotFound:
        raise NotFound(
            f"县区 {county.code} 中没有编码为 {unit_code!r} 的单位",
            en=f"County {county.code} has no unit with code {unit_code!r}",
            field="unit",
        ) from None
