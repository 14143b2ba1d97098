"""评分设置 (/admin/scoring), administrators only: the score settings in force this month, the
changes scheduled for later months and every change made, and a form to change the weights, the
grade thresholds and the other settings from a chosen month on (next month by default;
geodata/scores/settings.py). The form shows the values in force from its month (``?month=``),
and only the values changed from those are stored. A past month changes only as a re-score with
a reason; every change is audited in the transaction that stores it, so none is kept unaudited."""

from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from geodata.errors import Conflict, InvalidInput
from geodata.scores import settings
from geodata.scores.months import next_month, previous_month, this_month
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import message_of, t
from webmap.views.common import ADMINS, current_county, roles_required
from webmap.views.params import MAX_ID, check_text, page_number, parse_month

bp = Blueprint("admin_scoring", __name__)

PER_PAGE = 20  # changes in the history, newest first
PAST_MONTHS, LATER_MONTHS = 24, 12  # the months the form offers around this one
MAX_NUMBER = 24  # characters of a typed number
GROUPS = (
    ("scoring.weights", settings.WEIGHTS),
    ("scoring.thresholds", settings.THRESHOLDS),
    ("scoring.others", tuple(k for k in settings.ORDER if k not in settings.WEIGHTS + settings.THRESHOLDS)),
)


@bp.get("/admin/scoring")
@roles_required(*ADMINS, refusal="admin.admins_only")
def scoring_page():
    raw = request.args.get("month")
    month = parse_month(raw) if raw else next_month(this_month())
    return _page(month)


@bp.post("/admin/scoring")
@roles_required(*ADMINS, refusal="admin.admins_only")
def change():
    store, form, month = get_store(), request.form, None
    try:
        month = parse_month(form.get("effective_month"), "effective_month")
        values = {k: _number(form.get(k, ""), k) for k in settings.ORDER if form.get(k, "").strip()}
        with store.transaction():  # the change and its audit record are kept together or not at all
            made = settings.change_settings(
                store, values, month, current_user.username, _reason(form.get("reason", "")),
                rescore=form.get("rescore") == "1", seen=seen_id(form.get("seen")),
            )  # fmt: skip
            audit(request.endpoint, f"score_setting_change:{made.id}", required=True, effective_month=month,
                  values=made.values, rescore=made.rescore, reason=made.reason)  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        return _page(month or next_month(this_month()), error=exc, typed=form), exc.status
    flash(t("scoring.saved", month=month, n=len(made.values)), "ok")
    return redirect(url_for("admin_scoring.scoring_page"))


def _page(month: str, error: InvalidInput | Conflict | None = None, typed=None):
    """The page with its form for ``month``; after a refusal, the refusal and what was typed."""
    store = get_store()
    changes = store.settings_changes()
    now = this_month()
    history = changes[::-1]  # newest first, the values from the start last
    page = page_number()
    pages = max(1, -(-len(history) // PER_PAGE))
    shown, in_force_now = settings.in_force(changes, month), settings.in_force(changes, now)
    values = {k: (typed.get(k, "") if typed is not None else f"{shown[k].value:g}") for k in settings.ORDER}
    return render_template(
        "admin/scoring.html", county=current_county(store), now=now, upcoming=next_month(now), month=month,
        months=_months(now, month),
        current=[in_force_now[k] for k in settings.ORDER if k in in_force_now],
        scheduled=settings.scheduled(changes, now), history=history[(page - 1) * PER_PAGE : page * PER_PAGE],
        changes=len(changes) - 1, page=page, pages=pages, groups=GROUPS, values=values,
        seen=max((c.id for c in changes if c.id is not None), default=0), past=month < now,
        error=error and message_of(error), error_field=error and error.details.get("field"),
        rescore=typed is not None and typed.get("rescore") == "1", reason=typed.get("reason", "") if typed else "",
        order=settings.ORDER,
    )  # fmt: skip


def _months(now: str, chosen: str) -> list[str]:
    """The months the form offers, latest first: a year ahead down to two years back (and
    ``chosen``, should a link name another)."""
    months = [now]
    for _ in range(LATER_MONTHS):
        months.insert(0, next_month(months[0]))
    for _ in range(PAST_MONTHS):
        months.append(previous_month(months[-1]))
    return months if chosen in months else sorted([*months, chosen], reverse=True)


def _number(raw: str, key: str) -> float:
    """A typed setting: a finite number; InvalidInput naming the setting otherwise."""
    text = check_text(raw.strip(), key)
    try:
        value = float(text) if len(text) <= MAX_NUMBER and text.isascii() else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        zh, en = settings.NAMES[key]
        shown = text if len(text) <= MAX_NUMBER else text[:MAX_NUMBER] + "…"
        raise InvalidInput(f"“{zh}”应为数值，而不是 {shown!r}", en=f"“{en}” must be a number, not {shown!r}",
                           field=key)  # fmt: skip
    return value


def _reason(raw: str) -> str:
    text = check_text(raw.strip(), "reason")
    if len(text) > settings.MAX_REASON:
        raise InvalidInput(
            f"原因过长：最多 {settings.MAX_REASON} 字",
            en=f"The reason is too long: at most {settings.MAX_REASON} characters",
            field="reason",
        )
    return text


def seen_id(raw) -> int:
    """The latest change (or version) the form was made from, which it must say: 0 for none;
    InvalidInput otherwise (its author reopens the page)."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID):
        raise InvalidInput(
            f"表单缺少有效的 seen（打开页面时的最新版本号），而是 {text[:20]!r}：请重新打开页面",
            en=f"The form lacks a valid seen (the latest version when the page was opened), not {text[:20]!r}: reopen the page",
            field="seen",
        )
    return int(text)
