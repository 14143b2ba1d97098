"""随手拍: what residents report, moderated before it becomes a case.

    submit ──▶ pending ──approve──▶ approved  filed as a case and routed like any other
                  ├──────merge────▶ merged    a repeat of an open case: it joins that case
                  └──────reject───▶ rejected  with a reason the public reads

Nothing a resident sends is a case, counted or shown to anyone but staff until it is approved.
One sender (a keyed hash of the address, never the address itself) may send ``Limit.count``
reports in any ``Limit.window``; the next one is refused with the time to wait.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ
from geodata.cases import photos
from geodata.cases import workflow as cases
from geodata.errors import Conflict, Forbidden, InvalidInput, RateLimited
from geodata.labels import ROLE_EN, ROLE_ZH, STATE_EN, STATE_ZH, STATUS_EN, STATUS_ZH
from geodata.model import OPEN_STATUSES, Category, County, Incident, Photo, PublicReport
from geodata.notify import rules as notify_rules
from geodata.notify.channels import EMAIL
from geodata.stores.store import Store

MODERATORS = ("admin", "leader", "inspector")
REJECT_REASONS = (
    "照片和描述无法确认问题",
    "不属于市容秩序问题",
    "位置不在本县范围内",
    "问题已经处理完毕",
    "内容与问题无关",
)
MAX_EMAIL = 254
MERGE_RADIUS_M = 100.0  # open cases this close are offered as what a report may repeat
SOURCE = "public"


@dataclass(frozen=True)
class Limit:
    count: int = 5
    window: timedelta = timedelta(hours=1)


def client_key(address: str, secret: str) -> str:
    """The sender's address as a keyed hash: enough to count its reports, useless to anyone else."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def submit(
    store: Store,
    county: County,
    report: cases.Report,
    upload: photos.Upload | None,
    client: str,
    media_dir: Path,
    limit: Limit = Limit(),
    now: datetime | None = None,
    email: str = "",
    consent: bool = False,
) -> PublicReport:
    """Keep a resident's report for moderation: checked like a case (place, category, lengths),
    of a public category, within the sender's rate limit. RateLimited says how long to wait.
    ``email``, given with ``consent``, is where its public steps are e-mailed."""
    now = now or clock.now()
    point, category = cases.check_report(store, county, report)
    email = checked_email(email, consent)
    if not category.public:
        raise InvalidInput(
            f"“{category.name_zh}”不受理群众上报，请选择其他类别",
            en=f"“{category.name_en}” does not take reports from residents: please choose another category",
            field="category",
        )
    with store.transaction():
        store.lock_filing(county.id, f"public {client}")
        recent = store.list_public_reports(
            county.id, client=client, since=now - limit.window, limit=limit.count
        )
        if len(recent) >= limit.count:
            wait = min((r.submitted_at for r in recent), default=now) + limit.window - now
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            raise RateLimited(
                f"提交过于频繁：同一网络每{_span(limit.window)}最多提交 {limit.count} 条随手拍，请 {minutes} 分钟后再试",
                en=f"Too many reports: one network may send at most {limit.count} resident reports every {_span_en(limit.window)}; please try again in {minutes} minutes",
                retry_after=max(1, math.ceil(wait.total_seconds())),
            )
        photo = _photo(county, upload, media_dir, now)
        return store.add_public_report(
            PublicReport(
                county.id, new_token(), category.code, point.x, point.y, client, now,
                report.description.strip(), report.address.strip(), report.contact.strip(), photo,
                notify_email=email,
            )
        )  # fmt: skip


def approve(
    store: Store,
    county: County,
    report_id: int,
    actor: cases.Actor,
    rules: cases.Rules | None = None,
    category: str | None = None,
    now: datetime | None = None,
) -> PublicReport:
    """File the report as a case (the moderator may correct its category); routed, deadlined and
    checked for duplicates like any case. A report that repeats an open case ends up merged."""
    now = now or clock.now()
    with store.transaction():
        r = _pending(store, county, report_id, actor)
        code = category or r.category
        case = cases.Report(code, r.lon, r.lat, r.description, r.address, r.contact, source=SOURCE)
        _, chosen = cases.check_report(store, county, case)
        _public_category(chosen)
        reporter = cases.Actor(f"随手拍#{r.id}", "public")
        filed = cases.file_report(store, county, case, reporter, rules or cases.Rules(), now)
        _attach_photo(store, r, filed.incident.id)
        if filed.duplicate_of:
            done = _moderated(r, actor, now, "merged", filed.duplicate_of, _merge_reason(filed.duplicate_of))
        else:
            done = _moderated(r, actor, now, "approved", filed.incident.id)
        return _write(store, county, done)


