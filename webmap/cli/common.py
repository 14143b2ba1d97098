"""What the portal's commands share: a refusal as one ``Error: ...`` line, a progress bar over
geodata's ``progress(done, total)`` callback, the ``--county`` option and a printed import summary."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from geodata.errors import PortalError
from webmap import settings

COUNTY_HELP = "the county's 6-digit admin code (default: the PORTAL_DEFAULT_COUNTY setting)"


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


def chosen_county(code: str | None) -> str:
    return code or settings().default_county


def echo_summary(summary) -> None:
    for line in summary.lines():
        click.echo(line)
