"""``flask --app app audit verify|export``: check the audit log's hash chain, or write it as CSV."""

from __future__ import annotations

import csv

import click

from geodata import audit as audit_log
from geodata.assignments.postings import COUNTY_TZ
from webmap import get_store
from webmap.audit import audit_cli
from webmap.cli.common import refusals_as_errors


@click.group("audit")
def audit_group() -> None:
    """The security audit log (等保 安全审计)."""


@audit_group.command("verify")
@refusals_as_errors
def verify() -> None:
    """Walk the hash chain; exit 1 naming the first row that was edited, inserted or removed."""
    found = audit_log.verify(get_store())
    if found.broken is not None:
        at = found.broken.at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M:%S")
        raise click.ClickException(
            f"审计链断裂：第一条异常记录为 #{found.broken.id}（{at}，{found.broken.actor} {found.broken.action}），"
            f"其前 {found.count} 条完整"
        )
    click.echo(f"审计链完整：{found.count} 条")
    click.echo(f"末条哈希：{found.last_hash}")


@audit_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@refusals_as_errors
def export(path: str) -> None:
    """Write the whole audit log to PATH as CSV (UTF-8 with a BOM, for Excel)."""
    store = get_store()
    audit_cli("cli.audit-export", path)
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        rows = -1  # the header is no row
        for row in audit_log.csv_rows(store.iter_audit_events()):
            writer.writerow(row)
            rows += 1
    click.echo(f"wrote {rows} audit events to {path}")
