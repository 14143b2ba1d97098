"""Units as an administrator keeps them (issue #20 part 2): creating one, editing it against the
version the administrator saw (two editing the same unit: the second is told, as in the map
editor), and retiring it. Merging one unit into another is geodata/assignments/merges.py.

A retired unit (``Unit.retired_at``) keeps its history: its posts, cases and scores still name
it, and every page showing the past shows it; it is only offered for nothing new (no post, no
user, no dispatch). A unit is retired only when it guards nothing from that day on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime

from geodata import clock
from geodata.assignments.postings import day_start, refuse_retired
from geodata.errors import Conflict, InvalidInput, NotFound, StaleVersion
from geodata.labels import UNIT_FIELD
from geodata.model import COUNTY_TZ, Assignment, County, Unit
from geodata.notify.channels import checked_contact
from geodata.notify.model import UnitContact
from geodata.stores.store import Store

FOREVER = datetime(9999, 12, 31, tzinfo=UTC)  # "from then on": the end of any post still in force
MAX_CODE, MAX_NAME, MAX_PERSON, MAX_PHONE = 32, 100, 50, 30
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
KIND = re.compile(r"[a-z][a-z0-9_]{0,31}")
PHONE = re.compile(r"[0-9+\-() ]+")
NAMED_POSTS = 5  # a refusal names this many of a unit's posts, then counts the rest

PHONES = ("hotline", "head_phone", "duty_phone")


@dataclass(frozen=True)
class UnitFields:
    """What an administrator types about a unit (its code only when creating it)."""

    name: str
    kind: str = "bureau"
    hotline: str = ""
    head: str = ""
    head_phone: str = ""
    duty_officer: str = ""
    duty_phone: str = ""


FIELD_NAMES = tuple(f.name for f in fields(UnitFields))


@dataclass(frozen=True)
class ContactEdit:
    """A unit's contacts as its form sends them: the e-mail as typed; a robot's URL or the 钉钉
    secret only when typed anew (the page never shows them whole, so empty keeps the stored one),
    or removed (``clear``: ``wecom``, ``dingtalk`` — its secret too — or ``dingtalk_secret``)."""

    email: str = ""
    wecom_url: str = ""
    dingtalk_url: str = ""
    dingtalk_secret: str = ""
    clear: frozenset[str] = frozenset()

    def applied(self, old: UnitContact) -> UnitContact:
        """The contact to store over ``old``, before its check."""
        dingtalk = "dingtalk" in self.clear
        return UnitContact(
            self.email,
            "" if "wecom" in self.clear else self.wecom_url.strip() or old.wecom_url,
            "" if dingtalk else self.dingtalk_url.strip() or old.dingtalk_url,
            "" if dingtalk or "dingtalk_secret" in self.clear
            else self.dingtalk_secret.strip() or old.dingtalk_secret,
        )  # fmt: skip


@dataclass
class Edited:
    """A unit as written, what changed (field names, for the audit) and its contacts as shown."""

    unit: Unit
    changed: list[str]
    contact: dict[str, str]


def label(name: str, lang: int = 0) -> str:
    return UNIT_FIELD[name][lang]


# -- checking what was typed ----------------------------------------------------------------------
def check_code(code: str) -> str:
    """A new unit's code, trimmed: letters, digits, ``_ . -``, at most MAX_CODE characters."""
    code = code.strip()
    if not code:
        raise InvalidInput("请填写单位编码", en="A unit needs a code", field="code")
    if len(code) > MAX_CODE or not CODE.fullmatch(code):
        raise InvalidInput(
            f"单位编码 {code[:40]!r} 无效：应为不超过 {MAX_CODE} 个字母、数字或 _ . -，以字母或数字开头",
            en=f"The unit code {code[:40]!r} is not valid: use at most {MAX_CODE} letters, digits or _ . -, "
            "starting with a letter or digit",
            field="code",
        )
    return code


def check_fields(typed: UnitFields) -> UnitFields:
    """The fields trimmed; InvalidInput naming the first that is missing, too long or no phone."""
    values = {name: getattr(typed, name).strip() for name in FIELD_NAMES}
    if not values["name"]:
        raise InvalidInput("请填写单位名称", en="A unit needs a name", field="name")
    if not KIND.fullmatch(values["kind"]):
        raise InvalidInput(
            f"单位类别 {values['kind'][:40]!r} 无效",
            en=f"The unit kind {values['kind'][:40]!r} is not valid",
            field="kind",
        )
    for name, value in values.items():
        limit = MAX_NAME if name == "name" else MAX_PHONE if name in PHONES else MAX_PERSON
        if len(value) > limit:
            raise InvalidInput(
                f"{label(name)}过长：最多 {limit} 字",
                en=f"The {label(name, 1)} is too long: at most {limit} characters",
                field=name,
            )
        if name in PHONES and value and (not PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 3):
            raise InvalidInput(
                f"{label(name)} {value!r} 不是电话号码：只能有数字、空格和 + - ( )",
                en=f"The {label(name, 1)} {value!r} is not a phone number: use digits, spaces and + - ( ) only",
                field=name,
            )
    return UnitFields(**values)


