"""Editing the map's geometry: splitting and merging road segments, redrawing zone outlines, and the
rules each edit must respect."""
