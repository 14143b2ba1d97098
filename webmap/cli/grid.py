"""The ``make-grid`` command: split every community of a county into unit grid cells."""

from __future__ import annotations

import click

from geodata.grids.make import make_grid as split_communities
from webmap import get_store
from webmap.audit import audited_command
from webmap.cli.common import chosen_county, county_option, echo_summary, progress_bar, refusals_as_errors


@click.command("make-grid")
@county_option
@click.option(
    "--target-m2",
    type=float,
    default=10_000,
    show_default=True,
    help="the cell area to aim for, in m² (500 to 1,000,000)",
)
@refusals_as_errors
@audited_command("cli.make-grid")
def make_grid(county_code: str | None, target_m2: float) -> None:
    """Split every community into unit grid cells (单元网格) along its streets, keeping the codes
    of cells that did not change."""
    with progress_bar("splitting communities", "communities") as bar:
        summary = split_communities(get_store(), chosen_county(county_code), target_m2, progress=bar)
    echo_summary(summary)
