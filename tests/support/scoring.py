"""Score settings for a test (geodata/scores/settings.py): changed from early on, as an
administrator's re-score with a reason would, so every month a test scores uses them."""

from __future__ import annotations

from geodata.scores.model import SettingsChange
from geodata.scores.settings import change_settings

SINCE = "2000-01"  # before any month a test scores


def set_score_settings(store, **values: float) -> SettingsChange:
    """Change the settings ``values`` (key=value) from SINCE on."""
    return change_settings(store, values, SINCE, "测试", reason="测试所需的评分参数", rescore=True)
