"""What several APIs need from a request: who is acting (a signed-in person or an API key) and
replaying the first answer to a repeated ``Idempotency-Key``."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable

from flask import Response, current_app, request
from flask_login import current_user

from geodata import clock
from geodata.accounts import apikeys
from geodata.cases.workflow import Actor
from geodata.errors import Conflict, InvalidInput, Unauthorized
from geodata.model import ApiKey
from geodata.stores.store import Store
from webmap import get_store, recent
from webmap.views import params

MAX_IDEMPOTENCY_KEY = 200
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
KEY_IN_HEADER_ONLY = "API key 只能放在 X-API-Key 请求头中"
KEY_IN_HEADER_ONLY_EN = "An API key goes in the X-API-Key header only"


class IdempotencyKeyReused(InvalidInput):
    status = 422
    code = "idempotency_key_reused"


def api_key_in_request() -> str | None:
    """The API key sent in the ``X-API-Key`` header, or as the ``api_key`` field of an Open311
    form POST (the spec's way); a key anywhere else is refused, not ignored: a query string ends
    up in proxy and server logs."""
    refuse_key_in_query()
    if request.blueprint == "open311" and request.method == "POST":
        return request.headers.get("X-API-Key") or request.form.get("api_key") or None
    if "api_key" in request.form:
        raise InvalidInput(KEY_IN_HEADER_ONLY, en=KEY_IN_HEADER_ONLY_EN, field="api_key")
    return request.headers.get("X-API-Key") or None


def refuse_key_in_query() -> None:
    """Before every request: an ``api_key`` in the query string is a 400 (the key has leaked)."""
    if "api_key" in request.args:
        raise InvalidInput(KEY_IN_HEADER_ONLY, en=KEY_IN_HEADER_ONLY_EN, field="api_key")


def checked_key(store: Store, key: str) -> ApiKey:
    """The record of a valid API key (kept a few seconds, webmap/recent.py); Unauthorized else.
    Its use is recorded when it is looked up, at most once a minute (apikeys.mark_used): a use
    within the seconds it is kept falls in the minute recorded."""
    return recent().get(
        ("api key", apikeys.key_hash(key)), lambda: apikeys.mark_used(store, apikeys.check_key(store, key))
    )


def request_viewer(store: Store) -> Actor:
    """Who is asking, the same for a key and a person: the key's holder (its role and unit) when
    a key is sent, else the signed-in user; Unauthorized for nobody. Every scope (unit staff see
    their unit's cases) is decided on this, so a key sees exactly what its user would."""
    key = api_key_in_request()
    if key is not None:
        found = checked_key(store, key)
        return Actor(f"api:{found.name}", found.role, found.unit_id)
    if not current_user.is_authenticated:
        raise Unauthorized(
            "请先登录，或提供 API key（X-API-Key 请求头；Open311 的 POST 表单可用 api_key 字段）",
            en="Please sign in, or give an API key (the X-API-Key header; an Open311 POST form may use the api_key field)",
        )
    return Actor(current_user.username, current_user.role, current_user.unit_id)


def key_or_login(view: Callable) -> Callable:
    """For a read that other systems make too: an API key (header) or a session, else 401."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        request_viewer(get_store())
        return view(*args, **kwargs)

    return checked


def json_body(required: bool = True) -> dict:
    """The request's JSON object, checked by params.check_json (storable text, bounded integers,
    finite numbers, nesting); InvalidInput when the body is not one (an empty one is ``{}`` when
    not ``required``), 413 when larger than params.MAX_JSON_BYTES."""
    too_large = params.TooLarge(
        f"JSON 请求体过大：最多 {params.MAX_JSON_BYTES >> 10} KB",
        en=f"The JSON request body is too large: at most {params.MAX_JSON_BYTES >> 10} KB",
        field="body",
    )
    if (request.content_length or 0) > params.MAX_JSON_BYTES:
        raise too_large
    raw = request.get_data(cache=True)
    if len(raw) > params.MAX_JSON_BYTES:
        raise too_large
    if not raw.strip() and not required:
        return {}
    try:
        body = json.loads(raw, parse_constant=params.refuse_constant) if request.is_json else None
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise InvalidInput("请求体不是 JSON 对象", en="The request body is not a JSON object", field="body")
    return params.check_json(body)


def request_actor(store: Store) -> Actor:
    """Who writes: ``request_viewer``; a signed-in person's request must also carry the CSRF
    token (a key's needs none: no cookie is trusted)."""
    actor = request_viewer(store)
    if api_key_in_request() is None:
        current_app.extensions["csrf"].protect()
    return actor


def idempotent(store: Store, actor: Actor, make: Callable[[], tuple[dict | list, int]]) -> Response:
    """Run ``make`` (which writes and returns a JSON body and status) at most once per
    ``Idempotency-Key`` of this actor: a repeat gets the first answer, and stores nothing new; the
    same key with a different request is refused. Without the header, ``make`` just runs."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        body, status = make()
        return _json(body, status)
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            f"Idempotency-Key 应为 1–{MAX_IDEMPOTENCY_KEY} 个字符",
            en=f"Idempotency-Key must be 1–{MAX_IDEMPOTENCY_KEY} characters",
            field="Idempotency-Key",
        )
    fingerprint = _fingerprint()
    remembered = store.remembered_answer(actor.name, key)
    if remembered is None:
        try:
            with store.transaction():
                body, status = make()
                text = json.dumps(body, ensure_ascii=False)
                store.remember_answer(actor.name, key, fingerprint, status, text, clock.now())
            return _json(body, status)
        except Conflict:
            remembered = store.remembered_answer(actor.name, key)  # a concurrent twin won
            if remembered is None:
                raise
    first_fingerprint, status, text = remembered
    if first_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency-Key {key!r} 已用于另一个不同的请求",
            en=f"Idempotency-Key {key!r} was already used for a different request",
            field="Idempotency-Key",
        )
    response = current_app.response_class(text, status=status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _fingerprint() -> str:
    """The request's method, path and body; a form's fields and files when it was one. A form's
    raw bytes are left out: a multipart body's boundary is new at each sending, so a phone sending
    a kept report again (static/portal/offline/outbox.js) would not look like itself."""
    digest = hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n")
    if request.mimetype not in FORM_TYPES:
        digest.update(request.get_data(cache=True))
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(f"{name}={value}\n".encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda f: f[0]):
        digest.update(name.encode() + hashlib.sha256(upload.read()).digest())
        upload.seek(0)
    return digest.hexdigest()


def _json(body, status: int) -> Response:
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )
