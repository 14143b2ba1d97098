"""The page where leaders reassign road segments and zones by drawing on the map (/portal/edit):
the leaders' map with Leaflet-Geoman's drawing tools and a panel that selects, previews, applies
and reverts (static/portal/edit/, over the APIs of views/edit_api.py and views/assignments.py).
Unit staff and inspectors may draw to see who leads what, but the page offers them no change."""

from __future__ import annotations

from branca.element import MacroElement
from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required
from folium.elements import JSCSSMixin
from jinja2 import Template

from geodata.assignments.selection import MODES, SELECTABLE
from geodata.assignments.units import in_service
from geodata.labels import POST_ROLE_ZH, TARGET_KIND_ZH
from geodata.model import ROLES
from layers.roads import unit_legend
from webmap.county_settings import county_basemap
from webmap.i18n import current_lang, t
from webmap.mapbuild import build_portal_map, map_parts
from webmap.views.common import EDITORS, store_and_county
from webmap.views.editing.assignments_api import today
from webmap.views.portal.page import portal_urls, vendor

bp = Blueprint("edit", __name__)


def role_name(role: str) -> str:
    """A unit's role on a target (lead, assist) in the page's language (webmap/texts/edit.py)."""
    return t(f"edit.role.{role}") if role in POST_ROLE_ZH else role


def kind_name(kind: str, zone_kind: str | None = None) -> str:
    """A target's kind (segment, or a zone's kind: community, grid …) in the page's language; a
    kind without a name of its own is a zone (区域)."""
    kind = zone_kind or kind
    return t(f"edit.kind.{kind}" if kind in TARGET_KIND_ZH else "edit.kind.zone")


class EditTools(JSCSSMixin, MacroElement):
    """Leaflet-Geoman (npm, served by the portal) and the edit panel's module
    (static/portal/edit/edit.js, imported by the page's script) on the page's map."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
import { startEdit } from {{ this.module|tojson }};
startEdit({{ this._parent.get_name() }}, {{ this.options|tojson }});
{% endmacro %}
"""
    )

    def __init__(
        self, scripts: list[tuple[str, str]], styles: list[tuple[str, str]], module: str, options: dict
    ):
        super().__init__()
        self._name = "EditTools"
        self.default_js, self.default_css, self.module, self.options = scripts, styles, module, options


@bp.get("/portal/edit")
@login_required
def index():
    store, county = store_and_county()
    urls = portal_urls()
    # The roads and who leads them matter here; the cases and their filters would be in the way.
    folium_map = build_portal_map(
        store,
        county,
        urls,
        basemap=county_basemap(store, county),
        hidden=("incidents",),
        filters=False,
    )
    editable = current_user.role in EDITORS
    geoman = "@geoman-io/leaflet-geoman-free"
    EditTools(
        [("geoman", vendor(geoman, "dist/leaflet-geoman.js"))],
        [("geoman_css", vendor(geoman, "dist/leaflet-geoman.css")),
         ("portal_edit_css", url_for("static", filename="portal/edit.css"))],
        url_for("static", filename="portal/edit/edit.js"),
        {
            "editable": editable,
            "today": today().isoformat(),
            "units": unit_legend(in_service(store.list_units(county.id))),  # a retired one gets no post
            "lang": current_lang(),  # Leaflet-Geoman's tooltips
            "roles": [{"value": r, "label": role_name(r)} for r in ROLES],
            "modes": [{"value": m, "label": t(f"edit.mode.{m}")} for m in MODES],
            "kinds": [{"value": k, "label": kind_name(k)} for k in SELECTABLE],
            "api": {
                "selection": url_for("edit_api.selection"),
                "preview": url_for("edit_api.preview_posting"),
                "postings": url_for("assignments.create_posting"),
                "changeSets": url_for("history.change_sets"),
                "split": url_for("segment_edits.split", segment_id=0).replace("/0/", "/{id}/"),
                "merge": url_for("segment_edits.merge"),
                **_zone_urls(),
                "revert": url_for("assignments.revert_change_set", change_set_id=0).removesuffix("/0/revert"),
            },
        },
    ).add_to(folium_map)  # fmt: skip
    return render_template("portal/edit.html", county=county, map=map_parts(folium_map), editable=editable)


def _zone_urls() -> dict:
    """The outline editor's endpoints (views/zone_edit_api.py), ``{id}`` for the zone."""
    urls = {
        "zoneContext": url_for("zone_edit_api.context", zone_id=0),
        "zonePreview": url_for("zone_edit_api.preview", zone_id=0),
        "zoneEdit": url_for("zone_edit_api.apply", zone_id=0),
    }
    return {k: v.replace("/0/", "/{id}/") for k, v in urls.items()}
