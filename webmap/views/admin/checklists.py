"""检查表 (/admin/checklists), administrators only: per kind of target (segment, community, grid)
the checklist in force this month, the versions scheduled for later months and every version
made, and a form to edit a kind's list (names, maxima, order; items added and removed) from a
chosen month on (next month by default; geodata/scores/checklists.py). The maxima must sum to
100: the page's script (static/portal/pages/checklist.js) shows the sum while editing, and the
server refuses any other. A version and its audit record are stored together or not at all."""

from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from geodata.errors import Conflict, InvalidInput
from geodata.model import ChecklistItem
from geodata.scores import checklists
from geodata.scores.model import CHECKLIST_KINDS
from geodata.scores.months import next_month, this_month
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import message_of, t, zh_en
from webmap.views.admin.scoring import seen_id
from webmap.views.common import ADMINS, current_county, roles_required
from webmap.views.params import check_text, parse_month

bp = Blueprint("admin_checklists", __name__)

LATER_MONTHS = 12  # the months the form offers: this one and a year ahead
BLANK_ROWS = 2  # empty rows shown for new items (the script shows more, up to MAX_ITEMS rows)
MAX_FIELD = 100  # characters of a typed code, number or order
ROW_FIELDS = ("code", "name", "max", "sort")


@bp.get("/admin/checklists")
@roles_required(*ADMINS, refusal="admin.admins_only")
def checklists_page():
    kind = checklists.checked_kind(request.args.get("kind") or CHECKLIST_KINDS[0])
    raw = request.args.get("month")
    month = parse_month(raw) if raw else next_month(this_month())
    return _page(kind, month)


@bp.post("/admin/checklists")
@roles_required(*ADMINS, refusal="admin.admins_only")
def change():
    store, form = get_store(), request.form
    kind = checklists.checked_kind(form.get("kind"))
    month, rows = None, _typed_rows(form)
    try:
        month = parse_month(form.get("effective_month"), "effective_month")
        kept, items = _items(kind, rows)
        with store.transaction():  # the version and its audit record are kept together or not at all
            try:
                made = checklists.change_checklist(
                    store, kind, items, month, current_user.username, _reason(form.get("reason", "")),
                    seen=seen_id(form.get("seen")),
                )  # fmt: skip
            except InvalidInput as exc:
                raise _on_row(exc, kept) from None
            audit(request.endpoint, f"checklist_version:{made.id}", required=True, kind=kind, effective_month=month,
                  items={i.code: i.max_score for i in made.items}, reason=made.reason)  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        return _page(kind, month or next_month(this_month()), error=exc, typed=rows), exc.status
    flash(t("checklists.saved", kind=t(f"checklists.kind.{kind}"), month=month, n=len(made.items)), "ok")
    return redirect(url_for("admin_checklists.checklists_page", kind=kind))


def _page(
    kind: str, month: str, error: InvalidInput | Conflict | None = None, typed: list[dict] | None = None
):
    """The page of ``kind`` with its form for ``month``; after a refusal, it and what was typed."""
    store = get_store()
    now = this_month()
    shown = checklists.history(store, kind, now)
    editing = checklists.in_force(shown.versions, month)
    rows = typed if typed is not None else [
        {"code": i.code, "name": i.name_zh, "max": f"{i.max_score:g}", "sort": str(i.sort), "remove": False}
        for i in editing.items
    ]  # fmt: skip
    blank = {"code": "", "name": "", "max": "", "sort": "", "remove": False}
    rows = rows + [dict(blank) for _ in range(max(0, checklists.MAX_ITEMS - len(rows)))]
    return render_template(
        "admin/checklists.html", county=current_county(store), kind=kind, kinds=CHECKLIST_KINDS, now=now,
        month=month, months=_months(now, month), shown=shown, rows=rows, first_hidden=_first_hidden(rows),
        total=_sum_text(_sum(rows)), error=error and message_of(error), error_field=error and error.details.get("field"),
        reason=request.form.get("reason", "") if typed is not None else "",
    )  # fmt: skip