def merge(
    store: Store,
    county: County,
    report_id: int,
    actor: cases.Actor,
    into: int,
    now: datetime | None = None,
) -> PublicReport:
    """Join the report to the open case it repeats: its photo goes to that case, and its
    reporter follows that case from then on. Nothing is counted twice."""
    now = now or clock.now()
    with store.transaction():
        r = _pending(store, county, report_id, actor)
        case = store.get_incident(county.id, into)
        if case.duplicate_of:
            case = store.get_incident(county.id, case.duplicate_of)
        _public_category(store.get_category(case.category))
        if case.status not in OPEN_STATUSES:
            raise InvalidInput(
                f"案件 #{case.id} 已{cases.STATUS_ZH[case.status]}，不能合并；请通过或驳回这条上报",
                en=f"Case #{case.id} has the status “{STATUS_EN[case.status]}” and cannot take a merge; approve or reject this report instead",
                field="into",
            )
        _attach_photo(store, r, case.id)
        return _write(store, county, _moderated(r, actor, now, "merged", case.id, _merge_reason(case.id)))


def reject(
    store: Store,
    county: County,
    report_id: int,
    actor: cases.Actor,
    reason: str,
    now: datetime | None = None,
) -> PublicReport:
    """Refuse the report, with a reason the reporter and the public read."""
    now = now or clock.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "不予受理需要写明理由（公众可见）",
            en="Declining a report needs a reason (shown to the public)",
            field="reason",
        )
    if len(reason) > cases.MAX_SHORT:
        raise InvalidInput(
            f"理由过长：{len(reason)} 字，最多 {cases.MAX_SHORT} 字",
            en=f"The reason is too long: {len(reason)} characters, at most {cases.MAX_SHORT}",
            field="reason",
        )
    with store.transaction():
        r = _pending(store, county, report_id, actor)
        return _write(store, county, _moderated(r, actor, now, "rejected", None, reason))


def merge_candidates(
    store: Store, county: County, r: PublicReport, limit: int = 5
) -> list[tuple[float, Incident]]:
    """Open cases of public categories within MERGE_RADIUS_M of the report, those of its category
    first, nearest first, with their distance in metres."""
    dy = MERGE_RADIUS_M / 111_320.0
    dx = dy / max(math.cos(math.radians(r.lat)), 1e-6)
    bbox = (r.lon - dx, r.lat - dy, r.lon + dx, r.lat + dy)
    public = {c.code for c in store.list_categories() if c.public}
    near = [
        c
        for c in store.list_incidents(county.id, bbox, status="open", duplicates=False, limit=200)
        if c.category in public
    ]
    if not near:
        return []
    xy = np.array([(c.geom.x, c.geom.y) for c in near])
    metres = np.hypot((xy[:, 0] - r.lon) * dy / dx, xy[:, 1] - r.lat) * 111_320.0
    # The same category first (a repeat is most likely that), then the nearest.
    ranked = sorted(
        zip(metres.tolist(), near, strict=True), key=lambda p: (p[1].category != r.category, p[0])
    )
    return [(d, c) for d, c in ranked if d <= MERGE_RADIUS_M][:limit]


# -- tracking codes --------------------------------------------------------------------------------
# No 0/O, 1/I/L: a code is read aloud, copied by hand or typed from a phone's screen.
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_token() -> str:
    """12 letters and digits (59 bits) in groups of four: ``K7QD-3MXA-W9PT``."""
    chars = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def typed_token(text: str) -> str:
    """A code as someone typed it (lower case, spaces, no dashes) in the stored form."""
    chars = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


# -- helpers ---------------------------------------------------------------------------------------
def check_moderator(actor: cases.Actor) -> None:
    if actor.role not in MODERATORS:
        raise Forbidden(
            f"{ROLE_ZH.get(actor.role, actor.role)}不能审核群众上报",
            en=f"The {ROLE_EN.get(actor.role, actor.role)} role cannot review resident reports",
        )


