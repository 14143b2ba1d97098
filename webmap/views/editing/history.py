"""What changed, and when (DESIGN §6): every change set of the county (/portal/change-sets), one
change set's diff on a map with its 撤销 (/portal/change-sets/<id>), and a target's timeline of
units (/portal/targets/<kind>/<id>). Reverting is the API's (views/assignments.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import folium
import shapely
from branca.element import MacroElement
from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required
from jinja2 import Template

from geodata.assignments import postings as posts
from geodata.errors import NotFound
from geodata.geo.geometry import to_metric
from geodata.model import ChangeSet, Unit
from layers.roads import UNGUARDED_COLOUR, unit_colour
from webmap.i18n import EN, ZH, t
from webmap.mapbuild import ATTRIBUTION, TextTooltip, map_parts
from webmap.views.common import EDITORS, store_and_county
from webmap.views.editing.page import kind_name, role_name
from webmap.views.params import page_number
from webmap.views.portal.page import vendor

bp = Blueprint("history", __name__)

PER_PAGE = 20
ROWS_PER_PAGE = 100  # a change set's targets listed on one page
CONTEXT_PAD_DEG = 0.003  # about 300 m of roads around a change
MAX_CONTEXT_ROADS = 2_000
# Past this many targets the map draws them by unit, one layer a unit, without a tooltip each:
# the demo's first plan (2,751 targets) took 6–12 s and 5 MB as one layer per target.
MAX_SINGLY_DRAWN = 200


@dataclass
class Row:
    """One target of a change set: its unit before → after (None: none)."""

    kind: str
    id: int
    name: str
    role: str
    before: int | None
    after: int | None
    valid_from: object
    geom: object = None


@bp.get("/portal/change-sets")
@login_required
def change_sets():
    store, county = store_and_county()
    page = page_number()
    total = store.count(county.id, "change_set")
    items = store.list_change_sets(county.id, PER_PAGE, (page - 1) * PER_PAGE)
    return render_template(
        "portal/change_sets.html", county=county, items=items, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)),
    )  # fmt: skip


@bp.get("/portal/change-sets/<int:change_set_id>")
@login_required
def change_set(change_set_id: int):
    store, county = store_and_county()
    found = store.list_change_sets(county.id, 1, 0, change_set_id)
    if not found:
        zh, en = _refusal("edit.change.not_found", id=change_set_id)
        raise NotFound(zh, en=en)
    summary = found[0]
    rows = _rows(store, county, summary.change_set)
    outlines = _outlines(store, county, change_set_id)
    units = {u.id: u for u in store.list_units(county.id)}
    page = page_number()
    shown = rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
    return render_template(
        "portal/change_set.html", county=county, summary=summary, cs=summary.change_set, rows=shown,
        total_rows=len(rows), page=page, pages=max(1, -(-len(rows) // ROWS_PER_PAGE)), units=units, kind_name=kind_name, role_name=role_name, editable=current_user.role in EDITORS,
        outlines=outlines, map=map_parts(_diff_map(store, county, summary.change_set, rows, units, outlines)),
        revert_url=url_for("assignments.revert_change_set", change_set_id=change_set_id),
    )  # fmt: skip


@bp.get("/portal/targets/<kind>/<int:target_id>")
@login_required
def target_history(kind: str, target_id: int):
    store, county = store_and_county()
    if kind not in ("segment", "zone"):
        zh, en = _refusal("edit.timeline.bad_kind", kind=kind)
        raise NotFound(zh, en=en)
    found = store.get_targets(county.id, kind, [target_id])
    if not found:
        zh, en = _refusal(f"edit.timeline.no_{kind}", id=target_id)
        raise NotFound(zh, en=en)
    target = found[0]
    timeline = list(reversed(posts.history(store, county, posts.Target(kind, target_id))))
    return render_template(
        "portal/target_history.html", county=county, kind=kind, target=target, timeline=timeline,
        units={u.id: u for u in store.list_units(county.id)}, kind_name=kind_name, role_name=role_name,
    )  # fmt: skip


def _refusal(key: str, **values) -> tuple[str, str]:
    """A refusal's message in Chinese and in English: the error page shows the one of the page's
    language, the API's caller the one asked for."""
    return ZH[key].format(**values), EN[key].format(**values)


