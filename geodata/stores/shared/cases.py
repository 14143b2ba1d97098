"""Cases' companions, shared by both stores (see common.py): categories, photos, API keys and the
answers remembered for idempotent requests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from geodata.errors import Conflict, NotFound
from geodata.model import USER_ROLES, ApiKey, Category, Photo
from geodata.stores.shared.base import check_choice
from geodata.stores.shared.queries import INCIDENT_FILTERS

# What incident_counts may group by; MONTH_SQL (the month in the county's clock) is each backend's.
_COUNT_KEYS = {
    "category": "t.category",
    "status": "t.status",
    "unit_id": "t.unit_id",
    "reworked": "CASE WHEN t.rework > 0 THEN 1 ELSE 0 END",
    "overdue": "CASE WHEN t.status IN ('filed', 'dispatched', 'reopened') AND t.deadline_at < %(now)s "
    "THEN 1 ELSE 0 END",
}


class CasesSql:
    MONTH_SQL = ""  # the backend's expression for t.reported_at's month, 'YYYY-MM', county clock

    def _incident_filters(
        self,
        since=None,
        until=None,
        category=None,
        status=None,
        unit_id=None,
        zone_id=None,
        overdue_at=None,
        duplicates=True,
        closed_since=None,
        closed_until=None,
        source=None,
        reporter=None,
    ) -> dict:
        """The parameters of INCIDENT_FILTERS; ``status`` may be 'open' (any open status)."""
        if status is not None and status != "open":
            self._check_status(status)
        return {
            "since": self._t(since), "until": self._t(until), "category": category,
            "status": None if status == "open" else status,
            "open": 1 if status == "open" else None,
            "unit": unit_id, "zone": zone_id, "overdue_at": self._t(overdue_at),
            "duplicates": 1 if duplicates else None,
            "closed_since": self._t(closed_since), "closed_until": self._t(closed_until), "source": source,
            "reporter": reporter,
        }  # fmt: skip

    # -- counting --------------------------------------------------------------------------------
    def incident_counts(self, county_id: int, by, now, **filters) -> list[tuple]:
        keys = {**_COUNT_KEYS, "month": self.MONTH_SQL}
        unknown = [k for k in by if k not in keys]
        if unknown:
            raise ValueError(f"cannot group incidents by {unknown}: choose from {sorted(keys)}")
        columns = [f"{keys[k]} AS k{i}" for i, k in enumerate(by)]
        group = ", ".join(f"k{i}" for i in range(len(by)))
        sql = (
            f"SELECT {', '.join([*columns, 'COUNT(*) AS n'])} FROM incident AS t "
            f"WHERE t.county_id = %(county)s {INCIDENT_FILTERS}"
            + (f" GROUP BY {group} ORDER BY {group}" if by else "")
        )
        params = {"county": county_id, "now": self._t(now), **self._incident_filters(**filters)}
        return [tuple(r[f"k{i}"] for i in range(len(by))) + (r["n"],) for r in self._rows(sql, params)]

    # -- categories ----------------------------------------------------------------------------
    def list_categories(self) -> list[Category]:
        rows = self._rows("SELECT * FROM category ORDER BY sort, code")
        return [
            Category(
                r["code"],
                r["name_zh"],
                r["name_en"],
                r["deadline_hours"],
                bool(r["public"]),
                r["sort"],
                r["campaign"],
            )
            for r in rows
        ]

    def get_category(self, code: str) -> Category:
        for c in self.list_categories():
            if c.code == code:
                return c
        raise NotFound(f"未知的问题类别 {code!r}", en=f"Unknown problem category {code!r}", field="category")

    # -- photos --------------------------------------------------------------------------------
    def add_photo(self, photo: Photo) -> Photo:
        row = self._insert(
            "INSERT INTO incident_photo (county_id, incident_id, name, public_name, content_type, size, "
            "uploaded_by, created_at) VALUES (%(county_id)s, %(incident_id)s, %(name)s, %(public_name)s, "
            "%(content_type)s, %(size)s, %(uploaded_by)s, %(created_at)s) RETURNING id",
            {**vars(photo), "created_at": self._t(photo.created_at)},
        )
        return replace(photo, id=row[0])

    def list_photos(self, county_id: int, incident_id: int) -> list[Photo]:
        rows = self._rows(
            "SELECT * FROM incident_photo WHERE county_id = %(c)s AND incident_id = %(i)s ORDER BY id",
            {"c": county_id, "i": incident_id},
        )
        return [self._photo(r) for r in rows]

    def get_photo(self, name: str) -> Photo:
        """The photo stored as ``name``, either its original or its public copy."""
        rows = self._rows(
            "SELECT * FROM incident_photo WHERE name = %(n)s OR public_name = %(n)s", {"n": name}
        )
        if not rows:
            raise NotFound(f"没有照片 {name!r}", en=f"No photo {name!r}")
        return self._photo(rows[0])

    def _photo(self, r) -> Photo:
        return Photo(
            r["county_id"], r["incident_id"], r["name"], r["public_name"], r["content_type"], r["size"],
            r["uploaded_by"], self._time(r["created_at"]), r["id"],
        )  # fmt: skip

    # -- API keys ------------------------------------------------------------------------------
    def add_api_key(self, key: ApiKey) -> ApiKey:
        check_choice(key.role, USER_ROLES, "role")
        try:
            row = self._insert(
                "INSERT INTO api_key (name, role, key_hash, created_at, unit_id) "
                "VALUES (%(name)s, %(role)s, %(key_hash)s, %(created_at)s, %(unit_id)s) RETURNING id",
                {**vars(key), "created_at": self._t(key.created_at)},
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"名为 {key.name!r} 的 API key 已存在", en=f"An API key named {key.name!r} exists already"
            ) from None
        return replace(key, id=row[0])

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, unless revoked."""
        rows = self._rows(
            "SELECT * FROM api_key WHERE key_hash = %(h)s AND revoked_at IS NULL", {"h": key_hash}
        )
        return self._api_key(rows[0]) if rows else None

    def list_api_keys(self) -> list[ApiKey]:
        return [self._api_key(r) for r in self._rows("SELECT * FROM api_key ORDER BY id")]

    def _api_key(self, r) -> ApiKey:
        return ApiKey(
            r["name"],
            r["role"],
            r["key_hash"],
            self._time(r["created_at"]),
            self._time(r["revoked_at"]),
            r["id"],
            r["unit_id"],
        )

    # -- idempotency ---------------------------------------------------------------------------
    def remembered_answer(self, scope: str, key: str) -> tuple[str, int, str] | None:
        """(fingerprint, status, body) of the first request sent with this key, if any."""
        rows = self._rows(
            "SELECT fingerprint, status, body FROM idempotency WHERE scope = %(s)s AND key = %(k)s",
            {"s": scope, "k": key},
        )
        return (rows[0]["fingerprint"], rows[0]["status"], rows[0]["body"]) if rows else None

    def remember_answer(
        self, scope: str, key: str, fingerprint: str, status: int, body: str, at: datetime
    ) -> None:
        """Keep a first answer; Conflict when another request with the key got there first."""
        try:
            self._execute(
                "INSERT INTO idempotency (scope, key, fingerprint, status, body, created_at) "
                "VALUES (%(s)s, %(k)s, %(f)s, %(st)s, %(b)s, %(at)s)",
                {"s": scope, "k": key, "f": fingerprint, "st": status, "b": body, "at": self._t(at)},
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"Idempotency-Key {key!r} 同时被另一个请求使用",
                en=f"Idempotency-Key {key!r} was used by a request at the same time",
            ) from None
