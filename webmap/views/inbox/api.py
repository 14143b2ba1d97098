"""The inbox for phones: ``GET /api/v1/inbox`` (a page of rows and the unread count) and
``POST /api/v1/inbox/read`` (``{"ids": [...]}`` or ``{"all": true}``), by session or API key (a unit
staff key reads its unit's inbox; a key of another role has no inbox of its own)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from geodata.errors import InvalidInput
from geodata.notify import inbox
from geodata.notify.inbox import Reader
from geodata.notify.model import Notification
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import current_lang
from webmap.views.common import current_county
from webmap.views.params import page_number
from webmap.views.requests import api_key_in_request, json_body, key_or_login, request_actor, request_viewer

bp = Blueprint("inbox_api", __name__, url_prefix="/api/v1")
MAX_IDS = 100


def _reader(actor) -> Reader:
    """A key's holder has no person's inbox (a unit staff key reads its unit's); a signed-in
    person has theirs."""
    from flask_login import current_user

    by_key = api_key_in_request() is not None
    return Reader(actor.name, actor.role, actor.unit_id, None if by_key else current_user.id)


@bp.get("/inbox")
@key_or_login
def list_inbox():
    store = get_store()
    county = current_county(store)
    reader = _reader(request_viewer(store))
    page, unread = page_number(), request.args.get("unread") == "1"
    rows = inbox.page(store, county.id, reader, page, unread)
    return jsonify(
        unread=inbox.unread_count(store, county.id, reader), total=inbox.count(store, county.id, reader, unread),
        page=page, per_page=inbox.PER_PAGE, items=[_row(n) for n in rows],
    )  # fmt: skip


@bp.post("/inbox/read")
def mark_read():
    store = get_store()
    county = current_county(store)
    reader = _reader(request_actor(store))
    body = json_body()
    if body.get("all") is True:
        n = inbox.mark_all_read(store, county.id, reader)
    else:
        ids = body.get("ids")
        if not isinstance(ids, list) or not ids or len(ids) > MAX_IDS or not all(type(i) is int for i in ids):
            raise InvalidInput(
                f"请给出 ids（1 至 {MAX_IDS} 个消息编号的列表）或 all: true",
                en=f"Give ids (a list of 1 to {MAX_IDS} message numbers) or all: true",
                field="ids",
            )
        n = sum(inbox.mark_read(store, county.id, reader, i) for i in dict.fromkeys(ids))
    audit(request.endpoint, "notification", marked=n)
    return jsonify(marked=n, unread=inbox.unread_count(store, county.id, reader))


def _row(n: Notification) -> dict:
    en = current_lang() == "en"
    return {
        "id": n.id, "kind": n.kind, "incident_id": n.incident_id, "title": n.title_en if en else n.title,
        "body": n.body_en if en else n.body, "created_at": n.created_at.isoformat(),
        "read_at": n.read_at and n.read_at.isoformat(), "read_by": n.read_by,
    }  # fmt: skip