def _rows(store, county, cs: ChangeSet) -> list[Row]:
    """Each target the change set touched, with its unit before and after. The unit before a lead
    is the one leading just before it started (what it closed, or, once reverted, what came back);
    a revert turns the reverted set's units back."""
    opened = store.change_set_assignments(county.id, cs.reverts or cs.id)
    prior: dict[tuple[str, int, datetime], int | None] = {}
    for kind in ("segment", "zone"):
        leads = [a for a in opened if a.target_kind == kind and a.role == "lead"]
        if leads:
            just_before = [a.valid_from - timedelta(microseconds=1) for a in leads]
            found = store.lead_units(county.id, kind, [a.target_id for a in leads], just_before)
            prior.update({(kind, a.target_id, a.valid_from): u for a, u in zip(leads, found, strict=True)})
    rows = []
    for a in opened:
        was = prior.get((a.target_kind, a.target_id, a.valid_from))
        before, after = (a.unit_id, was) if cs.reverts else (was, a.unit_id)
        rows.append(Row(a.target_kind, a.target_id, "", a.role, before, after, a.valid_from))
    _add_names(store, county, rows)
    return rows


def _add_names(store, county, rows: list[Row]) -> None:
    for kind in ("segment", "zone"):
        ids = sorted({r.id for r in rows if r.kind == kind})
        found = {x.id: x for x in store.get_targets(county.id, kind, ids)} if ids else {}
        for r in rows:
            if r.kind == kind and r.id in found:
                target = found[r.id]
                r.name = (target.name or t("edit.unnamed")) if kind == "segment" else target.name
                r.geom = target.geom
                r.kind = kind if kind == "segment" else target.kind


@dataclass
class OutlineRow:
    """A zone outline the change set redrew: its name and area (m²) before and after."""

    kind: str
    id: int
    name: str
    before_m2: float
    after_m2: float
    before: object
    after: object


def _outlines(store, county, change_set_id: int) -> list[OutlineRow]:
    edits = store.geometry_edits(county.id, change_set_id=change_set_id)
    if not edits:
        return []
    epsg = store.county_epsg(county.id)
    names = {z.id: z for z in store.get_targets(county.id, "zone", sorted({e.target_id for e in edits}))}
    return [
        OutlineRow(
            names[e.target_id].kind if e.target_id in names else "zone", e.target_id,
            names[e.target_id].name if e.target_id in names else f"#{e.target_id}",
            to_metric(e.before, epsg).area, to_metric(e.after, epsg).area, e.before, e.after,
        )
        for e in edits
    ]  # fmt: skip


