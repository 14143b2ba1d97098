"""Data in the browser (/admin/data, issue #20 part 6): upload a file of streets, zones, grid cells,
units or incidents (at most MAX_UPLOAD_MB, the kind chosen in the form, a CRS when the file
declares none); see what it holds before anything is stored (counts, bounds, a map, every refused
row and why); then import it as a background job, in one transaction. With refused rows nothing is
imported unless 跳过被拒绝的行 is ticked. The reading and the import are geodata/io/'s, as the
commands' are (flask --app app import-streets …); the job is webmap/jobs.py's."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from geodata.errors import InvalidInput, PortalError
from geodata.grids.make import MAX_TARGET_M2, MIN_TARGET_M2
from geodata.io import uploads
from geodata.io.preview import UPLOAD_KINDS
from geodata.jobs.run import queue_job
from geodata.model import County
from geodata.stores.store import Store
from webmap.audit import audit
from webmap.i18n import message_of, texts, zh_en
from webmap.jobs import runner
from webmap.views.admin import forms
from webmap.views.common import ADMINS, roles_required, store_and_county

bp = Blueprint("admin_data", __name__)

MAX_UPLOAD_MB = 50
SKIP = "yes"  # the value of the 跳过被拒绝的行 box
RECENT_JOBS = 5
admins_only = roles_required(*ADMINS, refusal="admin.admins_only")


def allow_large_upload() -> None:
    """Before every request, ahead of CSRF (which reads the form): an upload may be larger than
    the portal's other forms (MAX_CONTENT_LENGTH, sized for a photo)."""
    if request.endpoint == "admin_data.upload":
        request.max_content_length = MAX_UPLOAD_MB << 20


@bp.get("/admin/data")
@admins_only
def data_page():
    store, county = store_and_county()
    return data_view(store, county, {})


@bp.post("/admin/data")
@admins_only
def upload():
    store, county = store_and_county()
    sent = {k: request.form.get(k, "")[:100] for k in ("kind", "crs", "name_field")}
    file = request.files.get("file")
    try:
        if file is None or not file.filename:
            zh, en = zh_en("data.no_file")
            raise InvalidInput(zh, en=en, field="file")
        kind = forms.form_text("kind", forms.CHOICE_MAX)
        crs, name_field = (
            forms.form_text("crs", uploads.FIELD_MAX),
            forms.form_text("name_field", uploads.FIELD_MAX),
        )
        folder = uploads_folder()
        uploads.sweep(folder)
        made = uploads.save_upload(folder, file.stream, file.filename, county.id, kind, current_user.username,
                                   MAX_UPLOAD_MB << 20, crs, name_field)  # fmt: skip
        try:
            preview = uploads.preview_upload(store, county, made)
        except PortalError:
            uploads.discard(made)
            raise
    except PortalError as exc:
        forms.audit_refusal(exc, f"upload:{(file.filename if file else '')[:100]}")
        return data_view(store, county, sent, message_of(exc), exc.status)
    audit(request.endpoint, f"upload:{made.original_name}", kind=made.kind, bytes=made.size, read=preview.read,
          storable=preview.storable, refused=preview.refused_total)  # fmt: skip
    return redirect(url_for("admin_data.preview_page", token=made.token))


@bp.get("/admin/data/uploads/<token>")
@admins_only
def preview_page(token: str):
    store, county = store_and_county()
    return _preview_view(county, _upload(county, token))


@bp.get("/admin/data/uploads/<token>/map")
@admins_only
def preview_map(token: str):
    """The upload's features for the preview's map (GeoJSON, simplified, at most a few thousand)."""
    _, county = store_and_county()
    made = _upload(county, token)
    body = made.map_path.read_text(encoding="utf-8") if made.map_path.is_file() else '{"features": []}'
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})


@bp.post("/admin/data/uploads/<token>/import")
@admins_only
def import_upload(token: str):
    store, county = store_and_county()
    made = _upload(county, token)
    preview = made.checked_preview()
    skip = request.form.get("skip_refused") == SKIP
    try:
        if preview.refused_total and not skip:
            zh, en = zh_en("data.need_skip", n=preview.refused_total)
            raise InvalidInput(zh, en=en, field="skip_refused")
        if not preview.storable:
            zh, en = zh_en("data.nothing_to_import")
            raise InvalidInput(zh, en=en, field="file")
        params = {"upload": made.token, "kind": made.kind, "source": made.original_name, "skip_refused": skip}
        job = queue_job(store, county.id, "import", current_user.username, params)
    except PortalError as exc:
        forms.audit_refusal(exc, f"upload:{made.original_name}")
        return _preview_view(county, made, message_of(exc), exc.status)
    audit(request.endpoint, f"job:{job.id}", kind=made.kind, source=made.original_name, skip_refused=skip,
          storable=preview.storable, refused=preview.refused_total)  # fmt: skip
    runner().submit(job)
    return redirect(url_for("admin_jobs.job_page", job_id=job.id))


def uploads_folder() -> Path:
    return runner().uploads


def _upload(county: County, token: str) -> uploads.Upload:
    return uploads.load_upload(uploads_folder(), county.id, token[:64])


def data_view(store: Store, county: County, sent: dict, error: str | None = None, status: int = 200):
    """The upload form, the buttons that start make-grid and coverage, the latest jobs."""
    return render_template(
        "admin/data.html", county=county, sent=sent, error=error, kinds=UPLOAD_KINDS, max_mb=MAX_UPLOAD_MB,
        jobs=store.list_jobs(county.id, limit=RECENT_JOBS), min_m2=MIN_TARGET_M2, max_m2=MAX_TARGET_M2,
    ), status  # fmt: skip


def _preview_view(county: County, made: uploads.Upload, error: str | None = None, status: int = 200):
    preview = made.checked_preview()
    extent = preview.bounds or (county.extent.bounds if county.extent is not None else None)
    config = {
        "bounds": [[extent[1], extent[0]], [extent[3], extent[2]]] if extent else None,
        "features": url_for("admin_data.preview_map", token=made.token),
    }
    return render_template(
        "admin/data_preview.html", county=county, upload=made, preview=preview, error=error, map_config=config,
        script_texts=texts("data.js"),
    ), status  # fmt: skip
