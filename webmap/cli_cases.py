"""``flask --app app create-api-key``: a key for another system (an Open311 client)."""

from __future__ import annotations

import click
from flask import g

from geodata.apikeys import issue_key
from geodata.model import USER_ROLES
from webmap import get_store
from webmap.audit import audited_command
from webmap.cli import refusals_as_errors


@click.command("create-api-key")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(USER_ROLES), help="what the key may do")
@refusals_as_errors
@audited_command("cli.create-api-key")
def create_api_key(name: str, role: str) -> None:
    """Issue an API key for NAME; it is printed once and stored only as a hash."""
    stored, key = issue_key(get_store(), name, role)
    g.audit_detail = {"key": stored.name, "role": stored.role}  # the key itself never
    click.echo(f"API key for {stored.name} ({stored.role}); keep it now, it is not shown again:")
    click.echo(key)
