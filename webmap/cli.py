"""Flask CLI commands (``flask --app app COMMAND``): thin adapters over the geodata functions,
each with a progress bar and a printed summary; a refusal is one ``Error: ...`` line."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import click
from flask import Flask, g
from flask.cli import with_appcontext
from tqdm import tqdm
from werkzeug.security import generate_password_hash

from geodata import clock
from geodata.accounts import passwords
from geodata.errors import InvalidInput, NotFound, PortalError
from geodata.io import imports as io
from geodata.model import INSPECTION_PANELS, USER_ROLES, User
from webmap import get_store, settings
from webmap.audit import audited_command

COUNTY_HELP = "the county's 6-digit admin code (default: the PORTAL_DEFAULT_COUNTY setting)"


def register_cli(app: Flask) -> None:
    """Add the portal's commands to ``flask``."""
    for command in (
        init_db,
        create_county,
        import_streets,
        import_zones,
        import_units,
        import_incidents,
        export,
        seed_demo,
        create_user,
    ):
        app.cli.add_command(command)
    # Imported here: these modules build on the helpers defined below in this one.
    from webmap import cli_assign, cli_audit, cli_cases, cli_coverage, cli_grid, cli_report

    cli_assign.register(app)
    app.cli.add_command(cli_audit.audit_group)
    app.cli.add_command(cli_coverage.coverage)
    app.cli.add_command(cli_grid.make_grid)
    app.cli.add_command(cli_cases.create_api_key)
    app.cli.add_command(cli_report.monthly_report_command)
    from webmap import cli_backup

    cli_backup.register(app)
    from webmap import cli_users

    cli_users.register(app)


