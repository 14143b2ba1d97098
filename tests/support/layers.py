"""Where the layers' small county ``scored_county`` (tests/layers/conftest.py) lies: places given in
metres from its origin, for the fixture and for tests that put more in it."""

from __future__ import annotations

import shapely

from geodata.geo.geometry import from_metric, to_metric, utm_epsg_for

ORIGIN = (114.05, 22.55)
EPSG = utm_epsg_for(*ORIGIN)


def at(x: float, y: float):
    """A lon/lat point ``x``, ``y`` metres east and north of ORIGIN."""
    x0, y0 = shapely.get_coordinates(to_metric(shapely.Point(ORIGIN), EPSG))[0]
    return from_metric(shapely.Point(x0 + x, y0 + y), EPSG)