# -- creating and editing -------------------------------------------------------------------------
def create_unit(store: Store, county: County, code: str, typed: UnitFields, contact: UnitContact) -> Unit:
    """A new unit with its contacts, in one transaction; Conflict naming the code when a unit of
    the county has it already (nothing stored)."""
    code, values, contact = check_code(code), check_fields(typed), checked_contact(contact)
    with store.transaction():
        if _by_code(store, county, code) is not None:
            raise Conflict(
                f"单位编码 {code} 在本县区已被使用，未创建单位：请换一个编码",
                en=f"The unit code {code} is already used in this county; no unit was created: choose another code",
                field="code",
            )
        (unit,) = store.add_units([Unit(county.id, code, **vars(values))])
        store.set_unit_contact(county.id, unit.id, contact)
    return unit


def _by_code(store: Store, county: County, code: str) -> Unit | None:
    try:
        return store.get_unit_by_code(county.id, code)
    except NotFound:
        return None


def edit_unit(
    store: Store, county: County, unit_id: int, seen_version: int, typed: UnitFields, contact: ContactEdit
) -> Edited:
    """Write a unit's fields and contacts as an administrator typed them over version
    ``seen_version``; StaleVersion naming the unit and where its stored fields differ from the
    typed ones when someone changed it since (nothing written)."""
    values = check_fields(typed)
    with store.transaction():
        unit = store.get_unit(county.id, unit_id)
        old = store.get_unit_contact(county.id, unit.id)
        new = checked_contact(contact.applied(old))
        saved = None
        if unit.version == seen_version:
            saved = store.save_unit(replace(unit, **vars(values)), seen_version)
        if saved is None:
            now = store.get_unit(county.id, unit.id)
            raise stale_unit(now, seen_version, _differences(now, values, old, contact))
        store.set_unit_contact(county.id, unit.id, new)
    changed = [n for n in FIELD_NAMES if getattr(unit, n) != getattr(saved, n)]
    changed += [k for k, v in vars(new).items() if v != getattr(old, k)]
    return Edited(saved, changed, new.shown())


def _differences(now: Unit, values: UnitFields, contact: UnitContact, typed: ContactEdit) -> list[str]:
    """The fields where what was typed is not what is stored now (robot URLs and the secret only
    when typed anew: the page never showed them)."""
    out = [n for n in FIELD_NAMES if getattr(now, n) != getattr(values, n)]
    if typed.email.strip() != contact.email:
        out.append("email")
    for name in ("wecom_url", "dingtalk_url", "dingtalk_secret"):
        if getattr(typed, name).strip() and getattr(typed, name).strip() != getattr(contact, name):
            out.append(name)
    return out


def stale_unit(now: Unit, seen: int, differing: Sequence[str] = ()) -> StaleVersion:
    """The refusal of a change made on version ``seen`` of a unit now at ``now.version``."""
    zh = f"（与您填写的不同之处：{'、'.join(label(n) for n in differing)}）" if differing else ""
    en = (
        f" (where it differs from what you typed: {', '.join(label(n, 1) for n in differing)})"
        if differing
        else ""
    )
    return StaleVersion(
        f"单位 {now.code}（{now.name}）在您打开之后已被他人修改（您看到的是第 {seen} 版，现为第 {now.version} 版）"
        f"{zh}，本次操作未保存：请查看最新内容后重新操作",
        en=f"The unit {now.code} ({now.name}) was changed by someone else after you opened it (you saw "
        f"version {seen}, it is now version {now.version}){en}; nothing was saved: please look at it as it "
        "is now and try again",
        stale=[{"kind": "unit", "id": now.id, "code": now.code, "version": seen,
                "current_version": now.version, "fields": list(differing)}],
    )  # fmt: skip


# -- retiring -------------------------------------------------------------------------------------
def posts_from(store: Store, county: County, unit: Unit, at: datetime) -> list[Assignment]:
    """The unit's posts in force at some time from ``at`` on (reverted ones left out)."""
    return store.unit_assignments(county.id, unit.id, at, FOREVER)


