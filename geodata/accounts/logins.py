"""Login failures (等保 身份鉴别): an account locked after a few failures, an address throttled
across accounts. The counts live in the database (``login_failure``), so every worker sees them.

Names are counted as typed (case-folded), known or not: a lock says nothing about whether the
user exists. Addresses are keyed hashes (``geodata.cases.public_reports.client_key``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from geodata.errors import RateLimited
from geodata.model import COUNTY_TZ
from geodata.stores.store import Store

NAME_MAX = 100  # the login form's limit
KEEP = timedelta(days=1)  # failures older than this no longer count for anything


class AccountLocked(RateLimited):
    """Too many failures for one account name; ``retry_after`` seconds until it opens."""

    code = "account_locked"


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5  # for one account within ``window``: then it is locked for ``window``
    window: timedelta = timedelta(minutes=15)
    address_max: int = 20  # failures from one address, whatever the names, within ``window``


def name_key(username: str) -> str:
    """How a typed name is counted: trimmed, case-folded, cut to the form's limit."""
    return username.strip().casefold()[:NAME_MAX]


def locked_until(failures: list[datetime], policy: LoginPolicy) -> datetime | None:
    """The end of the latest lock these failures (oldest first) cause, or None: a lock starts at a
    failure that is the ``max_failures``-th within ``window`` and lasts ``window``."""
    for i in range(len(failures) - 1, -1, -1):
        failure = failures[i]
        count = i + 1 - bisect_right(failures, failure - policy.window, 0, i + 1)
        if count >= policy.max_failures:
            return failure + policy.window
    return None


def address_opens_at(failures: list[datetime], now: datetime, policy: LoginPolicy) -> datetime | None:
    """When an address with these failures (oldest first) may try again, or None if it may now:
    a sliding window of ``address_max`` failures."""
    recent = failures[bisect_right(failures, now - policy.window) :]
    if len(recent) < policy.address_max:
        return None
    return recent[len(recent) - policy.address_max] + policy.window


def check_allowed(store: Store, username: str, client: str, now: datetime, policy: LoginPolicy) -> None:
    """RateLimited when the address is throttled, AccountLocked when the name is locked; checked
    before the password, so a locked account refuses even the right one."""
    opens = address_opens_at(store.login_failures(now - policy.window, client=client), now, policy)
    if opens is not None and opens > now:
        raise RateLimited(
            f"登录失败次数过多，请 {_minutes(opens - now)} 分钟后再试。",
            en=f"Too many failed sign-ins: please try again in {_minutes(opens - now)} minutes.",
            retry_after=_seconds(opens - now),
        )
    until = locked_until(store.login_failures(now - 2 * policy.window, username=name_key(username)), policy)
    if until is not None and until > now:
        raise AccountLocked(
            f"该账号登录失败次数过多，已暂时锁定，请于 {until.astimezone(COUNTY_TZ):%H:%M}（北京时间）后再试。",
            en=f"Too many failed sign-ins: this account is locked for now; please try again after {until.astimezone(COUNTY_TZ):%H:%M} (Beijing time).",
            retry_after=_seconds(until - now),
        )


def record_failure(store: Store, username: str, client: str, now: datetime, policy: LoginPolicy) -> bool:
    """Count a failed sign-in; True when it locks the account."""
    store.clear_login_failures("", before=now - KEEP)
    store.add_login_failure(name_key(username), client, now)
    until = locked_until(store.login_failures(now - 2 * policy.window, username=name_key(username)), policy)
    return until is not None and until > now


def record_success(store: Store, username: str) -> None:
    """A right password forgets the name's failures: the next lock needs ``max_failures`` anew."""
    unlock(store, username)


def unlock(store: Store, username: str) -> int:
    """Forget the name's failed sign-ins (an administrator's unlock, or a right password): a lock
    it had ends now. The address throttle is the address's, and stays. How many were forgotten."""
    return store.clear_login_failures(name_key(username))


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _minutes(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds() / 60))
