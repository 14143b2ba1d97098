"""The security audit log (等保 安全审计): who did what, from where, to what, with which result.

Rows are only ever added (the database refuses UPDATE and DELETE, migration 0012) and chained:
each row keeps the hash of the row before it and its own hash, the SHA-256 of that previous hash
and the row's content in canonical JSON. Editing, inserting or deleting a row in the middle
breaks the chain at that row, and ``verify`` names it. (Cutting rows off the end is not seen by
the chain alone: the count and the last hash ``verify`` reports are what an operator writes down.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from geodata import clock
from geodata.errors import InvalidInput
from geodata.labels import RESULT_ZH

if TYPE_CHECKING:
    from geodata.stores.store import Store

GENESIS = "0" * 64  # the "previous hash" of the first row
RESULTS = ("ok", "refused", "error")
MAX_TEXT = 500  # actor, action and object are cut to this many characters


@dataclass(frozen=True)
class AuditEvent:
    """One audited action. ``address_hash`` is the keyed hash of the sender's address (as the
    随手拍 rate limit keeps it), never the address itself; ``detail`` is a JSON object."""

    at: datetime
    actor: str
    action: str
    object: str = ""
    result: str = "ok"
    address_hash: str = ""
    detail: dict = field(default_factory=dict)
    prev_hash: str = ""
    hash: str = ""
    id: int | None = None


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page asks for: an exact actor and action, and a time range [since, until)."""

    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Verified:
    """What ``verify`` found: how many rows it read, the last good hash, and the first broken row."""

    count: int
    last_hash: str
    broken: AuditEvent | None = None


def canonical_time(at: datetime) -> str:
    """The time as both backends give it back: UTC, to the microsecond."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def detail_json(detail: dict) -> str:
    """A detail object as stored: canonical JSON (sorted keys, no spaces), so it hashes the same
    when read back."""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def storable(value):
    """``value`` with every string made storable on both backends: a NUL (which PostgreSQL's text
    refuses) and a lone surrogate are written as escapes, so a hostile path cannot make its own
    record fail."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {storable(str(k)): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def row_hash(prev_hash: str, event: AuditEvent) -> str:
    """SHA-256 of the previous row's hash and this row's content."""
    content = {
        "at": canonical_time(event.at),
        "actor": event.actor,
        "address_hash": event.address_hash,
        "action": event.action,
        "object": event.object,
        "result": event.result,
        "detail": json.loads(detail_json(event.detail)),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def record(
    store: Store,
    actor: str,
    action: str,
    object: str = "",  # noqa: A002 - the audit's own word for what was acted on
    result: str = "ok",
    address_hash: str = "",
    detail: dict | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain, in a transaction of its own (a savepoint when one is open).
    The previous hash is read under the chain's lock, so two workers appending at once queue
    instead of both building on the same row."""
    if result not in RESULTS:
        raise InvalidInput(
            f"审计结果 {result!r} 无效，可选 {', '.join(RESULTS)}",
            en=f"The audit result {result!r} is invalid: choose {', '.join(RESULTS)}",
            field="result",
        )
    event = AuditEvent(
        at=now or clock.now(),
        actor=storable(actor or "anonymous")[:MAX_TEXT],
        action=storable(action)[:MAX_TEXT],
        object=storable(object or "")[:MAX_TEXT],
        result=result,
        address_hash=address_hash or "",
        detail=storable(json.loads(detail_json(detail or {}))),
    )
    with store.transaction():
        prev = store.audit_chain_head() or GENESIS
        chained = replace(event, prev_hash=prev, hash=row_hash(prev, event))
        return store.add_audit_event(chained)


def verify(store: Store) -> Verified:
    """Walk the chain in id order; the first row whose previous hash is not the hash before it,
    or whose own hash does not match its content, is ``broken``."""
    prev, count = GENESIS, 0
    for event in store.iter_audit_events():
        if event.prev_hash != prev or event.hash != row_hash(prev, event):
            return Verified(count, prev, event)
        prev, count = event.hash, count + 1
    return Verified(count, prev)


def first_broken(store: Store) -> int | None:
    """The id of the first broken row, or None when the chain is whole."""
    broken = verify(store).broken
    return None if broken is None else broken.id


def csv_rows(events: Iterator[AuditEvent]) -> Iterator[list[str]]:
    """The audit log as CSV rows (a header first), for the admin page's export and the command."""
    yield ["编号", "时间", "操作者", "地址摘要", "操作", "对象", "结果", "详情", "本条哈希"]
    for e in events:
        yield [
            str(e.id), canonical_time(e.at), _cell(e.actor), e.address_hash, _cell(e.action),
            _cell(e.object), RESULT_ZH.get(e.result, e.result), _cell(detail_json(e.detail)), e.hash,
        ]  # fmt: skip


def _cell(text: str) -> str:
    """A text a spreadsheet will not run: one that starts like a formula gets a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