def retire_unit(
    store: Store, county: County, unit_id: int, seen_version: int, on: date, today: date | None = None
) -> Unit:
    """Retire a unit from the day ``on`` (today or earlier). Conflict when it is retired already,
    or when it has posts in force on or after that day, naming a few of them and counting all
    (reassign them, or merge the unit into another); StaleVersion when it changed since."""
    today = today or clock.today()
    if on > today:
        raise InvalidInput(
            f"撤销日期 {on} 晚于今天 {today}：单位只能自今天或更早的日期起撤销",
            en=f"The retirement date {on} is after today ({today}): a unit is retired from today or an earlier day",
            field="on",
        )
    at = day_start(on)
    with store.transaction():
        store.map_version(lock=True)  # no post is written until this commits
        unit = store.get_unit(county.id, unit_id)
        refuse_retired_twice(unit)
        if unit.version != seen_version:
            raise stale_unit(unit, seen_version)
        posts = posts_from(store, county, unit, at)
        if posts:
            zh, en = named_posts(store, county, posts)
            raise Conflict(
                f"单位 {unit.code}（{unit.name}）自 {on} 起仍有 {len(posts)} 处责任：{zh}，不能撤销："
                "请先把这些责任调整给其他单位，或把本单位并入另一单位",
                en=f"The unit {unit.code} ({unit.name}) still has {len(posts)} posts in force from {on}: {en}; "
                "it cannot be retired: reassign them first, or merge the unit into another",
                field="on",
                posts=len(posts),
            )
        saved = store.save_unit(replace(unit, retired_at=at), seen_version)
        if saved is None:
            raise stale_unit(store.get_unit(county.id, unit_id), seen_version)
    return saved


def refuse_retired_twice(unit: Unit) -> None:
    if unit.retired_at is not None:
        day = f"{unit.retired_at.astimezone(COUNTY_TZ):%Y-%m-%d}"
        raise Conflict(
            f"单位 {unit.code}（{unit.name}）已于 {day} 撤销",
            en=f"The unit {unit.code} ({unit.name}) was already retired on {day}",
        )


def named_posts(store: Store, county: County, posts: Sequence[Assignment]) -> tuple[str, str]:
    """A few posts' targets by name and code, and how many more, in Chinese and in English."""
    shown = posts[:NAMED_POSTS]
    names: list[tuple[str, str]] = []
    for kind in ("segment", "zone"):
        ids = [p.target_id for p in shown if p.target_kind == kind]
        for f in store.get_targets(county.id, kind, ids) if ids else []:
            if kind == "segment":
                names.append(
                    (
                        f"{f.name or '无名路段'}（路段 #{f.id}）",
                        f"{f.name or 'unnamed road'} (road segment #{f.id})",
                    )
                )
            else:
                names.append((f"{f.name}（{f.code}）", f"{f.name} ({f.code})"))
    more = len(posts) - len(shown)
    zh = "、".join(n for n, _ in names) + (f" 等，另有 {more} 处" if more else "")
    en = "; ".join(n for _, n in names) + (f" and {more} more" if more else "")
    return zh, en


def unit_to_dispatch(store: Store, county: County, code: str, current: int | None) -> Unit:
    """The unit coded ``code`` a case is dispatched to: NotFound naming the code; Conflict when it
    is retired, unless it is the case's unit already."""
    unit = _by_code(store, county, code)
    if unit is None:
        raise NotFound(
            f"没有编码为 {code!r} 的单位", en=f"There is no unit with the code {code!r}", field="unit"
        )
    return unit if unit.id == current else refuse_retired(unit)


def in_service(units: Sequence[Unit]) -> list[Unit]:
    """The units that may be given something new (a post, a user, a case): those not retired."""
    return [u for u in units if u.retired_at is None]


@dataclass
class UnitRow:
    """A unit as the administrators' list shows it: with its posts in force now."""

    unit: Unit
    posts: int = 0


def unit_rows(store: Store, county: County, query: str = "", now: datetime | None = None) -> list[UnitRow]:
    """The county's units by code, those matching ``query`` (in code, name, head or duty officer,
    case-blind), each with how many posts it holds now (one read of the posts in force)."""
    held: dict[int, int] = {}
    for a in store.assignments_at(county.id, now or clock.now()):
        held[a.unit_id] = held.get(a.unit_id, 0) + 1
    q = query.strip().casefold()
    return [
        UnitRow(u, held.get(u.id, 0))
        for u in sorted(store.list_units(county.id), key=lambda u: u.code)
        if not q or any(q in text.casefold() for text in (u.code, u.name, u.head, u.duty_officer))
    ]