def refusals_as_errors(command: Callable) -> Callable:
    """Run the command in the app context and show a refusal from geodata as one ``Error: ...``
    line with exit status 1, no traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except PortalError as exc:
            raise click.ClickException(exc.message) from None

    return with_appcontext(wrapper)


@contextmanager
def progress_bar(label: str, unit: str) -> Iterator[Callable[[int, int | None], None]]:
    """A tqdm bar driven by the geodata ``progress(done, total)`` callback, shown from the first
    progress report on (a file refused at once shows no bar)."""
    bar: tqdm | None = None

    def update(done: int, total: int | None) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(desc=label, unit=f" {unit}", total=total, leave=False)
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def county_option(command: Callable) -> Callable:
    return click.option("--county", "county_code", default=None, help=COUNTY_HELP)(command)


def _county(code: str | None) -> str:
    return code or settings().default_county


def _echo_summary(summary) -> None:
    for line in summary.lines():
        click.echo(line)


@click.command("init-db")
@refusals_as_errors
@audited_command("cli.init-db")
def init_db() -> None:
    """Create or upgrade the database schema (safe to run twice)."""
    store = get_store()
    applied = store.migrate()
    if applied:
        for name in applied:
            click.echo(f"applied {name}")
    else:
        click.echo(f"the database is up to date (schema version {store.schema_version()})")


@click.command("create-county")
@click.argument("code")
@click.argument("name")
@click.option("--boundary", type=click.Path(dir_okay=False), help="a polygon file: the official boundary")
@click.option("--crs", help="the boundary file's CRS when it declares none, e.g. EPSG:4547")
@refusals_as_errors
@audited_command("cli.create-county")
def create_county(code: str, name: str, boundary: str | None, crs: str | None) -> None:
    """Create a county (tenant) with its GB/T 2260 admin CODE and NAME."""
    county = io.create_county(get_store(), code, name, boundary, crs)
    where = "its boundary" if county.extent is not None else "the first streets or zones imported"
    click.echo(f"created county {county.name} ({county.code}); its extent comes from {where}")


@click.command("import-streets")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@click.option("--crs", help="the file's CRS when it declares none, e.g. EPSG:4547")
@refusals_as_errors
@audited_command("cli.import-streets")
def import_streets(path: str, county_code: str | None, crs: str | None) -> None:
    """Import streets (GeoJSON, GeoPackage, zipped Shapefile, .osm.pbf) as road segments."""
    with progress_bar("storing segments", "segments") as bar:
        summary = io.import_streets(get_store(), _county(county_code), path, crs, progress=bar)
    _echo_summary(summary)


@click.command("import-zones")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@click.option("--kind", required=True, help="subdistrict, community, village, courtyard or grid")
@click.option("--name-field", help="the field holding each zone's name (default: name)")
@click.option("--crs", help="the file's CRS when it declares none, e.g. EPSG:4547")
@click.option(
    "--allow-overlap", is_flag=True, help="store zones overlapping others of the kind, listing the overlaps"
)
@refusals_as_errors
@audited_command("cli.import-zones")
def import_zones(
    path: str,
    county_code: str | None,
    kind: str,
    name_field: str | None,
    crs: str | None,
    allow_overlap: bool,
) -> None:
    """Import polygons as zones of one kind (communities, villages, courtyards, grid cells, ...),
    repairing what may be repaired; zones that overlap others of their kind (over 1 m²) are refused
    unless --allow-overlap."""
    with progress_bar("storing zones", "zones") as bar:
        summary = io.import_zones(
            get_store(), _county(county_code), path, kind, name_field, crs, progress=bar,
            allow_overlap=allow_overlap,
        )  # fmt: skip
    _echo_summary(summary)


@click.command("import-units")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@refusals_as_errors
@audited_command("cli.import-units")
def import_units(path: str, county_code: str | None) -> None:
    """Import responsible units from a CSV with columns code,name[,kind,hotline]."""
    with progress_bar("storing units", "units"):
        summary = io.import_units(get_store(), _county(county_code), path)
    _echo_summary(summary)


@click.command("import-incidents")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@click.option("--category-field", help="the field holding the category (default: category)")
@click.option("--time-field", help="the field holding the report time (default: reported_at)")
@click.option("--category", help="one category for every row, when the file has none")
@click.option("--reported-at", type=click.DateTime(), help="one report time (UTC) for every row")
@click.option("--crs", help="the file's CRS when it declares none, e.g. EPSG:4547")
@click.option(
    "--skip-refused", is_flag=True, help="store the good rows; write the refused ones to PATH.refused.csv"
)
@refusals_as_errors
@audited_command("cli.import-incidents")
def import_incidents(
    path: str,
    county_code: str | None,
    category_field: str | None,
    time_field: str | None,
    category: str | None,
    reported_at: datetime | None,
    crs: str | None,
    skip_refused: bool,
) -> None:
    """Import incident points (GeoJSON, GeoPackage, CSV with lon/lat), routed on arrival. A row
    that cannot be stored refuses the file, unless --skip-refused."""
    with progress_bar("routing incidents", "incidents") as bar:
        summary = io.import_incidents(
            get_store(),
            _county(county_code),
            path,
            category_field,
            time_field,
            crs=crs,
            category=category,
            reported_at=reported_at,
            max_m=settings().route_max_m,
            progress=bar,
            skip_refused=skip_refused,
        )
    _echo_summary(summary)


@click.command("export")
@click.argument("layer")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="a CSV's headers: Chinese for people, or the columns' codes")  # fmt: skip
@refusals_as_errors
@audited_command("cli.export")
def export(layer: str, path: str, county_code: str | None, lang: str) -> None:
    """Export LAYER (zones, segments or incidents) to PATH (.geojson, .gpkg or .csv; a CSV in the
    county's time, with a BOM for Excel)."""
    with progress_bar(f"writing {layer}", layer) as bar:
        summary = io.export_layer(get_store(), _county(county_code), layer, path, progress=bar, lang=lang)
    _echo_summary(summary)


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
        from webmap.views.cases import media_dir

        seed_public_face(get_store(), result.county, media_dir())
    return result


def _set_database_aside() -> None:
    """Move the SQLite file (and its journal) to ``NAME.YYYYmmdd-HHMMSS.old`` and start a new one:
    nothing of the old demo is deleted. PostGIS is the operator's to drop and create."""
    from geodata.stores.sqlite.store import sqlite_path
    from webmap.cli_backup import reconnect

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
    """Create a user who signs in with NAME."""
    if role not in USER_ROLES:
        raise InvalidInput(
            f"未知角色 {role!r}：可选 admin、leader、unit_staff 或 inspector",
            en=f"Unknown role {role!r}: choose admin, leader, unit_staff or inspector",
        )
    store = get_store()
    county_id, unit_id = _user_place(store, county_code, unit_code)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    passwords.check(password, name)
    # Someone else chose this password: the user changes it at the first sign-in.
    hashed = generate_password_hash(password)
    user = store.add_user(
        User(name, hashed, role, county_id, unit_id, panel=panel, must_change_password=True)
    )
    g.audit_detail = {"user": user.username, "role": user.role, "county_id": county_id, "unit_id": unit_id}
    click.echo(
        f"created user {user.username} ({user.role}); they choose their own password at the first sign-in"
    )


def _user_place(store, county_code: str | None, unit_code: str | None) -> tuple[int | None, int | None]:
    """The ids of the user's county (given, or the default when it exists) and unit."""
    if county_code is None and unit_code is None:
        try:
            return store.get_county(settings().default_county).id, None
        except NotFound:
            return None, None
    county = store.get_county(_county(county_code))
    if unit_code is None:
        return county.id, None
    try:
        unit = store.get_unit_by_code(county.id, unit_code)
    except NotFound:
        raise NotFound(
            f"县区 {county.code} 中没有编码为 {unit_code!r} 的单位",
            en=f"County {county.code} has no unit with code {unit_code!r}",
        ) from None
    return county.id, unit.id
