"""Data in and out (``flask --app app COMMAND``): the schema, a county, its streets, zones, units and
incidents from files, and exports; thin adapters over geodata/io/, each with a progress bar and a
printed summary."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import click

from geodata.io import imports as io
from geodata.io.export_all import export_all as export_everything
from layers.score_map import export_scores
from webmap import get_store, settings
from webmap.audit import audited_command
from webmap.cli.common import chosen_county, county_option, echo_summary, progress_bar, refusals_as_errors


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
        summary = io.import_streets(get_store(), chosen_county(county_code), path, crs, progress=bar)
    echo_summary(summary)


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
            get_store(), chosen_county(county_code), path, kind, name_field, crs, progress=bar,
            allow_overlap=allow_overlap,
        )  # fmt: skip
    echo_summary(summary)


@click.command("import-units")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@refusals_as_errors
@audited_command("cli.import-units")
def import_units(path: str, county_code: str | None) -> None:
    """Import responsible units from a CSV with columns code,name[,kind,hotline]."""
    with progress_bar("storing units", "units"):
        summary = io.import_units(get_store(), chosen_county(county_code), path)
    echo_summary(summary)


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
            chosen_county(county_code),
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
    echo_summary(summary)


@click.command("export")
@click.argument("layer")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="a CSV's headers: Chinese for people, or the columns' codes")  # fmt: skip
@refusals_as_errors
@audited_command("cli.export")
def export(layer: str, path: str, county_code: str | None, lang: str) -> None:
    """Export LAYER (zones, segments or incidents) to PATH (.geojson, .gpkg, .csv or .zip: a zipped
    Shapefile; a CSV in the county's time, with a BOM for Excel)."""
    with progress_bar(f"writing {layer}", layer) as bar:
        summary = io.export_layer(
            get_store(), chosen_county(county_code), layer, path, progress=bar, lang=lang
        )
    echo_summary(summary)


@click.command("export-all")
@click.argument("path", type=click.Path(dir_okay=False))
@county_option
@refusals_as_errors
@audited_command("cli.export-all")
def export_all(path: str, county_code: str | None) -> None:
    """Export the whole county to the GeoPackage PATH: every layer with its QGIS style and last
    month's scores, the units and the assignment history."""
    with progress_bar("writing the GeoPackage", "steps") as bar:
        summary = export_everything(get_store(), chosen_county(county_code), path, progress=bar,
                                    scores=partial(export_scores, get_store()))  # fmt: skip
    echo_summary(summary)
