"""``seed-demo``: the demo county 福田示范区 (demo/), made anew for today with ``--refresh``."""

from __future__ import annotations

from datetime import datetime

import click
from tqdm import tqdm

from geodata import clock
from webmap import get_store, settings
from webmap.audit import audited_command
from webmap.cli.common import refusals_as_errors


@click.command("seed-demo")
@click.option("--seed", type=int, default=None, help="the generator's seed (default: PORTAL_DEMO_SEED)")
@click.option("--incidents", "n_incidents", type=int, default=60_000, show_default=True)
@click.option(
    "--refresh", is_flag=True,
    help="make the demo anew for today in a fresh SQLite file; the old file is kept beside it",
)  # fmt: skip
@click.option(
    "--today", metavar="YYYY-MM-DD", default=None,
    help="make the demo as if today were this day (its year ends then); default: today",
)  # fmt: skip
@refusals_as_errors
@audited_command("cli.seed-demo")
def seed_demo(seed: int | None, n_incidents: int, refresh: bool, today: str | None) -> None:
    """Build the demo county 福田示范区 from the real Futian streets and print its users."""
    day = clock.parse_day(today) if today else None
    with clock.pinned_to(day):  # for this command: the demo, its tiers and the checks on them
        result = _seed(seed, n_incidents, refresh)
    for line in result.lines():
        click.echo(line)
    click.echo("Demo users (演示账号) — passwords are shown only now:")
    for user in result.users:
        click.echo(f"  {user.username:<10} {user.role:<11} {user.password}")


def _seed(seed: int | None, n_incidents: int, refresh: bool):
    from demo.county import STEPS
    from demo.county import seed_demo as seed_county

    if refresh:
        _set_database_aside()
    seed = settings().demo_seed if seed is None else seed
    with tqdm(total=len(STEPS), desc="seeding the demo", leave=False) as bar:

        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(STEPS.index(name) - bar.n)

        result = seed_county(get_store(), seed, n_incidents, progress=step, max_m=settings().route_max_m)
        bar.update(len(STEPS) - bar.n)
    if refresh:  # as `python app.py` makes it: tiers, titles and residents' reports too
        from webmap.demo_face import seed_public_face
        from webmap.views.cases.api import media_dir

        seed_public_face(get_store(), result.county, media_dir())
    return result


def _set_database_aside() -> None:
    """Move the SQLite file (and its journal) to ``NAME.YYYYmmdd-HHMMSS.old`` and start a new one:
    nothing of the old demo is deleted. PostGIS is the operator's to drop and create."""
    from geodata.stores.sqlite.store import sqlite_path
    from webmap.cli.backup import reconnect

    url = settings().database_url
    if not url.startswith("sqlite:"):
        raise click.UsageError(
            "--refresh replaces the embedded SQLite database; on PostGIS drop and create the database, "
            "then run init-db and seed-demo"
        )
    path = sqlite_path(url)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")

    def move() -> None:
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if part.exists():
                part.rename(part.with_name(f"{path.name}.{stamp}.old{part.name.removeprefix(path.name)}"))

    reconnect(between=move)
    get_store().migrate()
    click.echo(f"The old database is kept as {path.name}.{stamp}.old; a new demo is made for today.")
