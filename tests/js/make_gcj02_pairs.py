"""Writes tests/js/gcj02_pairs.json: known WGS-84 ⇄ GCJ-02 pairs computed by geodata/geo/gcj02.py,
the Python twin of static/portal/map/gcj02.js, which gcj02.test.mjs compares them with. Run
``python -m tests.js.make_gcj02_pairs`` after a change to the formula; tests/js/test_node.py
checks the file still says what the Python computes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from geodata.geo import gcj02

PAIRS = Path(__file__).with_name("gcj02_pairs.json")
# Places across China (Beijing, Shenzhen, Urumqi, Harbin, Lhasa, Sanya), the box's corners, and
# two outside it (Tokyo, London), where GCJ-02 is WGS-84.
PLACES = [
    (116.397, 39.909),
    (114.057, 22.543),
    (87.617, 43.826),
    (126.535, 45.803),
    (91.117, 29.647),
    (109.512, 18.252),
    (72.005, 0.83),
    (137.83, 55.82),
    (139.767, 35.681),
    (-0.128, 51.507),
]


def pairs() -> list[dict]:
    """Each point (WGS-84 lon, lat) with its GCJ-02 and the WGS-84 whose GCJ-02 it is."""
    rng = np.random.default_rng(18)
    points = np.vstack([np.array(PLACES), rng.uniform((100, 20), (125, 45), (20, 2))])
    forward = np.column_stack(gcj02.from_wgs84(points[:, 0], points[:, 1]))
    inverse = np.column_stack(gcj02.to_wgs84(points[:, 0], points[:, 1]))
    return [
        {"point": p.tolist(), "gcj02": f.tolist(), "wgs84_of": i.tolist()}
        for p, f, i in zip(points, forward, inverse, strict=True)
    ]


def text() -> str:
    """The file's text: one pair a line."""
    return "[\n" + ",\n".join(json.dumps(p) for p in pairs()) + "\n]\n"


if __name__ == "__main__":
    PAIRS.write_text(text())
