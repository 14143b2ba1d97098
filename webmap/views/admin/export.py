"""导出数据 (/admin/export, issue #21 part 5): the whole county as one GeoPackage for QGIS (every
layer with its style, the units, the assignment history: geodata/io/export_all.py), made on the
press of a button and sent back at once. It holds the reporters' contacts of the cases, so it is
recorded as an export before it leaves, and refused when that cannot be recorded. One is made at a
time per process (a second press meanwhile is refused with 409): each is a temporary file that is
gone once sent."""

from __future__ import annotations

import os
import tempfile
import threading
from functools import partial
from pathlib import Path

from flask import Blueprint, render_template, send_file

from geodata import clock
from geodata.errors import Conflict
from geodata.io.export_all import export_all
from layers.score_map import export_scores
from webmap.audit import audit
from webmap.i18n import zh_en
from webmap.views.common import ADMINS, roles_required, store_and_county

bp = Blueprint("admin_export", __name__)
admins_only = roles_required(*ADMINS, refusal="admin.admins_only")
_making = threading.Lock()


@bp.get("/admin/export")
@admins_only
def export_page():
    store, county = store_and_county()
    counts = {"zones": store.count(county.id, "zone"), "segments": store.count(county.id, "segment"),
              "cases": store.count(county.id, "incident"), "units": len(store.list_units(county.id))}  # fmt: skip
    return render_template("admin/export.html", county=county, counts=counts)


@bp.post("/admin/export")
@admins_only
def export_download():
    store, county = store_and_county()
    if not _making.acquire(blocking=False):
        zh, en = zh_en("export.busy")
        raise Conflict(zh, en=en)
    try:
        audit("export.geopackage", f"county:{county.code}", required=True)
        with tempfile.TemporaryDirectory(prefix="export-") as folder:
            path = Path(folder) / f"{county.code}.gpkg"
            export_all(store, county, path, scores=partial(export_scores, store))
            made = path.open("rb")  # the open file outlives its name: gone once sent and closed
            os.unlink(path)
    finally:
        _making.release()
    stamp = clock.local_now().strftime("%Y%m%d")
    return send_file(made, mimetype="application/geopackage+sqlite3", as_attachment=True,
                     download_name=f"portal-{county.code}-{stamp}.gpkg")  # fmt: skip
