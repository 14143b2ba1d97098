"""The notification commands: ``flask --app app notify-worker`` (the delivery worker, long-running
or ``--once``) and ``flask --app app units contact CODE …`` (where a unit is told of its cases)."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

import click
from flask import current_app, g

from geodata.notify import worker
from geodata.notify.channels import checked_contact
from geodata.notify.model import UnitContact
from webmap import case_sweep, database, get_store, notify_policy, settings
from webmap.audit import audited_command
from webmap.cli.common import chosen_county, county_option, refusals_as_errors


@click.command("notify-worker")
@click.option("--once", is_flag=True, help="deliver what is due now, then stop")
@click.option(
    "--batch",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="deliveries claimed at a time",
)
@click.option(
    "--lease-s",
    type=click.FloatRange(1, 86_400),
    default=None,
    help="how long a claim holds (default PORTAL_NOTIFY_LEASE_S)",
)
@click.option(
    "--poll-s",
    type=click.FloatRange(0.05, 3600),
    default=2.0,
    show_default=True,
    help="the wait when nothing is due",
)
@refusals_as_errors
def notify_worker(once: bool, batch: int, lease_s: float | None, poll_s: float) -> None:
    """Deliver the notifications' e-mails and robot messages: a line per batch; Ctrl-C or SIGTERM
    stops it after the batch in hand. Once a minute it also raises the 督办 that are due and brings
    back the cases on record whose review day has come.
    Any number of workers may run at once."""
    changes = {"batch": batch} | ({"lease": timedelta(seconds=lease_s)} if lease_s else {})
    channels = current_app.extensions["portal_channels"]
    if channels.smtp is None:
        click.echo("PORTAL_SMTP_URL is not set: e-mails will fail and be retried until it is.")
    name = worker.worker_name()
    stop = threading.Event()
    # SIGTERM (a service manager's stop) and SIGINT (Ctrl-C) end the worker after the batch in
    # hand, each delivery recorded. Set here rather than left to Python's KeyboardInterrupt: a
    # process started in the background inherits SIGINT ignored, and would never stop on it.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"notify worker {name} started", nl=True)
    totals = worker.run(
        database(), channels, notify_policy(settings(), **changes), once=once, poll_s=poll_s,
        stop=stop, echo=lambda line: click.echo(line), name=name, sweep=case_sweep(settings()),
    )  # fmt: skip
    click.echo(f"done: {totals['sent']} sent, {totals['pending']} to retry, {totals['failed']} failed")


@click.group("units")
def units_group() -> None:
    """A county's units."""


@units_group.command("contact")
@click.argument("code")
@click.option("--email", default=None, help="the unit's duty e-mail address ('' clears it)")
@click.option("--wecom-url", default=None, help="its 企业微信 group robot's webhook URL")
@click.option("--dingtalk-url", default=None, help="its 钉钉 group robot's webhook URL")
@click.option(
    "--dingtalk-secret", default=None, help="the 钉钉 robot's signing secret (加签), never shown again"
)
@county_option
@refusals_as_errors
@audited_command("cli.units-contact")
def unit_contact(code, email, wecom_url, dingtalk_url, dingtalk_secret, county_code) -> None:
    """Set where unit CODE is told of its cases besides the inbox; options left out stay as they are."""
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    unit = store.get_unit_by_code(county.id, code)
    old = store.get_unit_contact(county.id, unit.id)
    new = checked_contact(
        UnitContact(
            old.email if email is None else email,
            old.wecom_url if wecom_url is None else wecom_url,
            old.dingtalk_url if dingtalk_url is None else dingtalk_url,
            old.dingtalk_secret if dingtalk_secret is None else dingtalk_secret,
        )
    )
    store.set_unit_contact(county.id, unit.id, new)
    shown = new.shown()
    g.audit_detail = {"unit": unit.code, "contact": shown}
    click.echo(f"{unit.code} {unit.name}:")
    for key, value in shown.items():
        click.echo(f"  {key}: {value or '—'}")
