"""``flask --app app backup PATH`` (``--verify PATH`` to check one) and ``flask --app app restore
PATH [--force]``: the database and the photos in one archive (geodata/backup/jobs.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask

from geodata.backup import jobs as archive
from webmap import settings
from webmap.audit import audit_cli
from webmap.cli.common import refusals_as_errors


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _media_dir() -> Path:
    from webmap.views.cases.api import media_dir

    return media_dir()


def reconnect(between: Callable[[], None] | None = None) -> None:
    """Drop this process's connections to the database a restore (or seed-demo --refresh)
    replaced: on PostGIS they know the old extension's type ids (the audit record of the restore is
    written on a new one). ``between`` runs while no connection is open."""
    from flask import current_app, g

    from geodata.stores.store import open_database

    store = g.pop("store", None)
    if store is not None:
        store.close()
    current_app.extensions["portal_db"].close()
    if between is not None:
        between()
    current_app.extensions["portal_db"] = open_database(settings().database_url)


def _say(message: str) -> None:
    click.echo(message, err=True)  # progress on stderr: stdout keeps the summary alone


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--verify", "check_only", is_flag=True, help="check the archive PATH instead of writing one")
@refusals_as_errors
def backup_command(path: Path, check_only: bool) -> None:
    """Write the database and the photos to the archive PATH (.tar, or .tar.gz to compress);
    with --verify, check every member of an existing archive against its manifest."""
    if check_only:
        manifest, notes = archive.verify(path, report=_say)
        click.echo(f"OK: {path} — every checksum matches and the database file is sound")
        for line in manifest.lines() + [f"  note: {n}" for n in notes]:
            click.echo(line)
        return
    manifest = archive.backup(settings().database_url, _media_dir(), path, report=_say)
    audit_cli("cli.backup", str(path), tables=len(manifest.row_counts))  # an export of everything
    click.echo(f"wrote {path}")
    for line in manifest.lines():
        click.echo(line)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace a database (and media folder) that holds data")
@refusals_as_errors
def restore_command(path: Path, force: bool) -> None:
    """Restore the archive PATH into this portal's database and media folder, which must be empty
    unless --force. Stop the portal first; the archive is checked whole before anything changes."""
    restored = archive.restore(settings().database_url, _media_dir(), path, force=force, report=_say)
    reconnect()
    # Recorded once it worked, into the restored log: a refusal leaves the database as it was.
    audit_cli("cli.restore", str(path), archive_made=restored.manifest.created_at, force=force)
    for line in restored.lines():
        click.echo(line)
