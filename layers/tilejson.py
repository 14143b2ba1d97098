"""TileJSON 3.0.0 of the vector-tile layers (#21 part 3): what /tiles/<layer>/{z}/{x}/{y}.mvt holds,
for clients other than the portal's own map (QGIS, MapLibre). The fields are those both stores
write (geodata/stores/sqlite/tiles.py's columns, postgis/tiles.py's SELECTs, shared/clusters.py's
``count``); tests/webmap/test_tilejson.py decodes real tiles of both and compares. The zooms are
geodata/geo/tiles.py's: every layer is served to MAX_ZOOM, roads only from ROADS_FROM_ZOOM."""

from __future__ import annotations

from geodata.geo import tiles
from geodata.model import County

VERSION = "3.0.0"
WORLD = (-180.0, -85.0511287798066, 180.0, 85.0511287798066)
# Layer → (its source-layer's fields: name → "Type: what it is", its lowest zoom). A field a
# feature lacks is absent from it (never null): ``count`` on clusters only, ``unit_id`` on led roads.
LAYERS: dict[str, tuple[dict[str, str], int]] = {
    "incidents": (
        {
            "id": "Number: the incident's id (single incidents, from zoom 16)",
            "category": "String: its category's code (single incidents)",
            "status": "String: its state: filed, dispatched, handled, closed … (single incidents)",
            "count": "Number: how many incidents a cluster holds (clusters only)",
        },
        0,
    ),
    "roads": (
        {
            "id": "Number: the road segment's id",
            "name": "String: the street's name",
            "highway": "String: its OpenStreetMap highway class(es), joined by /",
            "unit_id": "Number: the id of the unit leading it now (absent: no lead unit)",
        },
        tiles.ROADS_FROM_ZOOM,
    ),
    "zones": (
        {
            "id": "Number: the zone's id",
            "code": "String: its code",
            "name": "String: its name",
            "kind": "String: community or village; grid and courtyard from zoom 15",
            "tier": "String: the community's tier (精品, 达标, 攻坚; absent when not rated)",
        },
        0,
    ),
}
assert tuple(LAYERS) == tiles.TILE_LAYERS, "a TileJSON for every tile layer"


def bounds(county: County) -> list[float]:
    """The county's outline's (else its extent's) box in degrees: west, south, east, north."""
    shape = county.boundary or county.extent
    if shape is None or shape.is_empty:
        return list(WORLD)
    return [round(v, 6) for v in shape.bounds]


def center(county: County) -> list[float]:
    """The middle of ``bounds`` and a zoom that shows the whole county on a screen."""
    west, south, east, north = bounds(county)
    return [round((west + east) / 2, 6), round((south + north) / 2, 6), 12]


def tilejson(
    county: County, layer: str, tiles_url: str, name: str, description: str, attribution: str | None
) -> dict:
    """The TileJSON of ``layer`` (one of TILE_LAYERS) whose tiles are at ``tiles_url`` (a template
    with {z}, {x} and {y})."""
    fields, minzoom = LAYERS[layer]
    found = {
        "tilejson": VERSION,
        "name": name,
        "description": description,
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": minzoom,
        "maxzoom": tiles.MAX_ZOOM,
        "bounds": bounds(county),
        "center": center(county),
        "vector_layers": [
            {
                "id": layer,
                "description": description,
                "minzoom": minzoom,
                "maxzoom": tiles.MAX_ZOOM,
                "fields": dict(fields),
            }
        ],
    }
    if attribution:
        found["attribution"] = attribution
    return found
