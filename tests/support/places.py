"""Small places the domain tests build on: made through the store's public interface, with the
names a person in the county would see."""

from __future__ import annotations

from datetime import datetime
from itertools import combinations

import numpy as np
import shapely
from shapely.geometry import LineString, Point, box

from geodata.geo.geometry import from_metric, to_metric
from geodata.model import Assignment, County, Segment, Unit, Zone


def two_communities_and_a_road(store, county: County, road: LineString, since: datetime):
    """Two communities side by side along 114.01°E, each led by its committee from ``since``; the
    road ``road`` led by the traffic police. Answers the units (west committee, east committee,
    police), the zones (west, east) and the road."""
    c = county
    units = store.add_units(
        [Unit(c.id, "W", "西社区居委会", "community"), Unit(c.id, "E", "东社区居委会", "community"),
         Unit(c.id, "JJ", "交警大队")]
    )  # fmt: skip
    west, east = store.add_zones(
        [Zone(c.id, "community", "001", "西社区", box(114.0, 22.5, 114.01, 22.52)),
         Zone(c.id, "community", "002", "东社区", box(114.01, 22.5, 114.02, 22.52))]
    )  # fmt: skip
    (segment,) = store.add_segments([Segment(c.id, "红荔路", road)])
    west_u, east_u, police = units
    store.assign_many(
        [Assignment(c.id, west_u.id, "zone", west.id, "lead", since),
         Assignment(c.id, east_u.id, "zone", east.id, "lead", since),
         Assignment(c.id, police.id, "segment", segment.id, "lead", since)]
    )  # fmt: skip
    return units, (west, east), segment


def shared_vertex(store, county):
    """Two demo communities and a vertex inside their shared edge (both its edges shared, at least
    15 m long, and no third community at it), with where it moves: MOVE_M metres into the second
    one, both outlines staying valid."""
    epsg = store.county_epsg(county.id)
    communities = store.list_zones(county.id, kind="community")
    for a, b in combinations(communities, 2):
        ring, in_b = _vertices(a.geom), set(_vertices(b.geom))
        others = {v for z in communities if z.id not in (a.id, b.id) for v in _vertices(z.geom)}
        for prev, v, nxt in zip(ring, ring[1:], ring[2:], strict=False):
            if not {prev, v, nxt} <= in_b or v in others:
                continue
            p, q, r = shapely.get_coordinates(to_metric(shapely.points([prev, v, nxt]), epsg))
            if min(np.hypot(*(q - p)), np.hypot(*(r - q))) < 15:
                continue
            normal = np.array([-(r - p)[1], (r - p)[0]]) / np.hypot(*(r - p))
            for sign in (1, -1):
                to = from_metric(Point(q + sign * MOVE_M * normal), epsg)
                if (
                    b.geom.contains(to)
                    and moved_vertex(a.geom, v, to).is_valid
                    and moved_vertex(b.geom, v, to).is_valid
                ):
                    return a, b, v, to.coords[0]
    raise AssertionError("no two demo communities share a long enough edge")


def moved_vertex(geom, vertex, to):
    """The outline with ``vertex`` moved to ``to``."""
    to = to.coords[0] if isinstance(to, Point) else to

    def move(xy):
        xy = xy.copy()
        xy[(xy[:, 0] == vertex[0]) & (xy[:, 1] == vertex[1])] = to
        return xy

    return shapely.transform(geom, move)


MOVE_M = 3.0


def _vertices(geom) -> list[tuple[float, float]]:
    return [tuple(xy) for xy in shapely.get_coordinates(geom.boundary)]
