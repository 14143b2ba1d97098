"""QGIS styles for the all-layers GeoPackage: one simple QML style per layer in the portal's colours
(the roads' colour of a 职能部门 post, layers/roads.py; the cases' red of a gap, layers/coverage.py),
as the rows of the ``layer_styles`` table QGIS reads from a GeoPackage and applies by default."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

import pandas as pd

# layer: (symbol type, geometry type code QGIS writes, its properties, description)
FILL, LINE, MARKER = "fill", "line", "marker"
STYLES: dict[str, tuple[str, dict[str, str], str]] = {
    "subdistricts": (FILL, {"color": "94,53,177,0", "style": "no", "outline_color": "94,53,177,255",
                            "outline_width": "0.8", "outline_style": "dash"}, "街道 subdistricts"),
    "communities": (FILL, {"color": "21,101,192,40", "style": "solid", "outline_color": "21,101,192,255",
                           "outline_width": "0.5", "outline_style": "solid"}, "社区 communities"),
    "villages": (FILL, {"color": "27,158,119,40", "style": "solid", "outline_color": "27,158,119,255",
                        "outline_width": "0.5", "outline_style": "solid"}, "村 villages"),
    "courtyards": (FILL, {"color": "240,163,10,40", "style": "solid", "outline_color": "240,163,10,255",
                          "outline_width": "0.3", "outline_style": "solid"}, "院落 courtyards"),
    "grid_cells": (FILL, {"color": "140,140,140,20", "style": "solid", "outline_color": "140,140,140,255",
                          "outline_width": "0.2", "outline_style": "solid"}, "网格 grid cells"),
    "segments": (LINE, {"line_color": "40,53,147,255", "line_width": "0.6", "line_style": "solid",
                        "capstyle": "round"}, "路段 road segments"),
    "cases": (MARKER, {"name": "circle", "color": "215,25,28,255", "size": "2", "outline_color": "255,255,255,255",
                       "outline_width": "0.2"}, "案件 cases"),
}  # fmt: skip
SYMBOL_LAYER = {FILL: "SimpleFill", LINE: "SimpleLine", MARKER: "SimpleMarker"}
GEOMETRY_CODE = {MARKER: 0, LINE: 1, FILL: 2}
STYLE_COLUMNS = ["f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                 "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"]  # fmt: skip


def qml(layer: str) -> str:
    """The layer's style as QGIS writes a .qml: a single-symbol renderer of one simple symbol."""
    symbol, props, _ = STYLES[layer]
    options = "".join(f"<prop k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in props.items())
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis version="3.22.0" styleCategories="Symbology">'
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols>'
        f'<symbol type="{symbol}" name="0" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{SYMBOL_LAYER[symbol]}" enabled="1" locked="0" pass="0">{options}</layer>'
        "</symbol></symbols><rotation/><sizescale/></renderer-v2>"
        f"<layerGeometryType>{GEOMETRY_CODE[symbol]}</layerGeometryType></qgis>"
    )


def style_rows(layers: list[str], geometry_column: str) -> pd.DataFrame:
    """The ``layer_styles`` rows of ``layers`` (those with a style), each its layer's default."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [
        [
            "",
            "",
            name,
            geometry_column,
            f"门户样式 portal {name}",
            qml(name),
            "",
            True,
            STYLES[name][2],
            "",
            "",
            stamp,
        ]
        for name in layers
        if name in STYLES
    ]
    return pd.DataFrame(rows, columns=STYLE_COLUMNS)
