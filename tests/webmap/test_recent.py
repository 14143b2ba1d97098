"""Rarely changing answers kept a few seconds per process (the county, an API key's record): asked
for again only once they are older than that, and never kept when asking failed."""

from __future__ import annotations

import pytest

from geodata.errors import Unauthorized
from tests.support.clock import Ticks
from webmap.recent import Recent


def test_an_answer_is_kept_for_its_seconds_then_asked_for_again():
    ticks, asked = Ticks(), []
    recent = Recent(seconds=5, clock=ticks)

    def make():
        asked.append(1)
        return len(asked)

    assert recent.get("county", make) == 1 and recent.get("county", make) == 1
    assert recent.get("other", make) == 2  # each key its own answer
    ticks.advance(4.5)
    assert recent.get("county", make) == 1  # still young
    ticks.advance(0.5)  # five seconds on: asked for again
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
