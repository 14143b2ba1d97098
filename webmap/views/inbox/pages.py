"""The inbox page (/inbox): the reader's notifications, newest first, paged, unread ones marked;
marking one or all read (forms with the CSRF token, audited); and the unread count the top bar
shows on every staff page (one indexed COUNT)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from geodata.notify import inbox
from geodata.notify.inbox import Reader
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import t
from webmap.views.common import current_county
from webmap.views.params import page_number

bp = Blueprint("inbox", __name__)


def signed_in_reader() -> Reader:
    return Reader(current_user.username, current_user.role, current_user.unit_id, current_user.id)


def unread_for_bar() -> int:
    """The top bar's red number: the signed-in person's unread rows (0 for nobody), once a request."""
    if "inbox_unread" not in g:
        if not current_user.is_authenticated:
            return 0
        store = get_store()
        g.inbox_unread = inbox.unread_count(store, current_county(store).id, signed_in_reader())
    return g.inbox_unread


def _unread_only() -> bool:
    return request.args.get("unread") == "1"


@bp.get("/inbox")
@login_required
def inbox_page():
    store = get_store()
    county = current_county(store)
    reader, page, unread = signed_in_reader(), page_number(), _unread_only()
    total = inbox.count(store, county.id, reader, unread)
    query = {"unread": "1"} if unread else {}
    return render_template(
        "inbox/index.html", county=county, items=inbox.page(store, county.id, reader, page, unread),
        total=total, unread_total=unread_for_bar(), page=page, pages=max(1, -(-total // inbox.PER_PAGE)),
        unread=unread, query=query, unit_inbox=reader.role == "unit_staff",
        no_unit=reader.role == "unit_staff" and reader.unit_id is None,
    )  # fmt: skip


@bp.post("/inbox/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    store = get_store()
    n = inbox.mark_read(store, current_county(store).id, signed_in_reader(), notification_id)
    audit(request.endpoint, f"notification:{notification_id}", marked=n)
    return redirect(_back())


@bp.post("/inbox/read-all")
@login_required
def mark_all_read():
    store = get_store()
    n = inbox.mark_all_read(store, current_county(store).id, signed_in_reader())
    audit(request.endpoint, "notification:*", marked=n)
    flash(t("inbox.marked", n=n), "ok")
    return redirect(_back())


def _back() -> str:
    """Back to the inbox page the form was on (its page and filter, bounded like any query)."""
    page = page_number()
    return url_for(
        "inbox.inbox_page",
        **({"page": page} if page > 1 else {}),
        **({"unread": "1"} if _unread_only() else {}),
    )
