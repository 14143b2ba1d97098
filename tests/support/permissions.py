"""The permission matrix's vocabulary (tests/webmap/test_permission_matrix.py): the kinds of
caller, the classes of answer, and the shorthands its table is written in."""

from __future__ import annotations

from dataclasses import dataclass

OK, LOGIN, FORBIDDEN = "ok", "login", "forbidden"
ROLES = ("admin", "leader", "unit_staff", "inspector")
EDITORS = ("admin", "leader")
MODERATORS = ("admin", "leader", "inspector")
OWN_UNIT = "U01"  # the unit whose case the routes on one case are asked about


@dataclass(frozen=True)
class Principal:
    """A kind of caller: nobody, a signed-in user, or an API key (sent as ``X-API-Key``)."""

    name: str
    kind: str  # anonymous | session | key
    role: str | None = None
    unit: str | None = None  # a unit code, for unit staff
    panel: str | None = None  # an evaluator's panel (评议组)
    user: str | None = None  # the user name a session signs in with


PRINCIPALS = {
    p.name: p
    for p in (
        Principal("anonymous", "anonymous"),
        Principal("admin", "session", "admin", user="admin1"),
        Principal("leader", "session", "leader", user="leader1"),
        Principal("unit_staff", "session", "unit_staff", "U01", user="cg"),
        Principal("other_unit_staff", "session", "unit_staff", "U02", user="jj"),
        Principal("inspector", "session", "inspector", user="insp"),
        Principal("evaluator", "session", "inspector", panel="patrol", user="eva"),
        Principal("admin_key", "key", "admin"),
        Principal("leader_key", "key", "leader"),
        Principal("unit_staff_key", "key", "unit_staff", "U01"),
        Principal("other_unit_key", "key", "unit_staff", "U02"),
        Principal("inspector_key", "key", "inspector"),
    )
}


# -- the shorthands ---------------------------------------------------------------------------
def _expect(allowed, keys: bool) -> dict[str, str]:
    """Nobody must sign in; a key is taken only where ``keys``; the rest by ``allowed``."""
    out = {}
    for p in PRINCIPALS.values():
        if p.kind == "anonymous" or (p.kind == "key" and not keys):
            out[p.name] = LOGIN
        else:
            out[p.name] = OK if allowed(p) else FORBIDDEN
    return out


def public() -> dict[str, str]:
    """Anyone, signed in or not (a key is not looked at)."""
    return dict.fromkeys(PRINCIPALS, OK)


def signed_in(keys: bool = False) -> dict[str, str]:
    """Any signed-in user (and, with ``keys``, any API key)."""
    return _expect(lambda p: True, keys)


def staff_only(*roles: str, keys: bool = False) -> dict[str, str]:
    """Users (and, with ``keys``, keys) of these roles; other roles are forbidden."""
    return _expect(lambda p: p.role in roles, keys)


def own_unit(*roles: str, keys: bool = False) -> dict[str, str]:
    """On a case of OWN_UNIT: these roles (all by default), unit staff of that unit only."""
    roles = roles or ROLES
    return _expect(lambda p: p.role in roles and (p.role != "unit_staff" or p.unit == OWN_UNIT), keys)


def evaluators() -> dict[str, str]:
    """Members of an inspection panel (评议组), whatever their role."""
    return _expect(lambda p: p.panel is not None, False)


def per_method(**by_method: dict[str, str]) -> dict[str, dict[str, str]]:
    """A route whose methods differ: ``per_method(GET=public(), POST=signed_in())``."""
    return {"methods": by_method}
