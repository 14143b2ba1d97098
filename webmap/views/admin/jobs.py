"""Background jobs in the browser (/admin/jobs, issue #20 part 6): ``make-grid`` and ``coverage``
started from /admin/data (make-grid with a ticked 确认: it redraws the grid), every job of the
county newest first with its state and progress, and a job's page with its log and result, whose
progress a small module (static/portal/pages/job.js) follows through /admin/jobs/<id>.json while
it runs. A job left running or queued by a process that stopped is failed here once its heartbeat
is older than geodata.jobs.model.STALE_AFTER."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from geodata.errors import InvalidInput, PortalError, busy_error
from geodata.grids.make import MAX_TARGET_M2, MIN_TARGET_M2
from geodata.jobs.model import Job
from geodata.jobs.run import fail_stale, queue_job
from geodata.model import County
from geodata.stores.store import Store
from webmap.audit import audit
from webmap.i18n import current_lang, message_of, t, texts, zh_en
from webmap.jobs import runner
from webmap.views.admin import forms
from webmap.views.admin.data import data_view
from webmap.views.common import ADMINS, roles_required, store_and_county
from webmap.views.params import page_number, parse_day

bp = Blueprint("admin_jobs", __name__)

PER_PAGE = 50
STARTED_HERE = ("make_grid", "coverage")  # an import starts from its upload's preview
admins_only = roles_required(*ADMINS, refusal="admin.admins_only")


@bp.get("/admin/jobs")
@admins_only
def jobs_page():
    store, county = store_and_county()
    _fail_stale(store, county)
    page = page_number()
    total = store.count_jobs(county.id)
    jobs = [_shown(j) for j in store.list_jobs(county.id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)]
    return render_template("admin/jobs.html", county=county, jobs=jobs, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)))  # fmt: skip


@bp.post("/admin/jobs")
@admins_only
def start_job():
    store, county = store_and_county()
    sent = {k: request.form.get(k, "")[:100] for k in ("job", "target_m2", "at")}
    try:
        kind = forms.form_text("job", forms.CHOICE_MAX)
        if kind not in STARTED_HERE:
            zh, en = zh_en("jobs.unknown_kind", kind=repr(kind))
            raise InvalidInput(zh, en=en, field="job")
        params = _make_grid_params() if kind == "make_grid" else _coverage_params()
        job = queue_job(store, county.id, kind, current_user.username, params)
    except PortalError as exc:
        forms.audit_refusal(exc, f"job:{sent['job'][:20]}")
        return data_view(store, county, sent, message_of(exc), exc.status)
    audit(request.endpoint, f"job:{job.id}", kind=kind, **params)
    runner().submit(job)
    flash(t("jobs.started_ok", id=job.id), "ok")
    return redirect(url_for("admin_jobs.job_page", job_id=job.id))


@bp.get("/admin/jobs/<int:job_id>")
@admins_only
def job_page(job_id: int):
    store, county = store_and_county()
    _fail_stale(store, county)
    job = _shown(store.get_job(county.id, job_id))
    return render_template("admin/job.html", county=county, job=job, message=_message(job),
                           script_texts=texts("jobs.js"))  # fmt: skip


@bp.get("/admin/jobs/<int:job_id>.json")
@admins_only
def job_json(job_id: int):
    """What the job page follows while the job runs: its state, progress and last word."""
    store, county = store_and_county()
    _fail_stale(store, county)
    job = _shown(store.get_job(county.id, job_id))
    answer = jsonify(
        id=job.id, kind=job.kind, state=job.state, state_name=t(f"jobs.state.{job.state}"), progress=job.progress,
        message=_message(job), finished=job.finished,
    )  # fmt: skip
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _make_grid_params() -> dict:
    """The target cell area, bounded (make_grid checks it too), and the ticked 确认."""
    forms.confirmed()
    raw = forms.form_text("target_m2", 20) or "10000"
    try:
        target = float(raw)
    except ValueError:
        target = float("nan")
    if not MIN_TARGET_M2 <= target <= MAX_TARGET_M2:  # NaN fails too
        zh, en = zh_en("jobs.bad_target", raw=repr(raw), min=f"{MIN_TARGET_M2:,}", max=f"{MAX_TARGET_M2:,}")
        raise InvalidInput(zh, en=en, field="target_m2")
    return {"target_m2": target}


def _coverage_params() -> dict:
    day = parse_day(forms.form_text("at", 20), "at", required=False)
    return {"at": day.isoformat()} if day else {}


def _fail_stale(store: Store, county: County) -> None:
    """Fail the jobs whose process died; a database too busy to write it now is left for later."""
    try:
        fail_stale(store, county.id)
    except Exception as exc:
        if busy_error(exc) is None:
            raise


def _shown(job: Job) -> Job:
    """A running job of this process as its tracker sees it now (on SQLite its heartbeat cannot
    be written while it holds the write lock)."""
    tracker = runner().tracker(job.id) if job.state == "running" else None
    if tracker is None:
        return job
    progress, message, message_en, _ = tracker.snapshot()
    return replace(job, progress=max(job.progress, progress), message=message, message_en=message_en)


def _message(job: Job) -> str:
    return job.message_en if current_lang() == "en" and job.message_en else job.message
