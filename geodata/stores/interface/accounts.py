"""Administering accounts in the browser (issue #20 part 1): finding users page by page with what
their list shows (last sign-in, recent failed sign-ins), and an API key by id, revoked, and when it
was last used. Both backends implement it with geodata/stores/shared/accounts.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from geodata.model import ApiKey, User


class AccountAdminStore(Protocol):
    """The administrators' view of users and API keys."""

    def find_users(
        self,
        county_id: int | None,
        query: str = "",
        role: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[User]:
        """Users of the county and those of none (every user when ``county_id`` is None) whose
        name holds ``query`` in any case, of ``role`` when given, the first made first (the same order
        on both backends, whatever their collations)."""

    def count_users(self, county_id: int | None, query: str = "", role: str | None = None) -> int:
        """How many ``find_users`` finds in all."""

    def last_sign_ins(self, user_ids: Sequence[int]) -> dict[int, datetime]:
        """When each of these users last signed in (the start of their latest session); users
        who never did are left out."""

    def login_failures_since(self, since: datetime) -> dict[str, list[datetime]]:
        """The failed sign-ins since ``since`` by the (case-folded) name tried, oldest first."""

    def get_api_key(self, key_id: int) -> ApiKey:
        """The key with this id, revoked or not; NotFound otherwise."""

    def revoke_api_key(self, key_id: int, at: datetime) -> bool:
        """Revoke the key as of ``at``; False when it was revoked already."""

    def touch_api_key(self, key_id: int, at: datetime, before: datetime) -> bool:
        """Record that the key was used at ``at``, unless its last use recorded is ``before`` or
        later (so a busy key is written once a minute, not at every request); True when written."""
