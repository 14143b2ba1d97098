"""Commands for an administrator over users and their sign-in (等保 身份鉴别): create a user, set a password (changed by
its owner at the next sign-in), sign a user out everywhere, disable or enable a user. The page
/admin/users does each of these too; both call geodata/accounts/ (users.py, credentials.py)."""

from __future__ import annotations

import click
from flask import Flask, g

from geodata.accounts import credentials as accounts
from geodata.accounts import users
from geodata.errors import NotFound
from geodata.model import INSPECTION_PANELS, Unit
from webmap import get_store, settings
from webmap.audit import audited_command
from webmap.cli.common import chosen_county, county_option, refusals_as_errors
from webmap.views.account.auth import event, now


def register(app: Flask) -> None:
    for command in (set_password, sign_out_everywhere, disable_user, enable_user):
        app.cli.add_command(command)


@click.command("set-password")
@click.argument("username")
@refusals_as_errors
@audited_command("cli.set-password")
def set_password(username: str) -> None:
    """Give USERNAME a new password (asked for twice, hidden); they must change it when they next
    sign in, and every session of theirs ends now."""
    store = get_store()
    user = store.get_user_by_name(username)
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    user, ended = accounts.set_password(store, user, password, now(), by_admin=True)
    g.audit_detail = {"sessions_ended": ended}
    event("password_set_by_admin", username, "ok", sessions_ended=ended)
    click.echo(
        f"password of {username} set; they choose their own at the next sign-in ({ended} sessions ended)"
    )


@click.command("sign-out-everywhere")
@click.argument("username")
@refusals_as_errors
@audited_command("cli.sign-out-everywhere")
def sign_out_everywhere(username: str) -> None:
    """End every session of USERNAME (a lost phone, a shared computer)."""
    store = get_store()
    ended = accounts.sign_out_everywhere(store, store.get_user_by_name(username), now())
    g.audit_detail = {"sessions_ended": ended}
    event("sessions_ended_by_admin", username, "ok", sessions_ended=ended)
    click.echo(f"{ended} sessions of {username} ended")


@click.command("disable-user")
@click.argument("username")
@refusals_as_errors
@audited_command("cli.disable-user")
def disable_user(username: str) -> None:
    """Stop USERNAME from signing in, ending their sessions (their history stays)."""
    store = get_store()
    _, ended = accounts.set_disabled(store, store.get_user_by_name(username), True, now())
    g.audit_detail = {"sessions_ended": ended}
    event("user_disabled", username, "ok", sessions_ended=ended)
    click.echo(f"{username} disabled ({ended} sessions ended)")


@click.command("enable-user")
@click.argument("username")
@refusals_as_errors
@audited_command("cli.enable-user")
def enable_user(username: str) -> None:
    """Let a disabled USERNAME sign in again."""
    store = get_store()
    accounts.set_disabled(store, store.get_user_by_name(username), False, now())
    event("user_enabled", username, "ok")
    click.echo(f"{username} enabled")


@click.command("create-user")
@click.argument("name")
@click.option("--role", required=True, help="admin, leader, unit_staff or inspector")
@click.option("--password", help="asked for (twice, hidden) when not given")
@county_option
@click.option("--unit", "unit_code", help="the code of the user's unit (unit_staff, a committee's evaluator)")
@click.option("--panel", type=click.Choice(INSPECTION_PANELS), help="an evaluator's panel (评议组)")
@refusals_as_errors
@audited_command("cli.create-user")
def create_user(
    name: str,
    role: str,
    password: str | None,
    county_code: str | None,
    unit_code: str | None,
    panel: str | None,
) -> None:
    """Create a user who signs in with NAME (also on the page /admin/users)."""
    store = get_store()
    county_id, unit = _user_place(store, county_code, unit_code)
    profile = users.Profile(role, unit, panel)
    users.check_profile(profile)  # before asking for a password
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    # Someone else chose this password: the user changes it at the first sign-in.
    user, _ = users.create_user(store, name, profile, county_id, password)
    g.audit_detail = {
        "user": user.username,
        "role": user.role,
        "county_id": county_id,
        "unit_id": user.unit_id,
    }
    click.echo(
        f"created user {user.username} ({user.role}); they choose their own password at the first sign-in"
    )


def _user_place(store, county_code: str | None, unit_code: str | None) -> tuple[int | None, Unit | None]:
    """The id of the user's county (given, or the default when it exists) and their unit."""
    if county_code is None and unit_code is None:
        try:
            return store.get_county(settings().default_county).id, None
        except NotFound:
            return None, None
    county = store.get_county(chosen_county(county_code))
    if unit_code is None:
        return county.id, None
    try:
        unit = store.get_unit_by_code(county.id, unit_code)
    except NotFound:
        raise NotFound(
            f"县区 {county.code} 中没有编码为 {unit_code!r} 的单位",
            en=f"County {county.code} has no unit with code {unit_code!r}",
        ) from None
    return county.id, unit