def _diff_map(
    store, county, cs: ChangeSet, rows: list[Row], units: dict, outlines: list[OutlineRow]
) -> folium.Map:
    """A small static map: the roads around for context (thin grey: it has no basemap), the
    targets in the colour of the kind of unit they went to (dashed when none) and named on hover,
    the outlines redrawn (before dashed grey, after red), and what the leader drew."""
    m = folium.Map(tiles=None, zoom_start=15, max_zoom=19, attribution_control=True)
    m.default_js = [("leaflet", vendor("leaflet", "dist/leaflet.js"))]
    m.default_css = [("leaflet_css", vendor("leaflet", "dist/leaflet.css"))]
    shapes = [r.geom for r in rows if r.geom is not None] + ([cs.geom] if cs.geom is not None else [])
    shapes += [o.after for o in outlines]
    if shapes:
        _context_roads(store, county, shapes, m)
    for o in outlines:
        folium.GeoJson(
            o.before.__geo_interface__,
            style_function=lambda _: {"color": "#5b6776", "weight": 2, "dashArray": "5 4", "fillOpacity": 0},
        ).add_child(TextTooltip(t("edit.change.tip_before", name=o.name))).add_to(m)
        folium.GeoJson(
            o.after.__geo_interface__,
            style_function=lambda _: {
                "color": "#d7191c",
                "weight": 3,
                "fillColor": "#d7191c",
                "fillOpacity": 0.08,
            },
        ).add_child(TextTooltip(t("edit.change.tip_after", name=o.name))).add_to(m)
    drawn = [r for r in rows if r.geom is not None]
    if len(drawn) > MAX_SINGLY_DRAWN:
        _draw_by_unit(m, drawn, units)
    for r in drawn if len(drawn) <= MAX_SINGLY_DRAWN else ():
        unit = units.get(r.after)
        folium.GeoJson(
            r.geom.__geo_interface__, style_function=_target_style(unit, r.kind == "segment")
        ).add_child(
            TextTooltip(
                t(
                    "edit.change.tip_target",
                    name=r.name,
                    unit=unit.name if unit else t("edit.change.tip_no_lead"),
                )
            )
        ).add_to(m)
    if cs.geom is not None and not outlines:  # an outline edit keeps the new outlines as its drawing
        folium.GeoJson(
            cs.geom.__geo_interface__,
            style_function=lambda _: {
                "color": "#1f4e8c",
                "weight": 2,
                "dashArray": "6 4",
                "fillOpacity": 0.05,
            },
        ).add_child(TextTooltip(t("edit.change.tip_drawn"))).add_to(m)
    if shapes:
        minx, miny, maxx, maxy = shapely.union_all(shapes).bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(30, 30), max_zoom=18)
    Attribution(ATTRIBUTION).add_to(m)
    return m


def _context_roads(store, county, shapes: list, m: folium.Map) -> None:
    """The roads within CONTEXT_PAD_DEG of the change, as one thin grey layer under it; none past
    MAX_CONTEXT_ROADS (a county-wide plan is roads enough itself, and the page stays light)."""
    minx, miny, maxx, maxy = shapely.union_all(shapes).bounds
    pad = CONTEXT_PAD_DEG
    segments = store.list_segments(county.id, bbox=(minx - pad, miny - pad, maxx + pad, maxy + pad))
    if not segments or len(segments) > MAX_CONTEXT_ROADS:
        return
    lines = shapely.set_precision(shapely.MultiLineString([s.geom for s in segments]), 1e-6)
    folium.GeoJson(
        lines.__geo_interface__, interactive=False,
        style_function=lambda _: {"color": "#9aa3ad", "weight": 1.5, "opacity": 0.9},
    ).add_to(m)  # fmt: skip


def _target_style(unit: Unit | None, line: bool):
    colour = unit_colour(unit) if unit else UNGUARDED_COLOUR
    style = {"color": colour, "weight": 6 if line else 2, "fillColor": colour, "fillOpacity": 0.3,
             "dashArray": None if unit else "6 4"}  # fmt: skip
    return lambda _: style


def _draw_by_unit(m: folium.Map, rows: list[Row], units: dict) -> None:
    """A large change set's targets as one layer per unit they went to and kind (line or area),
    at 1e-6° (~0.1 m), with the unit's name and count as the tooltip."""
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r.after, r.kind == "segment"), []).append(shapely.set_precision(r.geom, 1e-6))
    for (unit_id, line), geoms in groups.items():
        unit = units.get(unit_id)
        collection = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": g.__geo_interface__} for g in geoms
        ]}  # fmt: skip
        label = t(
            "edit.change.tip_segments" if line else "edit.change.tip_zones",
            unit=unit.name if unit else t("edit.change.tip_no_lead"), n=len(geoms),
        )  # fmt: skip
        folium.GeoJson(collection, style_function=_target_style(unit, line)).add_child(
            TextTooltip(label)
        ).add_to(m)


class Attribution(MacroElement):
    """The data's attribution in the map's corner (a map without tiles has none of its own)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, text: str):
        super().__init__()
        self.text = text
