"""What several blueprints need about the request: the county being looked at."""

from __future__ import annotations

from flask_login import current_user

from geodata.errors import NotFound
from geodata.model import County
from geodata.stores.store import Store
from webmap import recent, settings


def current_county(store: Store) -> County:
    """The signed-in user's county, else the portal's default one; NotFound saying how to make
    one when the database has none."""
    county_id = getattr(current_user, "county_id", None)
    if county_id is not None:
        return recent().get(("county", county_id), lambda: store.get_county_by_id(county_id))
    return default_county(store)


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
