"""Small places the domain tests build on: made through the store's public interface, with the
names a person in the county would see."""

from __future__ import annotations

from datetime import datetime

from shapely.geometry import LineString, box

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
