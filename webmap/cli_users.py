"""Commands for an administrator over users' sign-in (等保 身份鉴别): set a password (changed by
its owner at the next sign-in), sign a user out everywhere, disable or enable a user."""

from __future__ import annotations

import click
from flask import Flask, g

from geodata.accounts import credentials as accounts
from webmap import get_store
from webmap.audit import audited_command
from webmap.cli import refusals_as_errors
from webmap.views.auth import event, now


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
