"""随手拍 reports waiting for moderation, in the SQL both backends share (geodata/stores/interface/public.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from geodata.errors import NotFound
from geodata.model import Photo, PublicReport
from geodata.stores.shared.base import BaseStore

_COLUMNS = (
    "county_id, token, category, lon, lat, description, address, contact, photo_name, photo_public_name, "
    "photo_type, photo_size, client, submitted_at, state, notify_email"
)
_FILTERS = """
    WHERE county_id = %(c)s
      AND (CAST(%(state)s AS TEXT) IS NULL OR state = %(state)s)
      AND (CAST(%(client)s AS TEXT) IS NULL OR client = %(client)s)
      AND (CAST(%(since)s AS TIMESTAMPTZ) IS NULL OR submitted_at >= %(since)s)
"""


class PublicReportsSql(BaseStore):
    def add_public_report(self, report: PublicReport) -> PublicReport:
        photo = report.photo
        values = ", ".join(f"%({c.strip()})s" for c in _COLUMNS.split(","))
        row = self._insert(
            f"INSERT INTO public_report ({_COLUMNS}) VALUES ({values}) RETURNING id",
            {
                **{k: v for k, v in vars(report).items() if k != "photo"},
                "submitted_at": self._t(report.submitted_at),
                "photo_name": photo and photo.name,
                "photo_public_name": photo and photo.public_name,
                "photo_type": photo and photo.content_type,
                "photo_size": photo and photo.size,
            },
        )
        return replace(report, id=row[0])

    def get_public_report(self, county_id: int, report_id: int) -> PublicReport:
        rows = self._rows(
            "SELECT * FROM public_report WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": report_id},
        )
        if not rows:
            raise NotFound(
                f"没有编号为 {report_id} 的群众上报", en=f"There is no resident report #{report_id}"
            )
        return self._public_report(rows[0])

    def public_report_by_token(self, token: str) -> PublicReport | None:
        rows = self._rows("SELECT * FROM public_report WHERE token = %(t)s", {"t": token})
        return self._public_report(rows[0]) if rows else None

    def list_public_reports(
        self,
        county_id: int,
        state: str | None = None,
        client: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[PublicReport]:
        rows = self._rows(
            f"SELECT * FROM public_report {_FILTERS} ORDER BY submitted_at DESC, id DESC "
            "LIMIT %(limit)s OFFSET %(offset)s",
            _params(county_id, state, client, since and self._t(since), limit=limit, offset=offset),
        )
        return [self._public_report(r) for r in rows]

    def count_public_reports(
        self,
        county_id: int,
        state: str | None = None,
        client: str | None = None,
        since: datetime | None = None,
    ) -> int:
        params = _params(county_id, state, client, since and self._t(since))
        return self._rows(f"SELECT COUNT(*) AS n FROM public_report {_FILTERS}", params)[0]["n"]

    def moderate_public_report(self, report: PublicReport) -> bool:
        with self.transaction():
            rows = self._rows(
                "UPDATE public_report SET state = %(state)s, public_reason = %(public_reason)s, "
                "moderated_by = %(moderated_by)s, moderated_at = %(moderated_at)s, incident_id = %(incident_id)s "
                "WHERE county_id = %(county_id)s AND id = %(id)s AND state = 'pending' RETURNING id",
                {**vars(report), "moderated_at": self._t(report.moderated_at), "photo": None},
            )
        return bool(rows)

    def reports_following(self, county_id: int, incident_id: int) -> list[PublicReport]:
        rows = self._rows(
            "SELECT * FROM public_report WHERE county_id = %(c)s AND incident_id = %(i)s AND notify_email <> '' "
            "ORDER BY id",
            {"c": county_id, "i": incident_id},
        )
        return [self._public_report(r) for r in rows]

    def stop_report_email(self, county_id: int, report_id: int) -> bool:
        with self.transaction():
            rows = self._rows(
                "UPDATE public_report SET notify_email = '' WHERE county_id = %(c)s AND id = %(id)s "
                "AND notify_email <> '' RETURNING id",
                {"c": county_id, "id": report_id},
            )
        return bool(rows)

    def _public_report(self, r) -> PublicReport:
        photo = None
        if r["photo_name"]:
            photo = Photo(
                r["county_id"], None, r["photo_name"], r["photo_public_name"], r["photo_type"],
                r["photo_size"], "public", self._time(r["submitted_at"]),
            )  # fmt: skip
        return PublicReport(
            r["county_id"], r["token"], r["category"], r["lon"], r["lat"], r["client"],
            self._time(r["submitted_at"]), r["description"], r["address"], r["contact"], photo, r["state"],
            r["public_reason"], r["moderated_by"], r["moderated_at"] and self._time(r["moderated_at"]),
            r["incident_id"], r["id"], r["notify_email"],
        )  # fmt: skip


def _params(county_id, state=None, client=None, since=None, **extra) -> dict:
    return {"c": county_id, "state": state, "client": client, "since": since, **extra}
