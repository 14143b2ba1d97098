"""What most views start with: the store and the county being looked at (kept on ``g`` for the
request), and who may use a view (``roles_required``)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g
from flask_login import current_user, login_required

from geodata.errors import Forbidden, NotFound
from geodata.model import County
from geodata.stores.store import Store
from webmap import get_store, recent, settings
from webmap.i18n import zh_en

# Who may use which views (the permission matrix, tests/webmap/test_permission_matrix.py, checks them all).
ADMINS = ("admin",)
EDITORS = ("admin", "leader")  # reassign, split and merge segments, redraw zones


def store_and_county() -> tuple[Store, County]:
    """The request's store and county: the first line of most views."""
    store = get_store()
    return store, current_county(store)


def current_county(store: Store) -> County:
    """The signed-in user's county, else the portal's default one; NotFound saying how to make
    one when the database has none. Looked up once a request."""
    if "county" not in g:
        county_id = getattr(current_user, "county_id", None)
        if county_id is not None:
            g.county = recent().get(("county", county_id), lambda: store.get_county_by_id(county_id))
        else:
            g.county = default_county(store)
    return g.county


def default_county(store: Store) -> County:
    """The portal's default county, the one the public pages show whoever asks (never the
    signed-in user's: a public page is the same for everyone)."""
    code = settings().default_county
    try:
        return recent().get(("county", code), lambda: store.get_county(code))
    except NotFound:
        raise NotFound(
            f"县区 {code} 尚无数据：请运行 `flask --app app seed-demo` 或 `flask --app app create-county`",
            en=f"County {code} has no data yet: run `flask --app app seed-demo` or `flask --app app create-county`",
        ) from None


def roles_required(*roles: str, refusal: str) -> Callable:
    """A view for signed-in people of one of ``roles``: anyone else signs in first (a page sends
    them to /login, an API answers 401), and a person of another role gets a 403 with the text
    ``refusal`` (a key of webmap/texts/) in their language."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(*args, **kwargs):
            if current_user.role not in roles:
                zh, en = zh_en(refusal)
                raise Forbidden(zh, en=en)
            return view(*args, **kwargs)

        return login_required(checked)

    return decorate
