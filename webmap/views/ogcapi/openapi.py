"""The OpenAPI 3.0 document of /ogcapi (/ogcapi/openapi.json), drawn from the collection
definitions of layers/ogcapi.py and the query rules of webmap/views/ogcapi/query.py, so that the
document and the service cannot drift apart."""

from __future__ import annotations

from layers.ogcapi import COLLECTIONS, CRS84, DEFAULT_LIMIT, MAX_LIMIT, Collection
from webmap.views.ogcapi.query import MAX_OFFSET

MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
_GEOMETRY = {"type": "object", "required": ["type", "coordinates"],
             "properties": {"type": {"type": "string"}, "coordinates": {"type": "array"}}}  # fmt: skip
_LINK = {"type": "object", "required": ["href"],
         "properties": {k: {"type": "string"} for k in ("href", "rel", "type", "title")}}  # fmt: skip


def _param(name: str, schema: dict, description: str, style: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, **(style or {})}  # fmt: skip


PARAMETERS = {
    "f": _param("f", {"type": "string", "enum": ["json", "html"]}, "json (the default) or an HTML page"),
    "bbox": _param(
        "bbox",
        {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        "minx,miny,maxx,maxy in CRS84 longitude/latitude; features intersecting it",
        {"style": "form", "explode": False},
    ),
    "bbox-crs": _param("bbox-crs", {"type": "string", "format": "uri", "enum": [CRS84]}, "only CRS84"),
    "datetime": _param(
        "datetime",
        {"type": "string"},
        "An RFC 3339 instant or interval, open at either end with '..' (2026-10-01, ../2026-10-01). "
        "For road segments it picks the moment of their units (an interval's end, else its start); "
        "cases are those reported in it (a date is its whole day); the other collections ignore it.",
    ),
    "limit": _param(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        f"At most this many features. 0 or less is a 400; above {MAX_LIMIT} it is clamped to {MAX_LIMIT}.",
        {"style": "form", "explode": False},
    ),
    "offset": _param(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        "How many matching features to skip (the next and prev links carry it)",
    ),
}
EXCEPTION = {"type": "object", "required": ["code", "description"],
             "properties": {"code": {"type": "string"}, "description": {"type": "string"},
                            "parameter": {"type": "string"}}}  # fmt: skip
ERRORS = {
    status: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}}
    for status, text in (("400", "A parameter is wrong; the answer names it"), ("404", "No such collection or feature"))
}  # fmt: skip


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema: dict, kind: str = "application/json", description: str = "OK") -> dict:
    return {"200": {"description": description, "content": {kind: {"schema": schema}}}, **ERRORS}


def _feature_schema(c: Collection) -> dict:
    props = {name: _property(kind) for name, kind in c.properties.items()}
    return {"type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "integer"},
                           "geometry": _GEOMETRY, "links": {"type": "array", "items": _LINK},
                           "properties": {"type": "object", "properties": props}}}  # fmt: skip


def _property(kind: str) -> dict:
    if kind == "array":
        return {"type": "array", "items": {"type": "string"}}
    return {"type": kind, "nullable": True}


def _collection_paths(c: Collection) -> dict:
    filters = [
        _param(name, {"type": "string", "maxLength": 200}, f"Features whose {name} is this value")
        for name in c.queryables
    ]
    page = {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"$ref": f"#/components/schemas/{c.id}-feature"}},
        "links": {"type": "array", "items": _LINK}, "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0}, "timeStamp": {"type": "string"},
    }}  # fmt: skip
    base = f"/collections/{c.id}"
    return {
        f"{base}/items": {"get": {
            "summary": f"{c.title_en}: features", "description": c.description_en, "tags": [c.id],
            "operationId": f"get-{c.id}-items",
            "parameters": [*map(_ref, ("f", "bbox", "bbox-crs", "datetime", "limit", "offset")), *filters],
            "responses": _json(page, "application/geo+json", "A page of features"),
        }},
        f"{base}/items/{{featureId}}": {"get": {
            "summary": f"{c.title_en}: one feature", "tags": [c.id], "operationId": f"get-{c.id}-feature",
            "parameters": [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
                           _ref("f"), _ref("datetime")],
            "responses": _json({"$ref": f"#/components/schemas/{c.id}-feature"}, "application/geo+json"),
        }},
    }  # fmt: skip


def document(base_url: str) -> dict:
    """The OpenAPI 3.0 document of the service at ``base_url`` (every collection described; a
    staff-only one answers 404 to a caller who may not see it)."""
    plain = {"type": "object"}
    paths = {
        "/": {"get": {"summary": "Landing page", "operationId": "getLandingPage",
                      "parameters": [_ref("f")], "responses": _json(plain)}},
        "/conformance": {"get": {"summary": "Conformance classes", "operationId": "getConformance",
                                 "parameters": [_ref("f")], "responses": _json(plain)}},
        "/collections": {"get": {"summary": "The collections", "operationId": "getCollections",
                                 "parameters": [_ref("f")], "responses": _json(plain)}},
        "/collections/{collectionId}": {"get": {
            "summary": "One collection", "operationId": "describeCollection",
            "parameters": [{"name": "collectionId", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": list(COLLECTIONS)}}, _ref("f")],
            "responses": _json(plain),
        }},
    }  # fmt: skip
    for c in COLLECTIONS.values():
        paths.update(_collection_paths(c))
    schemas = {f"{c.id}-feature": _feature_schema(c) for c in COLLECTIONS.values()}
    return {
        "openapi": "3.0.3",
        "info": {"title": "分兵把口 OGC API – Features", "version": "1.0.0",
                 "description": "OGC API – Features Part 1: Core (17-069r4) with GeoJSON, HTML and OpenAPI 3.0"},
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {"parameters": PARAMETERS, "schemas": {"exception": EXCEPTION, **schemas}},
    }  # fmt: skip