def _pending(store: Store, county: County, report_id: int, actor: cases.Actor) -> PublicReport:
    check_moderator(actor)
    r = store.get_public_report(county.id, report_id)
    if r.state != "pending":
        raise _already(r)
    return r


def _already(r: PublicReport) -> Conflict:
    when = r.moderated_at.astimezone(COUNTY_TZ).strftime("%m月%d日 %H:%M") if r.moderated_at else ""
    when_en = r.moderated_at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M") if r.moderated_at else ""
    return Conflict(
        f"随手拍 #{r.id} 已由{r.moderated_by or '他人'}于 {when} 审核为“{STATE_ZH[r.state]}”",
        en=f"Resident report #{r.id} was already reviewed by {r.moderated_by or 'someone else'} "
        f"on {when_en}: {STATE_EN[r.state]}",
        status=r.state,
    )


def checked_email(email: str, consent: bool) -> str:
    """The address a reporter's steps go to: given with consent, or neither; InvalidInput otherwise."""
    email = (email or "").strip()
    if email and not consent:
        raise InvalidInput(
            "填写了电子邮箱，但没有勾选“同意用邮件接收处理进展”：请勾选，或清空邮箱",
            en="An e-mail address was given without ticking “E-mail me the progress”: tick it, or clear the address",
            field="notify_email",
        )
    if consent and not email:
        raise InvalidInput(
            "勾选了用邮件接收处理进展，但没有填写电子邮箱",
            en="“E-mail me the progress” is ticked but no e-mail address was given",
            field="notify_email",
        )
    if email and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
        raise InvalidInput(
            f"{email[:60]!r} 不是电子邮箱地址",
            en=f"{email[:60]!r} is not an e-mail address",
            field="notify_email",
        )
    return email


def _write(store: Store, county: County, done: PublicReport) -> PublicReport:
    """The moderation, if nobody moderated the report meanwhile (Conflict, and the whole
    transaction undone, otherwise), and the reporter told by e-mail if they asked."""
    if not store.moderate_public_report(done):
        raise _already(store.get_public_report(done.county_id, done.id))
    category = store.get_category(done.category)
    facts = {"token": done.token, "category": category.name_zh, "category_en": category.name_en,
             "id": done.incident_id, "reason": done.public_reason}  # fmt: skip
    if done.incident_id is not None:
        case = store.get_incident(county.id, done.incident_id)
        facts |= {"status": STATUS_ZH[case.status], "status_en": STATUS_EN[case.status]}
    kind = {"approved": "report_accepted", "merged": "report_merged", "rejected": "report_declined"}[
        done.state
    ]
    notify_rules.notify_reporter(store, county, kind, done, facts, done.moderated_at)
    return done


def _moderated(r, actor, now, state: str, incident_id: int | None, reason: str = "") -> PublicReport:
    return replace(
        r,
        state=state,
        public_reason=reason,
        moderated_by=actor.name,
        moderated_at=now,
        incident_id=incident_id,
    )


def _merge_reason(case_id: int) -> str:
    return f"与案件 #{case_id} 反映的是同一问题，已合并处理"


def _public_category(category: Category) -> None:
    if not category.public:
        raise InvalidInput(
            f"“{category.name_zh}”是内部类别，群众上报不能归入",
            en=f"“{category.name_en}” is an internal category: resident reports cannot be filed under it",
            field="category",
        )


def _photo(county: County, upload: photos.Upload | None, media_dir: Path, now: datetime) -> Photo | None:
    if upload is None:
        return None
    name, public = photos.write_photo(media_dir, upload)
    return Photo(county.id, None, name, public, upload.content_type, len(upload.data), SOURCE, now)


def _attach_photo(store: Store, r: PublicReport, incident_id: int) -> None:
    if r.photo is not None:
        store.add_photo(replace(r.photo, incident_id=incident_id, uploaded_by=f"随手拍#{r.id}"))


def _span(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return "小时" if hours == 1 else f" {hours:g} 小时"


def _span_en(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return "hour" if hours == 1 else f"{hours:g} hours"