def _months(now: str, chosen: str) -> list[str]:
    months = [now]
    while len(months) <= LATER_MONTHS:
        months.append(next_month(months[-1]))
    return months if chosen in months else sorted([*months, chosen])


def _typed_rows(form) -> list[dict]:
    """The rows as typed (cut to their bound; every form field is storable text already:
    params.check_request_text), for the items and to show again after a refusal."""
    rows = []
    for n in range(checklists.MAX_ITEMS):
        # one character past the bound: too long a name is the domain's to refuse, naming it
        row = {f: form.get(f"items-{n}-{f}", "").strip()[: MAX_FIELD + 1] for f in ROW_FIELDS}
        row["remove"] = form.get(f"items-{n}-remove") == "1"
        rows.append(row)
    while rows and not _filled(rows[-1]):
        rows.pop()
    return rows


def _filled(row: dict) -> bool:
    return any(row[f] for f in ("code", "name", "max"))


def _items(kind: str, rows: list[dict]) -> tuple[list[int], list[ChecklistItem]]:
    """The items the rows make (blank and removed rows left out) and the row of each."""
    kept, items = [], []
    for n, row in enumerate(rows):
        if row["remove"] or not _filled(row):
            continue
        top = _number(row["max"], n, "max")
        order = _number(row["sort"], n, "sort") if row["sort"] else n + 1
        if order != int(order):
            raise _bad_number(n, "sort", row["sort"])
        kept.append(n)
        items.append(ChecklistItem(kind, row["code"], row["name"], top, int(order)))
    return kept, items


def _number(raw: str, n: int, what: str) -> float:
    try:
        value = float(raw) if raw.isascii() else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (what == "sort" and abs(value) > 1e6):
        raise _bad_number(n, what, raw)
    return value


def _bad_number(n: int, what: str, raw: str) -> InvalidInput:
    zh, en = zh_en(f"checklists.bad_{what}", row=n + 1, raw=repr(raw[:20]))
    return InvalidInput(zh, en=en, field=f"items-{n}-{what}")


def _on_row(exc: InvalidInput, kept: list[int]) -> InvalidInput:
    """The domain's refusal of ``items[k].x`` as the form's field of that row (``items-n-x``)."""
    field = exc.details.get("field", "")
    if field.startswith("items[") and "]." in field:
        k, what = field[len("items[") :].split("].", 1)
        if k.isdigit() and int(k) < len(kept):
            exc.details["field"] = f"items-{kept[int(k)]}-{what}"
    return exc


def _reason(raw: str) -> str:
    text = check_text(raw.strip(), "reason")
    if len(text) > checklists.MAX_REASON:
        raise InvalidInput(
            f"原因过长：最多 {checklists.MAX_REASON} 字",
            en=f"The reason is too long: at most {checklists.MAX_REASON} characters",
            field="reason",
        )
    return text


def _sum(rows: list[dict]) -> float | None:
    """The maxima of the rows kept, as the page's script sums them (None: one is not a number)."""
    total = 0.0
    for row in rows:
        if row["remove"] or not _filled(row):
            continue
        try:
            total += float(row["max"])
        except ValueError:
            return None
    return total if math.isfinite(total) else None


def _sum_text(total: float | None) -> tuple[str, bool]:
    """What the sum says before the script says it (the same words as checklist.js): text, ok."""
    if total is None:
        return t("checklists.js.sum", sum="?") + " · " + t("checklists.js.bad"), False
    gap = round(checklists.TOTAL - total, 6)
    shown = t("checklists.js.sum", sum=f"{round(total, 6):g}")
    if abs(gap) <= checklists.TOTAL_TOLERANCE:
        return shown + " · " + t("checklists.js.ok"), True
    status = t("checklists.js.short", n=f"{gap:g}") if gap > 0 else t("checklists.js.over", n=f"{-gap:g}")
    return shown + " · " + status, False


def _first_hidden(rows: list[dict]) -> int:
    """The first empty row the page hides until the script's 添加一项 shows it."""
    last = max((n for n, row in enumerate(rows) if _filled(row)), default=-1)
    return last + 1 + BLANK_ROWS
