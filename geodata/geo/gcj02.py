"""GCJ-02 (国测局坐标, "Mars coordinates"): the obfuscated lon/lat that Chinese web maps (AutoNavi,
Tencent) draw their tiles in, a few hundred metres off WGS-84. The portal keeps every coordinate
in WGS-84; over a GCJ-02 basemap it shifts what it draws, for display only (DESIGN §7), and turns
what the map reports back (a click, a viewport) into WGS-84 before it is used.

The forward formula is the published one; the inverse has no closed form and is found by fixed-point
iteration (to ~1e-9°, well under a millimetre). Outside China's box the two coincide, as providers
treat it.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis, metres
_EE = 0.00669342162296594323  # its first eccentricity squared


def in_china(lon, lat) -> np.ndarray:
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def offset(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift (dlon, dlat) in degrees at WGS-84 (lon, lat); 0 outside China."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = lon - 105.0, lat - 35.0
    waves = (20 * np.sin(6 * np.pi * x) + 20 * np.sin(2 * np.pi * x)) * 2 / 3
    dlat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + waves
    dlat += (20 * np.sin(np.pi * y) + 40 * np.sin(np.pi * y / 3)) * 2 / 3
    dlat += (160 * np.sin(np.pi * y / 12) + 320 * np.sin(np.pi * y / 30)) * 2 / 3
    dlon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + waves
    dlon += (20 * np.sin(np.pi * x) + 40 * np.sin(np.pi * x / 3)) * 2 / 3
    dlon += (150 * np.sin(np.pi * x / 12) + 300 * np.sin(np.pi * x / 30)) * 2 / 3
    rad = np.radians(lat)
    magic = 1 - _EE * np.sin(rad) ** 2
    dlat = dlat * 180 / ((_A * (1 - _EE)) / (magic * np.sqrt(magic)) * np.pi)
    dlon = dlon * 180 / (_A / np.sqrt(magic) * np.cos(rad) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def from_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = offset(lon, lat)
    return np.asarray(lon, dtype=float) + dlon, np.asarray(lat, dtype=float) + dlat


def to_wgs84(lon, lat, iterations: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The WGS-84 point whose GCJ-02 is (lon, lat)."""
    gx, gy = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wx, wy = gx, gy
    for _ in range(iterations):
        dlon, dlat = offset(wx, wy)
        wx, wy = gx - dlon, gy - dlat
    return wx, wy
