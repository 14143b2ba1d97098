"""Rarely changing answers kept a few seconds per process (the county, an API key's record): asked
for again only once they are older than that, and never kept when asking failed."""

from __future__ import annotations

import time

import pytest

from geodata.errors import Unauthorized
from webmap.recent import Recent


def test_an_answer_is_kept_for_its_seconds_then_asked_for_again():
    recent, asked = Recent(seconds=0.2), []

    def make():
        asked.append(1)
        return len(asked)

    assert recent.get("county", make) == 1 and recent.get("county", make) == 1
    assert recent.get("other", make) == 2  # each key its own answer
    time.sleep(0.25)
    assert recent.get("county", make) == 3 and len(asked) == 3
    recent.clear()
    assert recent.get("county", make) == 4


def test_a_refusal_is_never_kept():
    recent, asked = Recent(seconds=60), []

    def refuse():
        asked.append(1)
        raise Unauthorized("api_key 无效或已停用")

    for _ in range(2):
        with pytest.raises(Unauthorized):
            recent.get("key", refuse)
    assert len(asked) == 2
