"""OGC API – Features Part 1: Core at /ogcapi (issue #21 part 1): the landing page, conformance,
the collections, their items and each feature, as JSON (GeoJSON for features) or, with ``f=html``
or a browser's Accept, as a page in the reader's language. QGIS (the OAPIF provider) and OWSLib
read it. Anyone reads the public collections and the public subset of cases; staff read more with
a session, an ``X-API-Key`` or HTTP Basic (webmap/views/ogcapi/access.py). Errors come as an OGC exception, ``{"code": …, "description": …}``."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from geodata import clock
from geodata.errors import InvalidInput, NotFound, PortalError
from layers import ogcapi as layer
from webmap import get_store
from webmap.i18n import current_lang, t
from webmap.views.common import current_county
from webmap.views.errors import describe
from webmap.views.ogcapi import openapi
from webmap.views.ogcapi.access import viewer
from webmap.views.ogcapi.query import items_query, refuse_unknown, span

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
]


def _html() -> bool:
    """Whether to answer with a page: ``f=html``, or no ``f`` and a browser that prefers HTML."""
    f = request.args.get("f")
    if f is not None and f not in ("json", "html"):
        raise InvalidInput(
            f"f 只能是 json 或 html：{f[:20]!r}", en=f"f must be json or html: {f[:20]!r}", field="f"
        )
    if f is not None:
        return f == "html"
    best = request.accept_mimetypes.best_match([JSON, GEOJSON, HTML], default=JSON)
    return best == HTML and request.accept_mimetypes[HTML] > request.accept_mimetypes[JSON]


def _link(endpoint: str, rel: str, kind: str, title: str = "", **values) -> dict:
    link = {"href": url_for(endpoint, _external=True, **values), "rel": rel, "type": kind}
    return {**link, "title": title} if title else link


def _links(endpoint: str, kind: str = JSON, **values) -> list[dict]:
    """self in the form asked for, alternate in the other."""
    html = _html()
    values = {k: v for k, v in values.items() if k != "f"}
    return [
        _link(endpoint, "self", HTML if html else kind, **values, **({"f": "html"} if html else {})),
        _link(endpoint, "alternate", kind if html else HTML, **values, **({} if html else {"f": "html"})),
    ]


def _answer(body: dict, kind: str = JSON, page: str = "", **context) -> Response:
    if _html():
        return Response(render_template("ogcapi/page.html", body=body, page=page, **context), mimetype=HTML)
    response = jsonify(body)
    response.mimetype = kind
    return response


# -- the service -----------------------------------------------------------------------------------
@bp.get("")
@bp.get("/")
def landing():
    refuse_unknown(())
    county = current_county(get_store())
    body = {
        "title": t("ogcapi.title", county=county.name),
        "description": t("ogcapi.description"),
        "links": [
            *_links("ogcapi.landing"),
            _link("ogcapi.openapi_json", "service-desc", openapi.MEDIA_TYPE, t("ogcapi.openapi")),
            _link("ogcapi.landing", "service-doc", HTML, t("ogcapi.service_doc"), f="html"),
            _link("ogcapi.conformance", "conformance", JSON, t("ogcapi.conformance")),
            _link("ogcapi.collections", "data", JSON, t("ogcapi.collections")),
        ],
    }
    return _answer(body, page="landing")


@bp.get("/openapi.json")
def openapi_json():
    refuse_unknown(())
    document = openapi.document(url_for("ogcapi.landing", _external=True).rstrip("/"))
    response = jsonify(document)
    response.mimetype = openapi.MEDIA_TYPE
    return response


@bp.get("/conformance")
def conformance():
    refuse_unknown(())
    return _answer({"links": _links("ogcapi.conformance"), "conformsTo": CONFORMANCE}, page="conformance")


@bp.get("/collections")
def collections():
    refuse_unknown(())
    county = current_county(get_store())
    found = [_collection(c, county) for c in layer.visible(viewer())]
    return _answer({"links": _links("ogcapi.collections"), "collections": found}, page="collections")


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    refuse_unknown(())
    county = current_county(get_store())
    found = layer.find(collection_id, viewer())
    return _answer(_collection(found, county), page="collection")


def _collection(c: layer.Collection, county) -> dict:
    lang = current_lang()
    bbox = layer.extent(county)
    out = {
        "id": c.id,
        "title": c.title(lang),
        "description": c.description(lang),
        "itemType": "feature",
        "crs": [layer.CRS84],
        "links": [
            _link("ogcapi.collection", "self", JSON, collection_id=c.id),
            _link("ogcapi.collection", "alternate", HTML, collection_id=c.id, f="html"),
            _link("ogcapi.items", "items", GEOJSON, c.title(lang), collection_id=c.id),
            _link("ogcapi.items", "items", HTML, c.title(lang), collection_id=c.id, f="html"),
        ],
    }
    if bbox:
        out["extent"] = {"spatial": {"bbox": [bbox], "crs": layer.CRS84}}
    return out


# -- features --------------------------------------------------------------------------------------
@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    store = get_store()
    county = current_county(store)
    reader = viewer()
    found = layer.find(collection_id, reader)
    query = items_query(found, reader)
    features, matched = layer.items(store, county, found, query)
    links = _page_links(found, query, len(features), matched)
    body = {"type": "FeatureCollection", "features": features, "links": links,
            "numberMatched": matched, "numberReturned": len(features),
            "timeStamp": _now()}  # fmt: skip
    columns = list(found.properties)
    return _answer(body, GEOJSON, page="items", collection=found, columns=columns)


def _page_links(found: layer.Collection, query, returned: int, matched: int) -> list[dict]:
    """self and alternate, next while more match, prev after the first page, the collection."""
    args = {k: v for k, v in request.args.items() if k not in ("offset", "f")}
    here = {**args, "offset": query.offset} if query.offset else args
    links = _links("ogcapi.items", GEOJSON, collection_id=found.id, **here)
    pages = []
    if query.offset + returned < matched:
        pages.append(("next", query.offset + query.limit))
    if query.offset > 0:
        pages.append(("prev", max(query.offset - query.limit, 0)))
    for rel, offset in pages:
        links.append(
            _link("ogcapi.items", rel, GEOJSON, collection_id=found.id, **{**args, "offset": offset})
        )
    return [*links, _link("ogcapi.collection", "collection", JSON, collection_id=found.id)]


@bp.get("/collections/<collection_id>/items/<feature_id>")
def feature(collection_id: str, feature_id: str):
    refuse_unknown(("datetime",))
    store = get_store()
    county = current_county(store)
    reader = viewer()
    found = layer.find(collection_id, reader)
    _, _, at = span(request.args.get("datetime"))
    if not (feature_id.isascii() and feature_id.isdecimal() and len(feature_id) < 12):
        raise layer.no_feature(found, feature_id)
    body = layer.one(store, county, found, int(feature_id), layer.Query(at=at, viewer=reader))
    body["links"] = [
        *_links("ogcapi.feature", GEOJSON, collection_id=found.id, feature_id=feature_id),
        _link("ogcapi.collection", "collection", JSON, collection_id=found.id),
    ]
    return _answer(body, GEOJSON, page="feature", collection=found, columns=list(found.properties))


def _now() -> str:
    return clock.now().replace(microsecond=0).isoformat()


# -- errors ----------------------------------------------------------------------------------------
@bp.get("/<path:rest>")
def unknown(rest: str):
    """Any other path under /ogcapi, so that its 404 too is an OGC exception."""
    raise NotFound(f"没有这个接口：/ogcapi/{rest[:80]}", en=f"There is no such endpoint: /ogcapi/{rest[:80]}")


@bp.errorhandler(PortalError)
@bp.errorhandler(HTTPException)
def error(exc: Exception) -> Response:
    """An OGC exception: ``{"code", "description"}`` (and the parameter at fault, when one is)."""
    status, code, message = describe(exc)
    if status >= 500:
        current_app.logger.error("%s: %s", type(exc).__name__, message, exc_info=exc)
        message = "internal error"
    body = {"code": code, "description": message}
    if isinstance(exc, PortalError) and "field" in exc.details and status < 500:
        body["parameter"] = exc.details["field"]
    response = jsonify(body)
    response.status_code = status
    if isinstance(exc, PortalError) and "retry_after" in exc.details:
        response.headers["Retry-After"] = str(exc.details["retry_after"])
    if isinstance(exc, PortalError) and "www_authenticate" in exc.details:
        response.headers["WWW-Authenticate"] = exc.details["www_authenticate"]
    return response
